/**
 * The `wst` command line: `list`, `describe`, `schema`, `completions` and one
 * command per task, with flags derived from each task's zod schema.
 *
 * @module
 */
export { main, runInvocation } from "./run.ts";
export type { MainOptions } from "./run.ts";
export { VERSION } from "./main.ts";
export { type Invocation, parseArgv } from "./_argv.ts";
