import { UsageError } from "../errors/mod.ts";
import { resolvePath } from "../_path.ts";

/**
 * The workspace root: `--root <dir>` (or `--root=<dir>`), else `INIT_CWD`
 * (set by `deno task` and `npm run` to where they were started), else the
 * current directory. Read before the command line is parsed because the
 * root decides which local tasks exist.
 *
 * @param argv The CLI arguments.
 * @returns The absolute, real path of the root.
 * @throws {UsageError} When it is not a directory.
 */
export function resolveRoot(argv: readonly string[]): string {
  let given: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (arg === "--root") given = argv[i + 1];
    else if (arg.startsWith("--root=")) given = arg.slice("--root=".length);
  }
  const cwd = Deno.cwd();
  const candidate = resolvePath(cwd, given ?? (Deno.env.get("INIT_CWD") || cwd));
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
