// Runs the real CLI (`deno run <RUNTIME_FLAGS> cli.ts …`) the way users and CI do.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { selfCommand } from "../lib/trust/check.ts";

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The registry cache of this test process's runs (docs/adr/0010), not the user's. */
const CACHE_DIR = Deno.makeTempDirSync({ prefix: "wst-test-cache-" });

/**
 * A state folder of this test process's own (the trust file goes there), so a
 * test never reads or writes the user's approvals.
 */
let stateHome: string | undefined;

/** The arguments of `deno` that run `wst <args>` from the sources (for a test that spawns it). */
export function cliArgs(args: readonly string[]): string[] {
  return ["run", "--quiet", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`, ...args];
}

/**
 * Runs `wst <args>` with the given env additions, NO_COLOR set and no INIT_CWD.
 * `WST_TRUST=1` by default: local tasks run without the user's approval, since
 * what these tests check is the task or the sandbox itself; the trust tests
 * (tests/trust_test.ts) set `WST_TRUST: "0"` and their own `XDG_STATE_HOME`.
 */
export async function wst(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  if (stateHome === undefined) {
    const dir = stateHome = await Deno.makeTempDir({ prefix: "wst-state-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  }
  const env: Record<string, string> = {
    NO_COLOR: "1",
    WST_TRUST: "1",
    XDG_STATE_HOME: stateHome,
    WST_CACHE_DIR: CACHE_DIR,
    // Not the one `deno task` sets for the test run: a test's cwd is its user's folder.
    INIT_CWD: "",
    ...options.env,
  };
  const command = new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const out = await command.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** A temporary workspace folder, removed when disposed (`await using ws = …`). */
export interface TempWorkspace extends AsyncDisposable {
  readonly dir: string;
}

/** Creates a temporary workspace with the given files (path → content). */
export async function workspace(files: Record<string, string>): Promise<TempWorkspace> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-test-" }));
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/**
 * How an error names wst in a command to run (`wst trust …`): as the wst the
 * tests start would be run again (`selfCommand`, with the tests' environment,
 * which the CLI inherits).
 */
export const WST_PROGRAM: string = selfCommand();
