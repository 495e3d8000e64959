/**
 * The `wst` command line: `list`, `describe`, `schema`, `completions` and one
 * command per task, with flags derived from each task's zod schema.
 *
 * @module
 */
export { main, VERSION } from "./main.ts";
export type { MainOptions } from "./main.ts";
