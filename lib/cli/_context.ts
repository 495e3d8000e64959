import type { CommandContext } from "@stricli/core";
import { escapeControls, type Reporter, safeJson } from "../reporter/mod.ts";
import type { Registry } from "../registry/mod.ts";
import type { RunnerFlags } from "./_argv.ts";

/** What running a task from the command line needs: output streams, the workspace, where the exit code goes. */
export interface RunContext {
  readonly process: {
    readonly stdout: { write(text: string): void };
    readonly stderr: { write(text: string): void };
    readonly env?: Readonly<Partial<Record<string, string>>>;
    exitCode?: number | string | null;
  };
  /** Absolute workspace root. */
  readonly root: string;
  /** The folder the user ran the command in: relative paths they give resolve against it. */
  readonly base: string;
  /** `--json`: stdout carries exactly one JSON document. */
  readonly json: boolean;
  /** Everything after `--` on the command line: the task's `ctx.argv`. */
  readonly argv?: readonly string[] | undefined;
  /** `--confine` as given (else `WST_CONFINE`, else `auto`: see lib/sandbox/confine.ts). */
  readonly confine?: string | undefined;
  /** Make the task's root the process's working folder before it runs (the executable does). */
  readonly chdirToRoot?: boolean | undefined;
  /** Logs and progress to stderr. */
  readonly reporter: Reporter;
  /** Aborted by Ctrl-C. */
  readonly signal: AbortSignal;
  /** `--trust` or `WST_TRUST=1`: local tasks run without the user's approval (nothing recorded). */
  readonly trusted?: boolean | undefined;
  /** `--watch`: run the task again whenever its sources change (lib/watch). */
  watch?: boolean | undefined;
  /** Set by a command to its exit code. */
  exit: number;
  /** The runner flags given before the task's name (`--jobs`, `--fail-fast`, `--dry-run`, `--force`). */
  readonly runner?: RunnerFlags | undefined;
  /**
   * wst's own workflow commands (a built-in task's `::error` annotations):
   * written after everything a task controls, outside its `::stop-commands::`
   * block in GitHub Actions.
   */
  readonly annotations?: string[];
  /**
   * In GitHub Actions: the run's `::stop-commands::<token>` and `::<token>::`
   * lines. stderr gets them around the whole run; stdout from a task's run to
   * the end of the run (not with `--json`, and not for wst's own output, such
   * as `wst schema`, which may be redirected to a file).
   */
  readonly stopCommands?: StopCommands | undefined;
}

/** A run's stop-commands markers (GitHub Actions), shared by every context of the run. */
export interface StopCommands {
  readonly start: string;
  readonly end: string;
  /**
   * Set once stdout got the start marker: the run's end then writes the end
   * marker on stdout too, after everything else (one block for both streams:
   * the runner's state is shared, so no marker may end it early).
   */
  stdout?: boolean;
}

/** What every Stricli command gets: a {@linkcode RunContext} and the registry. */
export interface CliContext extends CommandContext, RunContext {
  readonly process: RunContext["process"];
  /** The tasks (loaded once per invocation). */
  readonly registry: Registry;
  /**
   * Called as a command starts: what the command line's parser wrote to
   * stderr before (a usage error) was held back; from here on stderr passes
   * straight through.
   */
  readonly commandStarted: () => void;
}

/** Flags every command has. */
export interface GlobalFlags {
  readonly root?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly confine?: string;
  readonly trust?: boolean;
}

/** Stricli flag specs of {@linkcode GlobalFlags}. */
export const GLOBAL_FLAG_SPECS = {
  root: {
    kind: "parsed",
    parse: String,
    brief:
      "Workspace root (default: the outermost folder with a .wst/ folder from the current one ($INIT_CWD under `deno task`) up to the top of its git work tree, else the current folder)",
    optional: true,
    placeholder: "dir",
  },
  json: {
    kind: "boolean",
    brief: "Print exactly one JSON document on stdout (the result or an error object)",
    optional: true,
    withNegated: false,
  },
  verbose: {
    kind: "boolean",
    brief: "Show debug lines on stderr",
    optional: true,
    withNegated: false,
  },
  confine: {
    kind: "parsed",
    parse: String,
    brief:
      "OS-level confinement of task runs: auto, require or off (default: $WST_CONFINE, else auto)",
    optional: true,
    placeholder: "mode",
  },
  trust: {
    kind: "boolean",
    brief: "Run local tasks without asking for approval, recording nothing (CI; also WST_TRUST=1)",
    optional: true,
    withNegated: false,
  },
} as const;

/**
 * Writes the result: one JSON document with `--json`, else text. Both on
 * stdout, and both safe for a terminal: the text has its control characters
 * escaped (`escapeControls`), the JSON its C1 and bidi characters (`safeJson`).
 */
export function printResult(ctx: RunContext, value: unknown, text: string): void {
  if (ctx.json) ctx.process.stdout.write(`${safeJson(value ?? null)}\n`);
  else if (text !== "") {
    const safe = escapeControls(text);
    ctx.process.stdout.write(safe.endsWith("\n") ? safe : `${safe}\n`);
  }
}
