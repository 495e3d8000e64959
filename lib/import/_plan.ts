// What an importer makes of a Taskfile or a justfile before anything is
// written: one plan per task module, in a form the renderer turns into
// TypeScript. No zod here; the plans are plain data (printed by --dry-run --json).

/** Something the importer could not convert, where it is, and why. */
export interface ImportTodo {
  /** `file:line` in the source file (relative to the import's root). */
  readonly at: string;
  readonly message: string;
}

/** Where a value comes from at run time. */
export type ValueSource =
  | { readonly literal: string }
  /** A flag's value; `fallback` when it is not given (a var whose value reads other vars). */
  | { readonly arg: string; readonly fallback?: ValueSource }
  | { readonly special: "root" | "task" | "rootDir" | "userDir" | "item" }
  /** Text with values in it (`"{{.HOST}}:8080"`): a JavaScript template literal, never shell. */
  | { readonly parts: readonly (string | ValueSource)[] }
  /** The output of a `sh:` variable, computed at the start of `run` (its `computed` entry). */
  | { readonly computed: string };

/** A `sh:` variable: a script whose output (trailing newline trimmed) is the value. */
export interface ComputedPlan {
  readonly name: string;
  readonly at: string;
  readonly source: string;
  readonly cwd?: string;
  readonly env: Readonly<Record<string, ValueSource>>;
}

/** One flag of a generated task (a zod string or boolean argument). */
export interface ArgPlan {
  /** The argument's name (camelCase: `dockerImage`, flag `--docker-image`). */
  readonly name: string;
  /** The variable or parameter it comes from (`DOCKER_IMAGE`). */
  readonly from: string;
  /** The default value; undefined for a required flag (or an optional one). */
  readonly default?: string;
  /** Not required, and no default: its value's `fallback` applies where it is read. */
  readonly optional?: boolean;
  readonly description: string;
}

/** One step of a generated task's `run`. */
export type StepPlan =
  | {
    readonly kind: "script";
    /** The script as written in the source, templates replaced by env references. */
    readonly source: string;
    /** The source file and line of the command. */
    readonly at: string;
    /** Working folder relative to the task's root. */
    readonly cwd?: string;
    /** Env vars given to the script, by name. */
    readonly env: Readonly<Record<string, ValueSource>>;
    /** Pass `ctx.argv` as the script's positional parameters (`"$@"`). */
    readonly argv: boolean;
    readonly ignoreError: boolean;
    /** Log the command before running it (go-task and just echo commands unless silent). */
    readonly echo: boolean;
    /** A shebang recipe's interpreter (declared in `run`; the script runs it). */
    readonly interpreter?: readonly string[];
    /** go-task's `defer:`: runs when the task ends, failed or not, last deferred first. */
    readonly defer?: boolean;
    /** go-task's `if:`: the step runs only when this script exits 0. */
    readonly when?: Condition;
    /** go-task's `platforms:` (`linux`, `darwin/arm64`): the step runs only there. */
    readonly platforms?: readonly string[];
    /** go-task's `for:`: the step runs once per item (`{ special: "item" }` in its values). */
    readonly loop?: Loop;
  }
  | {
    readonly kind: "task";
    readonly name: string;
    readonly at: string;
    readonly args: Readonly<Record<string, ValueSource>>;
    readonly ignoreError: boolean;
    readonly defer?: boolean;
    readonly when?: Condition;
    readonly platforms?: readonly string[];
    readonly loop?: Loop;
  }
  | {
    /** A precondition: the script must exit 0, else the task fails with the message. */
    readonly kind: "check";
    readonly source: string;
    readonly at: string;
    readonly message: string;
    readonly cwd?: string;
    readonly env: Readonly<Record<string, ValueSource>>;
  }
  | {
    /** go-task's task-level `if:` / `platforms:`: unless met, the task is skipped. */
    readonly kind: "skip";
    readonly when?: Condition;
    readonly platforms?: readonly string[];
    readonly at: string;
  }
  | {
    /** go-task's `status:`: when every script exits 0 the task is up to date and stops here. */
    readonly kind: "status";
    readonly sources: readonly string[];
    readonly at: string;
    readonly cwd?: string;
    readonly env: Readonly<Record<string, ValueSource>>;
  };

/** What a `for:` loops over: fixed values, or a variable's value split into items. */
export type Loop =
  | { readonly values: readonly string[] }
  | { readonly from: ValueSource; readonly split?: string };

/** A shell condition (go-task's `if:`), with the env its templates need. */
export interface Condition {
  readonly source: string;
  readonly cwd?: string;
  readonly env: Readonly<Record<string, ValueSource>>;
}

/** One generated task module. */
export interface TaskPlan {
  /** The task's name, verbatim (`test:changed:unit`). */
  readonly name: string;
  /** The folder whose `.wst/tasks/` holds it, relative to the import root ("" for the root). */
  readonly dir: string;
  /** Its namespace ("" for the root's tasks): references are relative to it. */
  readonly namespace: string;
  /** The module's path relative to the import root. */
  file: string;
  /** `file:line` of the task in the source. */
  readonly at: string;
  readonly description: string;
  readonly args: readonly ArgPlan[];
  readonly deps: readonly string[];
  readonly sources: readonly string[];
  readonly outputs: readonly string[];
  readonly dotenv: readonly string[];
  steps: StepPlan[];
  /** `sh:` variables, computed in this order before the steps. */
  readonly computed: readonly ComputedPlan[];
  readonly permissions: PermissionPlan;
  readonly todos: ImportTodo[];
  /** Notes for review that are not failures to convert (inferred permissions, run: once…). */
  readonly notes: string[];
}

/** The permissions a generated task declares. */
export interface PermissionPlan {
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly run: readonly string[];
  readonly env: readonly string[];
  readonly net: readonly string[];
  readonly tasks: readonly string[];
  /** The task reads the user's terminal (go-task's `interactive: true`). */
  readonly interactive: boolean;
}

/** Everything an import would write. */
export interface ImportPlan {
  /** `taskfile` or `justfile`. */
  readonly kind: string;
  /** The source file, relative to the import root. */
  readonly source: string;
  readonly tasks: TaskPlan[];
  /** Namespace aliases for the root's `.wst/config.json` (alias → folder). */
  readonly namespaces: Readonly<Record<string, string>>;
  /** Problems that are not any one task's (an include that cannot be followed). */
  readonly todos: ImportTodo[];
}
