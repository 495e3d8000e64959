/**
 * wst: typed, sandboxed task modules for a workspace of repositories.
 *
 * This is what a task author imports. A task is a module whose default
 * export is {@linkcode defineTask}'s result; wst runs it in a Deno Worker with
 * exactly the permissions it declares.
 *
 * @example A repository-local task in `.wst/tasks/count_readmes.ts`
 * ```ts
 * import { defineTask } from "@wst/wst";
 * import { z } from "zod";
 *
 * export default defineTask({
 *   name: "count-readmes",
 *   description: "Count README files in the top-level folders",
 *   args: z.object({ verbose: z.boolean().default(false) }),
 *   permissions: { read: ["."] },
 *   async run(ctx) {
 *     let count = 0;
 *     for await (const entry of Deno.readDir(ctx.root)) {
 *       if (entry.isDirectory) {
 *         try {
 *           await Deno.stat(`${ctx.root}/${entry.name}/README.md`);
 *           count++;
 *         } catch {
 *           // no README in this folder
 *         }
 *       }
 *     }
 *     return { count };
 *   },
 * });
 * ```
 *
 * @module
 */
export {
  /**
   * Declares a task: name, description, zod argument schema, permissions and `run`.
   *
   * @example
   * ```ts
   * import { defineTask } from "@wst/wst";
   * import { z } from "zod";
   * export default defineTask({
   *   name: "hello",
   *   description: "Say hello",
   *   args: z.object({ name: z.string().default("world") }),
   *   permissions: {},
   *   run: (_ctx, args) => ({ greeting: `hello ${args.name}` }),
   * });
   * ```
   */
  defineTask,
} from "./lib/task/define.ts";
export type {
  /**
   * The parsed type of an argument schema: what `run` receives.
   *
   * @example
   * ```ts
   * import type { ArgsOf } from "@wst/wst";
   * import { z } from "zod";
   * const schema = z.object({ jobs: z.number() });
   * const args: ArgsOf<typeof schema> = { jobs: 2 };
   * ```
   */
  ArgsOf,
  /**
   * The zod object schema of a task's arguments.
   *
   * @example
   * ```ts
   * import type { ArgsSchema } from "@wst/wst";
   * import { z } from "zod";
   * const args: ArgsSchema = z.object({ jobs: z.number().default(2) });
   * ```
   */
  ArgsSchema,
  /**
   * Static permissions, or a function from the parsed arguments to permissions.
   *
   * @example
   * ```ts
   * import type { PermissionsDeclaration } from "@wst/wst";
   * const perms: PermissionsDeclaration<{ dir: string }> = (args) => ({ read: [args.dir] });
   * ```
   */
  PermissionsDeclaration,
  /**
   * What {@linkcode defineTask} takes: name, description, args, permissions, run, render.
   *
   * @example
   * ```ts
   * import type { TaskDefinition } from "@wst/wst";
   * type AnyTask = TaskDefinition;
   * ```
   */
  TaskDefinition,
} from "./lib/task/define.ts";
export type {
  /**
   * Where and with which arguments `ctx.runTask` starts a task.
   *
   * @example
   * ```ts
   * import type { RunTaskOptions } from "@wst/wst";
   * const options: RunTaskOptions = { root: "repos/api", args: { verbose: true } };
   * ```
   */
  RunTaskOptions,
  /**
   * How `ctx.script` runs a script: `cwd` (relative to the task's root), extra `env`, `ignoreError`.
   *
   * @example
   * ```ts
   * import type { ScriptOptions } from "@wst/wst";
   * const options: ScriptOptions = { cwd: "platform/ingress", ignoreError: true };
   * ```
   */
  ScriptOptions,
  /**
   * What `ctx.script` resolves to: the script's exit code.
   *
   * @example
   * ```ts
   * import type { ScriptResult } from "@wst/wst";
   * const passed = (r: ScriptResult) => r.code === 0;
   * ```
   */
  ScriptResult,
  /**
   * The dax shell of `ctx.$`: only the declared binaries, `PATH` plus the declared env vars.
   *
   * @example
   * ```ts
   * import type { Shell } from "@wst/wst";
   * const head = ($: Shell) => $`git rev-parse HEAD`.text();
   * ```
   */
  Shell,
  /**
   * What a task started with `ctx.runTask` returned: its value, its text and whether it failed.
   *
   * @example
   * ```ts
   * import type { SubtaskResult } from "@wst/wst";
   * const passed = (r: SubtaskResult) => !r.failed;
   * ```
   */
  SubtaskResult,
  /**
   * What a running task gets: `root`, `log`, `signal`, the `$` shell,
   * `script` (a multi-line bash script, run unchanged), `argv` (what follows
   * `--` on the command line) and `runTask`.
   *
   * @example
   * ```ts
   * import type { TaskContext } from "@wst/wst";
   * const greet = (ctx: TaskContext) => ctx.log.info(`working in ${ctx.root}`);
   * const test = (ctx: TaskContext) =>
   *   ctx.script(`
   *     for suite in unit e2e; do
   *       pytest "tests/$suite"
   *     done
   *   `, { cwd: "api" });
   * ```
   */
  TaskContext,
} from "./lib/task/context.ts";
export type {
  /**
   * Declared permissions: read and write paths, binaries, env vars, net hosts.
   *
   * @example
   * ```ts
   * import type { Permissions } from "@wst/wst";
   * const scope: Permissions = { read: ["workspaces.yaml"], run: ["git"] };
   * ```
   */
  PermissionLists as Permissions,
} from "./lib/task/scope.ts";
export type {
  /**
   * A progress display started by `ctx.log.progress(label, total)`.
   *
   * @example
   * ```ts
   * import type { Progress } from "@wst/wst";
   * const step = (p: Progress, name: string) => p.tick(name);
   * ```
   */
  Progress,
  /**
   * Logs and progress for a task.
   *
   * @example
   * ```ts
   * import type { Reporter } from "@wst/wst";
   * const done = (log: Reporter, n: number) => log.info(`${n} targets checked`);
   * ```
   */
  Reporter,
} from "./lib/reporter/mod.ts";
export type {
  /**
   * One problem in a configuration file: file, line, column, path inside the document, message.
   *
   * @example
   * ```ts
   * import type { ConfigIssue } from "@wst/wst";
   * const issue: ConfigIssue = { file: "a.yaml", line: 2, column: 3, path: "version", message: "Expected \"v1\"" };
   * ```
   */
  ConfigIssue,
  /**
   * One bad field of a task definition.
   *
   * @example
   * ```ts
   * import type { DefinitionProblem } from "@wst/wst";
   * const p: DefinitionProblem = { field: "name", message: "Expected a kebab-case name" };
   * ```
   */
  DefinitionProblem,
  /**
   * The machine-readable kind of an error, as printed in `--json` error objects.
   *
   * @example
   * ```ts
   * import type { ErrorKind } from "@wst/wst";
   * const kind: ErrorKind = "sandbox-denied";
   * ```
   */
  ErrorKind,
  /**
   * A place in a file: path, 1-based line and column.
   *
   * @example
   * ```ts
   * import type { SourcePosition } from "@wst/wst";
   * const at: SourcePosition = { file: "workspaces.yaml", line: 1, column: 1 };
   * ```
   */
  SourcePosition,
} from "./lib/errors/mod.ts";
export {
  /**
   * An invalid configuration file: every issue with file, line and column. Exit code 2.
   *
   * @example
   * ```ts
   * import { ConfigError } from "@wst/wst";
   * const err = new ConfigError([{ file: "a.yaml", line: 1, column: 1, path: "", message: "The file is empty" }]);
   * console.assert(err.exitCode === 2);
   * ```
   */
  ConfigError,
  /**
   * The documented exit codes: 0 success, 1 task failed, 2 usage/config, 3 sandbox denial, 130 interrupted.
   *
   * @example
   * ```ts
   * import { ExitCode } from "@wst/wst";
   * console.assert(ExitCode.SandboxDenied === 3);
   * ```
   */
  ExitCode,
  /**
   * A run stopped by Ctrl-C, SIGTERM or SIGHUP (exit code 130).
   *
   * @example
   * ```ts
   * import { InterruptedError } from "@wst/wst";
   * console.assert(new InterruptedError("Stopped").exitCode === 130);
   * ```
   */
  InterruptedError,
  /**
   * A task reached outside its declared permissions. Exit code 3.
   *
   * @example
   * ```ts
   * import { SandboxDeniedError } from "@wst/wst";
   * const err = new SandboxDeniedError({ task: "t", operation: 'net access to "x:1"', scope: "net: none" });
   * console.assert(err.exitCode === 3);
   * ```
   */
  SandboxDeniedError,
  /**
   * A script run with `ctx.script` exited with a non-zero code (exit code 1);
   * names the task, the script's first line and its code. Catch it to keep
   * going, or pass `{ ignoreError: true }`.
   *
   * @example
   * ```ts
   * import { ScriptFailedError, type TaskContext } from "@wst/wst";
   * async function lintOrWarn(ctx: TaskContext) {
   *   try {
   *     await ctx.script("npm run lint");
   *   } catch (err) {
   *     if (!(err instanceof ScriptFailedError)) throw err;
   *     ctx.log.warn(`lint failed with code ${err.code}`);
   *   }
   * }
   * ```
   */
  ScriptFailedError,
  /**
   * A task started with `ctx.runTask` (or a dep) failed: `task` names it and
   * `subtaskKind` says how (`task-failed`, `config`, `usage`,
   * `task-definition`, `subtask-failed`). Exit code 1 when nobody catches it;
   * catch it to keep going (go-task's `ignore_error`). A subtask's sandbox
   * denial (exit 3) and an interruption (130) are thrown as they are.
   *
   * @example Keep going when a step fails
   * ```ts
   * import { defineTask, SubtaskFailedError } from "@wst/wst";
   * export default defineTask({
   *   name: "check-all",
   *   description: "Lint, then test even when lint fails",
   *   permissions: { tasks: ["lint", "test"] },
   *   run: async (ctx) => {
   *     try {
   *       await ctx.runTask("lint");
   *     } catch (err) {
   *       if (!(err instanceof SubtaskFailedError)) throw err;
   *       ctx.log.warn(`${err.task} failed (${err.subtaskKind}); going on`);
   *     }
   *     return (await ctx.runTask("test")).value;
   *   },
   * });
   * ```
   */
  SubtaskFailedError,
  /**
   * A task module whose default export is not a valid task (exit code 2).
   *
   * @example
   * ```ts
   * import { TaskDefinitionError } from "@wst/wst";
   * const err = new TaskDefinitionError("x.ts", [{ field: "run", message: "Expected a function" }]);
   * console.assert(err.exitCode === 2);
   * ```
   */
  TaskDefinitionError,
  /**
   * A mistake in how a task was called. Exit code 2.
   *
   * @example
   * ```ts
   * import { UsageError } from "@wst/wst";
   * console.assert(new UsageError("Expected --jobs to be a number").exitCode === 2);
   * ```
   */
  UsageError,
  /**
   * Base of every wst error; throw it from `run` to fail with a clean message and exit code 1.
   *
   * @example
   * ```ts
   * import { WstError } from "@wst/wst";
   * const err = new WstError('Target "traefik" failed');
   * console.assert(err.exitCode === 1);
   * ```
   */
  WstError,
} from "./lib/errors/mod.ts";
