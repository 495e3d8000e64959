import type * as z from "../zod.ts";
import type { PermissionLists as Permissions } from "./scope.ts";
import type { TaskContext } from "./context.ts";

/**
 * The zod schema of a task's arguments: always an object, one key per flag.
 * Any zod 4 object schema: `z.object` from `zod` (classic) or from `zod/mini`.
 */
export type ArgsSchema = z.core.$ZodObject;

/** The parsed (output) type of an argument schema. */
export type ArgsOf<S extends ArgsSchema> = S["_zod"]["output"];

/** Declared permissions, fixed or computed from the parsed arguments. */
export type PermissionsDeclaration<A> = Permissions | ((args: A) => Permissions);

/** What a task module declares; the argument of {@linkcode defineTask}. */
export interface TaskDefinition<S extends ArgsSchema = ArgsSchema, R = unknown> {
  /** The name, the CLI subcommand: `:`-separated lower-case segments (`validate-config`, `test:changed:unit`). */
  readonly name: string;
  /** One line, sentence case, no final period, no control characters. */
  readonly description: string;
  /**
   * The arguments as a zod object schema; flags, help and JSON Schema come
   * from it. Default: none.
   */
  readonly args?: S;
  /**
   * What the task may touch, static or computed from the parsed arguments.
   * Default: nothing.
   */
  readonly permissions?: PermissionsDeclaration<ArgsOf<S>>;
  /**
   * Tasks that run before this one, in parallel (up to `--jobs`), each at most
   * once per invocation, with their default arguments. A reference is relative
   * to this task's namespace; a leading `:` means from the top (`":lint"`).
   * Each dep runs in its own sandbox with its own permissions. Default: none.
   */
  readonly deps?: readonly string[];
  /**
   * Globs of the files the task reads, relative to its root. With them the
   * task is skipped ("up to date") while their content, its arguments, the
   * values of its declared env vars and its module (with the local modules it
   * imports) are unchanged since its last successful run, and its `outputs`
   * exist. Without them it always runs.
   */
  readonly sources?: readonly string[];
  /** Globs of the files the task makes, relative to its root: each must match a file to skip. */
  readonly outputs?: readonly string[];
  /**
   * Dotenv files (`[".env"]`), relative to the task's root and inside it,
   * read by wst before the run (a missing one is skipped, a later one wins):
   * their vars that `permissions.env` declares are added to the task's env
   * (`Deno.env`, `ctx.$`, `ctx.script`) where wst's own env does not set
   * them; the others are dropped. Format: docs/formats.md.
   */
  readonly dotenv?: readonly string[];
  /**
   * Flag defaults from env vars: `{ host: "DEPLOY_HOST" }` gives `--host`
   * the value of `DEPLOY_HOST` (wst's env, else the dotenv files) when the
   * flag is not given. Each var must be declared in `permissions.env`.
   */
  readonly envDefaults?: Readonly<Partial<Record<keyof ArgsOf<S> & string, string>>>;
  /**
   * Does the work and returns a JSON-serialisable result, or nothing (then
   * text output prints nothing and `--json` prints `null`).
   */
  readonly run: (ctx: TaskContext, args: ArgsOf<S>) => R | Promise<R>;
  /**
   * Renders the result for people (stdout without `--json`); default:
   * indented JSON, nothing for a task that returns nothing.
   */
  readonly render?: (result: R) => string;
  /**
   * Whether a result reports a failure (some targets failed, say): the result
   * is still printed, and the run exits with code 1. Default: never.
   */
  readonly failed?: (result: R) => boolean;
}

export { RESERVED_ARG_NAMES, RESERVED_NAMES, TASK_NAME_PATTERN } from "./names.ts";

/**
 * Declares a task. Only gives the definition its types: every task module's
 * default export, from `defineTask` or a plain object, is checked by wst with
 * one schema when the module is loaded (a bad one is reported with every bad
 * field and exit code 2).
 *
 * @param definition The task's name, description, argument schema, permissions and `run`.
 * @returns The same definition, typed.
 */
export function defineTask<S extends ArgsSchema = ArgsSchema, R = void>(
  definition: TaskDefinition<S, R>,
): TaskDefinition<S, R> {
  return definition;
}
