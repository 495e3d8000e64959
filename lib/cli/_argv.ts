// The one scan of the command line: the global flags (`--root`, `--json`,
// `--verbose`, anywhere before `--`), the command, and what is left for the
// command's own parser. Everything else in the CLI reads this, never argv.
// No imports beyond lib/_path.ts: this runs before anything else loads.
import { resolvePath } from "../_path.ts";

/** A command line, scanned once. */
export interface Invocation {
  /** The first argument that is not a global flag: a task or a CLI command; undefined for none. */
  readonly command: string | undefined;
  /** The arguments after the command, without the global flags and without `--` and what follows. */
  readonly rest: readonly string[];
  /** Everything after the first `--`, as given: the task's `ctx.argv`. */
  readonly argv: readonly string[];
  /** `--root` as given, or undefined. */
  readonly root: string | undefined;
  /** `--confine` as given (`auto`, `require`, `off`; checked where a task runs), or undefined. */
  readonly confine?: string | undefined;
  /** `--json`: stdout carries exactly one JSON document. */
  readonly json: boolean;
  /** `--verbose`: debug lines and stacks on stderr. */
  readonly verbose: boolean;
  /** `--trust`: local tasks run without the user's approval, and nothing is recorded (CI). */
  readonly trust: boolean;
  /**
   * `--watch` (taken off `rest`): given before the command it is wst's; after it, it is the
   * task's when the task has an argument named `watch`, else wst's (decided where the task is
   * known: `runApp`).
   */
  readonly watch?: "before" | "after" | undefined;
  /** `-h`, `--help` or `--help-all` somewhere before `--`. */
  readonly help: boolean;
  /**
   * `wst __complete … --confine <partial>`: the word being completed is the
   * value of a global flag the parser takes before Stricli sees the words.
   */
  readonly completing?: { readonly flag: "--confine"; readonly partial: string } | undefined;
  /**
   * The folder the user ran the command in: relative paths they give resolve
   * against it. `INIT_CWD` when set (`deno task` and `npm run` set it to where
   * they were started; their own working folder is wst's), else the current
   * directory.
   */
  readonly base: string;
  /** A problem with the global flags themselves (`--root` without a value). */
  readonly error?: string;
  /**
   * The runner flags given before the task's name (always wst's): `--jobs`,
   * `--fail-fast`, `--dry-run`, `--force`. After the name they are the
   * task's own when it has an argument of that name, else wst's (main.ts).
   */
  readonly runner?: RunnerFlags;
}

/** How wst runs a task and its deps (docs/adr/0012-graph.md). */
export interface RunnerFlags {
  /** `--jobs <n>`: at most this many tasks at once, as given (checked where a task runs). */
  readonly jobs?: string | number;
  /** `--fail-fast`: the first failure aborts the running tasks and starts no other. */
  readonly failFast?: boolean;
  /** `--dry-run`: print the order the tasks would run in; run nothing. */
  readonly dryRun?: boolean;
  /** `--force`: run tasks with `sources` even when they are up to date. */
  readonly force?: boolean;
}

/** The runner's switches, by flag. */
const RUNNER_SWITCHES: Record<string, "failFast" | "dryRun" | "force"> = {
  "--fail-fast": "failFast",
  "--dry-run": "dryRun",
  "--force": "force",
};

const SWITCHES = new Set(["--json", "--verbose", "--trust"]);

/** wst's own options, as the scan below takes them, for a message that lists them. */
export const WST_OPTIONS: readonly string[] = [
  "--root <folder>",
  "--confine auto|require|off",
  ...SWITCHES,
  "--watch",
  "--jobs <n>",
  ...Object.keys(RUNNER_SWITCHES),
  "--version",
  "--help",
];

/**
 * wst's own commands (the rest are tasks): what none of them runs is a task
 * given on the command line, so none starts a runner early (`_prelaunch.ts`).
 * tests/cli_test.ts checks it against `wst --help`.
 */
export const CLI_COMMANDS: ReadonlySet<string> = new Set([
  "list",
  "describe",
  "schema",
  "docs",
  "trust",
  "import",
  "guard",
  "completions",
  "__complete",
]);

