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
  /** One line, sentence case, no final period. */
  readonly description: string;
  /** The arguments as a zod object schema; flags, help and JSON Schema come from it. */
  readonly args: S;
  /** What the task may touch, static or computed from the parsed arguments. */
  readonly permissions: PermissionsDeclaration<ArgsOf<S>>;
  /** Does the work and returns a JSON-serialisable result. */
  readonly run: (ctx: TaskContext, args: ArgsOf<S>) => R | Promise<R>;
  /** Renders the result for people (stdout without `--json`); default: indented JSON. */
  readonly render?: (result: R) => string;
  /**
   * Whether a result reports a failure (some targets failed, say): the result
   * is still printed, and the run exits with code 1. Default: never.
   */
  readonly failed?: (result: R) => boolean;
}

/** The name rule for tasks: kebab-case, starting with a letter. */
export const TASK_NAME_PATTERN: RegExp = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Names a task may not take because the CLI uses them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "list",
  "describe",
  "schema",
  "completions",
  "docs",
  "help",
]);

/** Argument names a task may not use because every command has these flags. */
export const RESERVED_ARG_NAMES: ReadonlySet<string> = new Set(["root", "json", "verbose", "help"]);

/**
 * Declares a task. Checks the name and description at definition time so a
 * malformed module fails when it is loaded, not when it is run.
 *
 * @param definition The task's name, description, argument schema, permissions and `run`.
 * @returns The same definition, typed.
 * @throws {TypeError} When the name is not kebab-case or is reserved, the description is empty,
 *   or an argument uses a reserved name.
 */
export function defineTask<S extends ArgsSchema, R>(
  definition: TaskDefinition<S, R>,
): TaskDefinition<S, R> {
  if (!TASK_NAME_PATTERN.test(definition.name)) {
    throw new TypeError(
      `Cannot define task "${definition.name}": the name must be kebab-case (e.g. "sync-repos")`,
    );
  }
  if (RESERVED_NAMES.has(definition.name)) {
    throw new TypeError(
      `Cannot define task "${definition.name}": the name is reserved by the wst CLI`,
    );
  }
  if (definition.description.trim() === "" || definition.description.includes("\n")) {
    throw new TypeError(
      `Cannot define task "${definition.name}": the description must be one non-empty line`,
    );
  }
  for (const key of Object.keys(definition.args._zod.def.shape)) {
    if (RESERVED_ARG_NAMES.has(key)) {
      throw new TypeError(
        `Cannot define task "${definition.name}": the argument "${key}" is reserved (every command has --${key})`,
      );
    }
  }
  return definition;
}
