import { type SandboxDeniedError, WstError } from "../errors/mod.ts";
import { resolvePath } from "../_path.ts";
import { isInside } from "./intersect.ts";

/**
 * The real folder a subtask runs in: the requested root resolved against the
 * caller's, every symbolic link in it followed, and inside the caller's real
 * root. Checking the path as written would let `sub -> /other/repo` lead the
 * subtask (and its relative permissions) into another repository.
 */
export async function subtaskRoot(
  parentRoot: string,
  request: { name: string; root: string },
  refuse: (operation: string) => SandboxDeniedError,
): Promise<string> {
  const starting = `starting a task at`;
  const requested = resolvePath(parentRoot, request.root);
  const realParent = await Deno.realPath(parentRoot);
  if (!isInside(requested, parentRoot)) {
    throw refuse(`${starting} ${JSON.stringify(requested)}, outside the root`);
  }
  let real: string;
  try {
    real = await Deno.realPath(requested);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    throw new WstError(
      `Cannot start task ${JSON.stringify(request.name)}: its root ${
        JSON.stringify(request.root)
      } does not exist (${requested})`,
    );
  }
  if (!isInside(real, realParent)) {
    throw refuse(
      `${starting} ${JSON.stringify(request.root)}, a symbolic link to ${
        JSON.stringify(real)
      }, outside the root`,
    );
  }
  if (!(await Deno.stat(real)).isDirectory) {
    throw new WstError(
      `Cannot start task ${JSON.stringify(request.name)}: its root ${
        JSON.stringify(request.root)
      } is not a folder`,
    );
  }
  // Spelled as the caller's root is (which may itself be reached through a link, as /tmp is on
  // macOS): the two roots' paths are compared when their permissions are intersected.
  return real === realParent
    ? parentRoot
    : resolvePath(parentRoot, real.slice(realParent.length + 1));
}