/**
 * Scans a command line.
 *
 * @param argv The arguments after the program name.
 * @param env Reads an environment variable (default: the process's).
 * @returns The invocation.
 */
export function parseArgv(
  argv: readonly string[],
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Invocation {
  const rest: string[] = [];
  let passthrough: string[] = [];
  let command: string | undefined;
  let root: string | undefined;
  let confine: string | undefined;
  let json = false;
  let verbose = false;
  let trust = false;
  let help = false;
  let watch: "before" | "after" | undefined;
  let error: string | undefined;
  const runner: { -readonly [K in keyof RunnerFlags]: RunnerFlags[K] } = {};
  // Completion: the last word is the one being typed, possibly the value of `--confine`.
  let completing: Invocation["completing"];
  if (argv[0] === "__complete") {
    const last = argv.at(-1) ?? "";
    if (argv.at(-2) === "--confine" && argv.length > 2) {
      completing = { flag: "--confine", partial: last };
      argv = argv.slice(0, -2);
    } else if (last.startsWith("--confine=")) {
      completing = { flag: "--confine", partial: last.slice("--confine=".length) };
      argv = argv.slice(0, -1);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Completing, a last `--` is a flag being typed, not the end of wst's arguments.
    const typed = argv[0] === "__complete" && i === argv.length - 1;
    if (arg === "--" && !typed) {
      passthrough = argv.slice(i + 1);
      break;
    }
    if (command === undefined && rest.length === 0) {
      // Before the task's name, a runner flag is always wst's.
      if (arg === "--jobs" || arg.startsWith("--jobs=")) {
        const value = arg === "--jobs" ? argv[++i] : arg.slice("--jobs=".length);
        if (value === undefined || value === "") error ??= "--jobs needs a number: --jobs <n>";
        else runner.jobs = value;
        continue;
      }
      const name = RUNNER_SWITCHES[arg];
      if (name !== undefined) {
        runner[name] = true;
        continue;
      }
    }
    if (arg === "--root" || arg.startsWith("--root=")) {
      const value = arg === "--root" ? argv[++i] : arg.slice("--root=".length);
      if (value === undefined || value === "") error ??= "--root needs a folder: --root <dir>";
      else root = value;
    } else if (arg === "--confine" || arg.startsWith("--confine=")) {
      const value = arg === "--confine" ? argv[++i] : arg.slice("--confine=".length);
      if (value === undefined || value === "") {
        error ??= "--confine needs a mode: --confine auto|require|off";
      } else confine = value;
    } else if (arg === "--watch") {
      watch ??= command === undefined ? "before" : "after";
    } else if (SWITCHES.has(arg)) {
      if (arg === "--json") json = true;
      else if (arg === "--trust") trust = true;
      else verbose = true;
    } else if (
      arg.startsWith("--json=") || arg.startsWith("--verbose=") || arg.startsWith("--trust=")
    ) {
      error ??= `${arg.slice(0, arg.indexOf("="))} takes no value, found ${JSON.stringify(arg)}`;
    } else if (command === undefined && rest.length === 0 && !arg.startsWith("-")) {
      command = arg;
    } else {
      if (arg === "-h" || arg === "--help" || arg === "--help-all") help = true;
      rest.push(arg);
    }
  }
  const cwd = Deno.cwd();
  const base = resolvePath(cwd, env("INIT_CWD") || cwd);
  return {
    command,
    rest,
    argv: passthrough,
    root,
    ...(confine === undefined ? {} : { confine }),
    ...(completing === undefined ? {} : { completing }),
    json,
    verbose,
    trust,
    help,
    ...(watch === undefined ? {} : { watch }),
    base,
    ...(error === undefined ? {} : { error }),
    ...(Object.keys(runner).length === 0 ? {} : { runner }),
  };
}

/**
 * The argv a command's own parser gets: the command and the rest, without
 * the global flags.
 *
 * @param invocation The scanned command line.
 * @returns The arguments.
 */
export function commandArgv(invocation: Invocation): string[] {
  return invocation.command === undefined
    ? [...invocation.rest]
    : [invocation.command, ...invocation.rest];
}
