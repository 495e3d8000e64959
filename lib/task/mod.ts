/**
 * Task modules: {@linkcode defineTask}, the context a task runs with, and
 * the permissions it declares.
 *
 * @module
 */
export { defineTask, RESERVED_ARG_NAMES, RESERVED_NAMES, TASK_NAME_PATTERN } from "./define.ts";
export type { ArgsSchema, PermissionsDeclaration, TaskDefinition } from "./define.ts";
export type { TaskContext } from "./context.ts";
export { permissionsSchema } from "./permissions.ts";
export type { Permissions } from "./permissions.ts";
export { describeScope, PERMISSION_KINDS } from "./scope.ts";
export { asTaskDefinition, taskMeta } from "./describe.ts";
export type { TaskMeta } from "./describe.ts";
