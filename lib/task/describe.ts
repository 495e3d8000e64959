import * as z from "../zod.ts";
import { type DefinitionProblem, formatPath, TaskDefinitionError } from "../errors/mod.ts";
import type { ArgsSchema, TaskDefinition } from "./define.ts";
import { type Permissions, permissionsSchema } from "./permissions.ts";
import {
  argTextProblems,
  checkTaskName,
  DESCRIPTION_MESSAGE,
  DESCRIPTION_RULE,
  RESERVED_ARG_NAMES,
} from "./names.ts";
import { graphFieldProblems } from "./graph_fields.ts";

import { dotenvPathProblem, ENV_NAME, envDefaultProblems } from "./dotenv.ts";

/** A task's description as data: what `wst list` and `wst describe` show. */
export interface TaskMeta {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the arguments, input side. */
  argsSchema: Record<string, unknown>;
  /** The static permissions, or `null` when they are computed from the arguments. */
  permissions: Permissions | null;
  /**
   * For permissions computed from the arguments: the ones a run with no
   * arguments gets (every argument at its default), so that such a run needs
   * no worker to compute them; `null` when an argument is required.
   */
  defaultPermissions?: Permissions | null;
  /** The tasks that run before it, as references (see `TaskDefinition.deps`); absent for none. */
  deps?: string[];
  /** Globs of its sources, relative to its root; absent for none (never skipped). */
  sources?: string[];
  /** Globs of its outputs, relative to its root; absent for none. */
  outputs?: string[];

  /** Dotenv files, relative to the task's root (`dotenv` in the definition). */
  dotenv?: string[];
  /** Flag → env var whose value, when set, is that flag's default (`envDefaults`). */
  envDefaults?: Record<string, string>;
}

/**
 * A task definition as wst runs it: `args` and `permissions` filled in with
 * their defaults (no arguments, nothing granted).
 */
// deno-lint-ignore no-explicit-any
export type ValidTask = TaskDefinition<any, unknown> & {
  readonly args: ArgsSchema;
  readonly permissions: NonNullable<TaskDefinition["permissions"]>;
};

const isFunction = (value: unknown) => typeof value === "function";
/** Any zod 4 object schema, from any copy of zod (a repository may pin its own). */
const isZodObject = (value: unknown) =>
  // deno-lint-ignore no-explicit-any
  (value as any)?._zod?.def?.type === "object";

/**
 * The one schema every task module's default export is checked against,
 * whether it came from `defineTask` or is a plain object. Built on first use.
 */
const definitionSchema = z.lazy(() =>
  z.object({
    name: z.string().check(
      z.refine((name) => checkTaskName(name) === undefined, {
        error: (issue) => checkTaskName(String(issue.input)) ?? "Invalid name",
      }),
    ),
    description: z.string().check(
      z.refine((text) => DESCRIPTION_RULE.test(text), {
        error: DESCRIPTION_MESSAGE,
      }),
    ),
    args: z.optional(z.custom(isZodObject, {
      error: "Expected a zod object schema, e.g. z.object({ … })",
    })),
    permissions: z.optional(z.union([
      z.custom(isFunction),
      permissionsSchema,
    ])),
    dotenv: z.optional(z.array(
      z.string().check(
        z.refine((path) => dotenvPathProblem(path) === undefined, {
          error: (issue) => dotenvPathProblem(String(issue.input)) ?? "Invalid path",
        }),
      ),
    )),
    envDefaults: z.optional(z.record(
      z.string(),
      z.string().check(z.refine((name) => ENV_NAME.test(name), {
        error: (issue) =>
          `Expected an env var name (letters, digits, _), found ${JSON.stringify(issue.input)}`,
      })),
    )),
    run: z.custom(isFunction, { error: "Expected a function: run(ctx, args)" }),
    render: z.optional(z.custom(isFunction, { error: "Expected a function" })),
    failed: z.optional(z.custom(isFunction, { error: "Expected a function" })),
    deps: z.optional(z.array(z.string())),
    sources: z.optional(z.array(z.string())),
    outputs: z.optional(z.array(z.string())),
  })
);

const EMPTY_ARGS = z.lazy(() => z.strictObject({}));

/**
 * Checks that a module's default export is a task definition, and fills in
 * the optional parts.
 *
 * @param value What the module exports by default.
 * @param file The module's path, for the error.
 * @returns The definition, with `args` and `permissions` defaulted.
 * @throws {TaskDefinitionError} Listing every bad field.
 */
