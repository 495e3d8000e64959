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
  /** kebab-case name, the CLI subcommand: `validate-config`. */
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
  // CONTRACT (issue #14, added as types only by the importers part so that generated modules
  // type-check; the graph and script parts own the behaviour: reconcile at merge).
  /** Tasks to run before this one (graph part); relative to the task's namespace, `:x` from the top. */
  readonly deps?: readonly string[];
  /** Globs of the inputs, relative to the task's root (graph part: up-to-date checks). */
  readonly sources?: readonly string[];
  /** Globs of the outputs, relative to the task's root (graph part). */
  readonly outputs?: readonly string[];
  /** Dotenv files loaded into the task's env, relative to its root (script part). */
  readonly dotenv?: readonly string[];
  /** Flag name → declared env var whose value, when set, is the flag's default (script part). */
  readonly envDefaults?: Readonly<Record<string, string>>;
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
