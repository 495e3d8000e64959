/**
 * Unit-testing task modules: run a task's `run` in-process, with a context
 * that records what it logs. Nothing is sandboxed here; test the sandbox end
 * to end through the CLI.
 *
 * @example A test beside a local task (`.wst/tasks/count_readmes_test.ts`)
 * ```ts ignore
 * import { runTask } from "@wst/wst/testing";
 * import task from "./count_readmes.ts";
 *
 * Deno.test("count-readmes counts the top-level READMEs", async () => {
 *   const root = await Deno.makeTempDir();
 *   await Deno.mkdir(`${root}/a`);
 *   await Deno.writeTextFile(`${root}/a/README.md`, "# a\n");
 *   const { value } = await runTask(task, {}, { root });
 *   if (value.count !== 1) throw new Error(`expected 1, got ${value.count}`);
 * });
 * ```
 *
 * @module
 */
export {
  /**
   * Checks the task's definition as wst does, parses raw arguments with its
   * schema (defaults applied) and runs it in-process.
   *
   * @example
   * ```ts
   * import { defineTask } from "@wst/wst";
   * import { runTask } from "@wst/wst/testing";
   * const hello = defineTask({ name: "hello", description: "Say hello", run: () => "hi" });
   * const { value } = await runTask(hello, {}, { root: "/tmp" });
   * console.assert(value === "hi");
   * ```
   */
  runTask,
  /**
   * A task context for a unit test: the given root, a reporter that records
   * every line, an optional `ctx.$` and `ctx.runTask`.
   *
   * @example
   * ```ts
   * import { testContext } from "@wst/wst/testing";
   * const { ctx, logs } = testContext({ root: "/tmp" });
   * ctx.log.info("hello");
   * console.assert(logs[0]?.message === "hello");
   * ```
   */
  testContext,
} from "./lib/task/testing.ts";
export type {
  /**
   * A line the task logged, or a progress event.
   *
   * @example
   * ```ts
   * import type { LoggedLine } from "@wst/wst/testing";
   * const line: LoggedLine = { level: "info", message: "hello" };
   * ```
   */
  LoggedLine,
  /**
   * What {@linkcode testContext} returns: the context and the recorded lines.
   *
   * @example
   * ```ts
   * import type { TestContext } from "@wst/wst/testing";
   * ```
   */
  TestContext,
  /**
   * Options of {@linkcode testContext} and {@linkcode runTask}.
   *
   * @example
   * ```ts
   * import type { TestContextOptions } from "@wst/wst/testing";
   * const options: TestContextOptions = { root: "/tmp" };
   * ```
   */
  TestContextOptions,
} from "./lib/task/testing.ts";
