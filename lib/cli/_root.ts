import { UsageError } from "../errors/mod.ts";
import { resolvePath } from "../_path.ts";
import type { Invocation } from "./_argv.ts";

/**
 * The workspace root: `--root <dir>` resolved against the folder the user ran
 * the command in (see `Invocation.base`), else that folder itself. Read
 * before the command line is parsed because the root decides which local
 * tasks exist.
 *
 * @param invocation The scanned command line.
 * @returns The absolute, real path of the root.
 * @throws {UsageError} When it is not a directory.
 */
export function resolveRoot(invocation: Pick<Invocation, "root" | "base">): string {
  const candidate = resolvePath(invocation.base, invocation.root ?? ".");
  try {
    const info = Deno.statSync(candidate);
    if (!info.isDirectory) {
      throw new UsageError(`Cannot use root ${JSON.stringify(candidate)}: it is not a directory`);
    }
    return Deno.realPathSync(candidate);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(`Cannot use root ${JSON.stringify(candidate)}: it does not exist`);
    }
    throw err;
  }
}
