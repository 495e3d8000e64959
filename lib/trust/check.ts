// The trust decision of one run, and each task's trust state for `wst list`.
import { TrustRequiredError } from "../errors/mod.ts";
import type { PermissionLists } from "../task/scope.ts";
import { askApproval, type PromptIO, terminalPromptIO } from "./prompt.ts";
import {
  describeReach,
  isEmptyReach,
  mergeReach,
  type Reach,
  reachBeyond,
  uncovered,
} from "./reach.ts";
import { type Approval, readTrustFile, trustFilePath, updateTrustFile } from "./store.ts";

/** A task as far as trust is concerned. */
export interface TrustSubject {
  /** Its name. */
  readonly name: string;
  /** `built-in` tasks never need approval. */
  readonly source: "built-in" | "local";
  /** Its module, relative to the root. */
  readonly file: string;
}

/** Options of {@linkcode ensureTrusted}. */
export interface EnsureOptions {
  /** `--trust` or `WST_TRUST=1`: this run is approved, nothing is recorded. */
  readonly trusted: boolean;
  /** The trust file (default: {@linkcode trustFilePath}). */
  readonly trustFile?: string;
  /** The terminal to ask on; undefined asks nobody (default: the process's when interactive). */
  readonly prompt?: PromptIO | undefined;
  /** Ends the question unanswered (Ctrl-C): an interruption, not a refusal. */
  readonly signal?: AbortSignal | undefined;
  /**
   * What `wst trust <task>` would approve (the permissions without arguments; null: none it can
   * compute). When they do not cover what this run needs, the error offers no `wst trust` command.
   * Default: this run's permissions.
   */
  readonly approvable?: PermissionLists | null;
  /**
   * The workspace root the `wst trust` command in the error names (a namespace's task is
   * approved in its own folder, but named from the workspace root). Default: the task's root.
   */
  readonly commandRoot?: string;
}

/**
 * Lets a run go ahead when its task needs no approval or the user approved
 * what its permissions reach beyond the root; on a terminal asks (and
 * records a yes); otherwise refuses with the command that approves it.
 *
 * @param task The task.
 * @param permissions The run's permissions.
 * @param root The task's root (absolute).
 * @param options `trusted`, the trust file, the terminal.
 * @throws {TrustRequiredError} When the run needs an approval it did not get (exit 3).
 * @throws {ConfigError} When the trust file is broken (exit 2).
 */
export async function ensureTrusted(
  task: TrustSubject,
  permissions: PermissionLists,
  root: string,
  options: EnsureOptions,
): Promise<void> {
  if (task.source === "built-in" || options.trusted) return;
  const realRoot = Deno.realPathSync(root);
  const needed = reachBeyond(permissions, realRoot);
  if (isEmptyReach(needed)) return;
  const path = options.trustFile ?? trustFilePath();
  const lookup = () => {
    const approval = readTrustFile(path).roots[realRoot]?.[task.name];
    return { approval, missing: uncovered(needed, approval?.reach) };
  };
  let { approval, missing } = lookup();
  if (isEmptyReach(missing)) return;
  let refused = false;
  const prompt = "prompt" in options ? options.prompt : terminalPromptIO();
  if (prompt !== undefined) {
    // One question at a time (tasks started in parallel), and none for what was just approved.
    const approved = await oneAtATime(async () => {
      ({ approval, missing } = lookup());
      if (isEmptyReach(missing)) return true;
      const details = {
        task: task.name,
        file: task.file,
        root: realRoot,
        needed,
        missing,
        approval,
      };
      if (!await askApproval(prompt, details, options.signal)) {
        refused = true;
        return false;
      }
      await recordApproval(path, realRoot, task, needed);
      return true;
    });
    if (approved) return;
  }
  const approvable = options.approvable === undefined ? permissions : options.approvable;
  const trustWorks = approvable !== null &&
    isEmptyReach(uncovered(missing, reachBeyond(approvable, realRoot)));
  throw new TrustRequiredError({
    task: task.name,
    file: task.file,
    root: realRoot,
    needs: missing,
    grown: approval !== undefined,
    scope: describeReach(needed),
    command: trustWorks ? trustCommand(task.name, options.commandRoot ?? realRoot) : null,
    refused,
  });
}

