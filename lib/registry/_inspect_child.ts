// The inspection child (`wst __inspect`, started by `_inspect.ts`): describes
// local task modules, each in its own worker with no permissions, and prints
// one line per module as soon as it is known. It runs in a process of its own
// so that a module exhausting its memory (which kills the whole process from a
// worker) or ending it takes this process down, never the CLI.
import { describeTask } from "../sandbox/host.ts";
import { TaskDefinitionError, toWstError } from "../errors/mod.ts";
import { relativeTo, SEP } from "../_path.ts";
import { type InspectOutcome, type InspectRequest, wstFolderOf } from "./_inspect.ts";

/**
 * Reads one {@linkcode InspectRequest} from stdin, describes its modules a
 * few at a time and writes `<nonce> <outcome JSON>` lines to stdout; exits 0 when all
 * are written. Lines without the nonce are not wst's: a module cannot forge
 * one (the nonce lives only in this isolate).
 */
export async function serveInspection(): Promise<never> {
  const request = JSON.parse(await new Response(Deno.stdin.readable).text()) as InspectRequest;
  const encoder = new TextEncoder();
  const write = (outcome: InspectOutcome) => {
    const bytes = encoder.encode(`${request.nonce} ${JSON.stringify(outcome)}\n`);
    for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
  };
  const { root, timeoutMs } = request;
  // A few workers at a time, each timed from its own start: twenty modules loading at once on two
  // busy cores would each take longer than the limit.
  let next = 0;
  const describeNext = async (): Promise<void> => {
    while (next < request.files.length) {
      const i = next++;
      await describeOne(request.files[i]!, i);
    }
  };
  const describeOne = async (path: string, i: number) => {
    // A namespace's module loads with its own folder as its root (docs/adr/0014).
    const own = dirname(wstFolderOf(path)) || root;
    const file = relativeTo(own, path);
    try {
      const url = new URL(`file://${path.startsWith("/") ? "" : "/"}${path}`).href;
      const meta = await describeTask({ name: file, url }, own, { timeoutMs });
      // Only what the registry keeps: a module's description cannot smuggle more through.
      write({
        i,
        meta: {
          name: meta.name,
          description: meta.description,
          argsSchema: meta.argsSchema,
          permissions: meta.permissions,
          ...(meta.defaultPermissions === undefined
            ? {}
            : { defaultPermissions: meta.defaultPermissions }),
          ...(meta.deps === undefined ? {} : { deps: meta.deps }),
          ...(meta.sources === undefined ? {} : { sources: meta.sources }),
          ...(meta.outputs === undefined ? {} : { outputs: meta.outputs }),

          ...(meta.dotenv === undefined ? {} : { dotenv: meta.dotenv }),
          ...(meta.envDefaults === undefined ? {} : { envDefaults: meta.envDefaults }),
        },
      });
    } catch (err) {
      const error = toWstError(err);
      const message = error instanceof TaskDefinitionError
        ? error.problems.map((p) => `${p.field}: ${p.message}`).join("; ")
        : error.message;
      const at = error.location?.file === file ? error.location : undefined;
      write({
        i,
        problem: {
          ...(at === undefined ? {} : { line: at.line, column: at.column }),
          message,
          kind: error.kind,
        },
      });
    }
  };
  const parallel = Math.max(2, Math.min(request.parallel, request.files.length));
  await Promise.all(Array.from({ length: parallel }, describeNext));
  Deno.exit(0);
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf(SEP));
}