export function asTaskDefinition(value: unknown, file: string): ValidTask {
  if (typeof value !== "object" || value === null) {
    throw new TaskDefinitionError(file, [{
      field: "default export",
      message: `Expected a task (\`export default defineTask({ … })\`), found ${describe(value)}`,
    }]);
  }
  const result = z.safeParse(definitionSchema, value);
  if (!result.success) {
    const problems: DefinitionProblem[] = result.error.issues.flatMap((issue) =>
      issue.code === "invalid_union" && isPermissionsObject(value)
        ? permissionProblems((value as { permissions: unknown }).permissions)
        : [{
          field: formatPath(issue.path) || "default export",
          message: issueMessage(issue, value),
        }]
    );
    throw new TaskDefinitionError(file, problems);
  }
  const task = value as TaskDefinition;
  const fieldProblems = graphFieldProblems(task as unknown as Record<string, unknown>);
  if (fieldProblems.length > 0) throw new TaskDefinitionError(file, fieldProblems);
  const reserved = Object.keys(task.args?._zod.def.shape ?? {}).filter((key) =>
    RESERVED_ARG_NAMES.has(key)
  );
  if (reserved.length > 0) {
    throw new TaskDefinitionError(
      file,
      reserved.map((key) => ({
        field: `args.${key}`,
        message: `Expected an argument name other than "${key}": every command has --${key}`,
      })),
    );
  }
  const envProblems = envDefaultProblems(
    task.envDefaults as Record<string, string> | undefined,
    Object.keys(task.args?._zod.def.shape ?? {}),
    typeof task.permissions === "function" ? undefined : task.permissions?.env ?? [],
  );
  if (envProblems.length > 0) throw new TaskDefinitionError(file, envProblems);
  return {
    ...task,
    args: task.args ?? EMPTY_ARGS,
    permissions: task.permissions ?? {},
  } as ValidTask;
}

function isPermissionsObject(value: unknown): boolean {
  const permissions = (value as { permissions?: unknown }).permissions;
  return typeof permissions === "object" && permissions !== null && !Array.isArray(permissions);
}

/** The issues of a static permissions object, each with its own field. */
function permissionProblems(permissions: unknown): DefinitionProblem[] {
  const result = z.safeParse(permissionsSchema, permissions);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    field: formatPath(["permissions", ...issue.path]),
    message: issue.code === "unrecognized_keys"
      ? `Unknown key(s) ${
        issue.keys.map((k) => JSON.stringify(k)).join(", ")
      }: expected read, write, run, env, net or tasks`
      : issueMessage(issue, permissions as Record<PropertyKey, unknown>),
  }));
}

function issueMessage(issue: z.core.$ZodIssue, root: unknown): string {
  let found: unknown = root;
  for (const key of issue.path) found = (found as Record<PropertyKey, unknown>)?.[key];
  if (issue.code === "invalid_union") {
    return `Expected an object { read, write, run, env, net, tasks } of string lists, or a function of the arguments; found ${
      describe(found)
    }`;
  }
  const bare = issue.message.replace(/^Invalid input: /, "");
  const message = bare.charAt(0).toUpperCase() + bare.slice(1);
  return found === undefined && issue.path.length > 0
    ? `${message} (the field is missing)`
    : message;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.slice(0, 60));
  return typeof value === "object" ? "an object" : String(value);
}

/**
 * A task's metadata: name, description, arguments as JSON Schema, and its
 * static permissions.
 *
 * @param task The task definition, as {@linkcode asTaskDefinition} returns it.
 * @param file The module's path, for the error.
 * @returns Plain, JSON-serialisable metadata.
 * @throws {TaskDefinitionError} When an argument's description or title holds
 *   control characters (`wst describe` and `--help` print them).
 */
export function taskMeta(task: ValidTask, file = "the task module"): TaskMeta {
  const computed = typeof task.permissions === "function";
  const argsSchema = z.toJSONSchema(task.args, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const problems = argTextProblems(argsSchema);
  if (problems.length > 0) throw new TaskDefinitionError(file, problems);
  return {
    name: task.name,
    description: task.description,
    argsSchema,
    permissions: computed ? null : permissionsSchema.parse(task.permissions),
    ...(computed ? { defaultPermissions: defaultPermissions(task) } : {}),
    ...(task.deps?.length ? { deps: [...task.deps] } : {}),
    ...(task.sources?.length ? { sources: [...task.sources] } : {}),
    ...(task.outputs?.length ? { outputs: [...task.outputs] } : {}),

    ...(task.dotenv === undefined ? {} : { dotenv: [...task.dotenv] }),
    ...(task.envDefaults === undefined
      ? {}
      : { envDefaults: { ...task.envDefaults } as Record<string, string> }),
  };
}

/**
 * The permissions a task declares for parsed arguments.
 *
 * @param task The task.
 * @param args Its parsed arguments.
 * @returns The declared permissions, checked.
 */
export function permissionsFor(task: ValidTask, args: unknown): Permissions {
  const declared = typeof task.permissions === "function"
    ? (task.permissions as (args: unknown) => Permissions)(args)
    : task.permissions;
  return permissionsSchema.parse(declared);
}

function defaultPermissions(task: ValidTask): Permissions | null {
  const defaults = z.safeParse(task.args, {});
  return defaults.success ? permissionsFor(task, defaults.data) : null;
}