let questions: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every question asked before it has been answered. */
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const next = questions.then(fn, fn);
  questions = next.catch(() => {});
  return next;
}

/**
 * Records an approval of `reach` for a task, merged with what was approved
 * before (re-read under the trust file's lock).
 *
 * @param path The trust file.
 * @param root The task's root (absolute, real).
 * @param task The task.
 * @param reach What its permissions reach beyond the root.
 * @returns The approval now recorded.
 */
export async function recordApproval(
  path: string,
  root: string,
  task: TrustSubject,
  reach: Reach,
): Promise<Approval> {
  let recorded: Approval | undefined;
  await updateTrustFile(path, (file) => {
    const tasks = file.roots[root] ??= {};
    const before = tasks[task.name];
    recorded = {
      reach: mergeReach(before?.reach ?? {}, reach),
      approvedAt: new Date().toISOString(),
      file: task.file,
    };
    tasks[task.name] = recorded;
  });
  return recorded!;
}

/** A task's trust state, as `wst list` shows it. */
export type TrustState =
  | "built-in"
  | "not needed"
  | "approved"
  | "needs approval"
  | "grown"
  | "per run";

/**
 * A task's trust state for its permissions without arguments: `built-in`;
 * `not needed` (nothing beyond the root); `approved`; `needs approval`
 * (never approved); `grown` (approved, but its permissions reach further
 * now); `per run` (its permissions depend on arguments it must be given).
 *
 * @param task The task.
 * @param permissions Its permissions without arguments, or null when unknown.
 * @param root Its root (absolute, real).
 * @param approvals The approvals of that root.
 * @returns The state.
 */
export function trustState(
  task: TrustSubject,
  permissions: PermissionLists | null,
  root: string,
  approvals: Readonly<Record<string, Approval>> | undefined,
): TrustState {
  if (task.source === "built-in") return "built-in";
  if (permissions === null) return "per run";
  const needed = reachBeyond(permissions, root);
  if (isEmptyReach(needed)) return "not needed";
  const approval = approvals?.[task.name];
  if (approval === undefined) return "needs approval";
  return isEmptyReach(uncovered(needed, approval.reach)) ? "approved" : "grown";
}

/**
 * The command that approves a task, ready to paste into a POSIX shell.
 *
 * @param task The task's name.
 * @param root Its root.
 * @param program How to run wst (default: as this one can be run, {@linkcode selfCommand}).
 * @returns `<program> trust <task> --root <root>`.
 */
export function trustCommand(task: string, root: string, program = selfCommand()): string {
  return `${program} trust ${task} --root ${shellQuote(root)}`;
}

/** wst's checkout (its `deno.json` and `package.json`). */
const WST_DIR = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

/**
 * The command that runs this wst from any folder: `wst` when a `wst` is on
 * `PATH` (the compiled binary, or a script of the user's); else the quick
 * start's way when npm started this one (`npm --prefix <checkout> run
 * --silent wst --`: a quick-start user has no `wst`), a compiled binary's own
 * path, or `deno task --cwd <checkout> wst`.
 *
 * @param env Reads an environment variable (default: the process's).
 * @returns A shell command, its paths quoted.
 */
export function selfCommand(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string {
  if (onPath("wst", env("PATH") ?? "")) return "wst";
  if (env("npm_lifecycle_event") === "wst") {
    return `npm --prefix ${shellQuote(WST_DIR)} run --silent wst --`;
  }
  if (Deno.build.standalone) return shellQuote(Deno.execPath());
  return `deno task --cwd ${shellQuote(WST_DIR)} wst`;
}

/** Whether an executable file `name` is in one of `path`'s folders. */
function onPath(name: string, path: string): boolean {
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return true;
    } catch {
      // not there
    }
  }
  return false;
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
