// A go-task task's values: its variables (go-task's precedence: flags, constants, `sh:`
// scripts), templates in its commands as env references, its env; and the Taskfile helpers
// the other Taskfile modules share.
import type { ArgPlan, ComputedPlan, Condition, ImportTodo, ValueSource } from "./_plan.ts";
import {
  argNameOf,
  envNameOf,
  replaceTemplates,
  type TemplateRef,
  uniqueArgName,
} from "./_shell.ts";

export type Json = unknown;
export type Obj = Record<string, Json>;

/** go-task's special variables that have a wst value. */
export const SPECIAL: Record<string, ValueSource> = {
  TASK: { special: "task" },
  ROOT_DIR: { special: "rootDir" },
  TASKFILE_DIR: { special: "root" },
};

export const TEMPLATE = /\{\{-?([\s\S]*?)-?\}\}/g;

/** The meaning of a template's inner text, or undefined when it has none in wst. */
export function readTaskTemplate(inner: string): TemplateRef | undefined {
  if (inner === ".CLI_ARGS") return { kind: "argv" };
  const plain = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
  if (plain) return { kind: "var", name: plain[1]! };
  const piped = /^\.([A-Za-z_][A-Za-z0-9_]*)\s*\|\s*default\s+"((?:[^"\\]|\\.)*)"$/.exec(inner) ??
    /^default\s+"((?:[^"\\]|\\.)*)"\s+\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner)?.slice(0, 3)
      .reverse();
  if (piped) {
    const [, name, value] = /^\./.test(inner) ? piped : [undefined, piped[0], piped[1]];
    return { kind: "var", name: name!, default: JSON.parse(`"${value}"`) };
  }
  return undefined;
}

/** One Taskfile being converted, and where its tasks go. */
export interface Unit {
  /** The Taskfile, absolute. */
  readonly file: string;
  /** Its namespace ("" for the root's). */
  readonly namespace: string;
  /** The folder whose `.wst/tasks/` gets its tasks, relative to the import root. */
  readonly folder: string;
  /** Prefix of its tasks' names when they share their includer's folder (`docs:`). */
  readonly prefix: string;
  /** Where its commands run, relative to `folder`. */
  readonly cwd: string;
  /** Variable values given by the include (`includes.x.vars`). */
  readonly vars: Readonly<Obj>;
  /** The Taskfiles that include this one (cycle check). */
  readonly chain: readonly string[];
}

export function asObj(value: Json): Obj | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Obj
    : undefined;
}

export function asStrings(value: Json): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

export interface TaskInput {
  root: string;
  unit: Unit;
  key: string;
  task: Obj;
  /** `file:line` of a path in the task (`at("cmds", 0)`). */
  at: (...path: (string | number)[]) => string;
  /** `file:line` of a path in its Taskfile (`fileAt("vars", "HOST")`). */
  fileAt: (...path: (string | number)[]) => string;
  globalVars: Obj;
  globalEnv: Obj;
  globalDotenv: string[];
  shellSet: string[];
  silent: boolean;
}

/** What {@linkcode taskValues} gives the rest of a task's conversion. */
export interface TaskValues {
  readonly args: Map<string, ArgPlan>;
  readonly computed: ComputedPlan[];
  readonly valueOf: (v: string, fallback?: string) => ValueSource;
  /** A value given as text with templates (`"{{.HOST}}:8080"`). */
  readonly valueText: (text: string, where: string, what: string, loop?: string) => ValueSource;
  readonly template: (
    text: string,
    where: string,
    loop?: string,
  ) => { source: string; env: Record<string, ValueSource>; argv: boolean };
  readonly condition: (text: string, where: string) => Condition;
  readonly staticEnv: Record<string, ValueSource>;
}

/**
 * The values of one task: its flags (`args`), `sh:` variables (`computed`), and how a
 * variable, a template in a command, an `if:` condition and the env read.
 */
export function taskValues(
  input: TaskInput,
  scope: { todos: ImportTodo[]; cwd: string; prelude: string },
): TaskValues {
  const { task, at } = input;
  const { todos, cwd, prelude } = scope;
  // Variables (go-task's order): a constant in the task's own vars beats the command line, so
  // it stays a constant; `X: '{{.X | default "v"}}'` there, a global var (or an include's), and a
  // template's `| default` become flags with defaults; anything else named is a flag defaulting
  // to "" (an undefined variable renders empty).
  const taskVars = asObj(task.vars) ?? {};
  const constants = new Map<string, string>();
  const taskDefaults = new Map<string, string | undefined>();
  const shVars = new Map<string, { sh: string; at: string }>();
  for (const [v, value] of Object.entries(taskVars)) {
    const sh = (value as { sh?: unknown } | null)?.sh;
    if (typeof sh === "string") {
      shVars.set(v, { sh, at: at("vars", v) });
      continue;
    }
    if (typeof value === "object" && value !== null) {
      todos.push({
        at: at("vars", v),
        message: `Variable ${JSON.stringify(v)} is computed (${
          JSON.stringify(value)
        }): it became a flag with an empty default; compute it in run()`,
      });
      taskDefaults.set(v, "");
      continue;
    }
    const text = String(value);
    const self = /^\{\{(.*)\}\}$/.exec(text.trim());
    const read = self ? readTaskTemplate(self[1]!.trim()) : undefined;
    if (read?.kind === "var" && read.name === v) taskDefaults.set(v, read.default);
    else constants.set(v, text);
  }
  const args = new Map<string, ArgPlan>();
  const globalValue = (v: string): string | undefined => {
    if (taskDefaults.has(v)) return taskDefaults.get(v);
    const value = input.globalVars[v];
    if (value === undefined) return undefined;
    if (typeof value === "object" && value !== null) {
      todos.push({
        at: input.fileAt("vars", v),
        message: `Variable ${JSON.stringify(v)} is computed (${
          JSON.stringify(value)
        }): it became a flag with an empty default; compute it in run()`,
      });
      return "";
    }
    const text = String(value);
    // A value with templates (`IMAGE: '{{.REGISTRY}}/app'`) is computed where it is read
    // (`templatedGlobal`): the flag has no default of its own.
    return text.includes("{{") ? undefined : text;
  };
  /** A global var's value that reads other vars: the flag's fallback when it is not given. */
  const templatedGlobal = (v: string): string | undefined => {
    if (taskDefaults.has(v)) return undefined;
    const value = input.globalVars[v];
    return typeof value === "string" && value.includes("{{") ? value : undefined;
  };
  const addArg = (v: string, fallback?: string, required = false) => {
    const existing = args.get(v);
    if (existing !== undefined) {
      if (existing.default === "" && fallback !== undefined && globalValue(v) === undefined) {
        args.set(v, { ...existing, default: fallback });
      }
      return existing.name;
    }
    const declared = globalValue(v);
    const optional = !required && templatedGlobal(v) !== undefined;
    const def = required || optional ? undefined : declared ?? fallback ?? "";
    const plan: ArgPlan = {
      name: uniqueArgName(argNameOf(v), args.values()),
      from: v,
      ...(def === undefined ? {} : { default: def }),
      ...(optional ? { optional: true } : {}),
      description: `Taskfile variable ${v}${optional ? ` (default: ${templatedGlobal(v)})` : ""}`,
    };
    args.set(v, plan);
    return plan.name;
  };
  /** Where a variable's value comes from: a task constant, a special variable, or a flag. */
  const computed: ComputedPlan[] = [];
  const computing = new Set<string>();
  /** A `sh:` variable's value: its script runs once, at the start of `run`. */
  const computedValue = (id: string, sh: string, where: string): ValueSource => {
    if (!computing.has(id)) {
      computing.add(id);
      const t = template(sh, where);
      computed.push({
        name: id,
        at: where,
        source: prelude + t.source,
        ...(cwd === "" ? {} : { cwd }),
        env: { ...staticEnv, ...t.env },
      });
    }
    return { computed: id };
  };
  const globalSh = (v: string) => (input.globalVars[v] as { sh?: unknown } | null)?.sh;
  const valueOf = (v: string, fallback?: string): ValueSource => {
    const sh = shVars.get(v);
    if (sh !== undefined) return computedValue(v, sh.sh, sh.at);
    if (!taskDefaults.has(v) && typeof globalSh(v) === "string") {
      return computedValue(v, globalSh(v) as string, input.fileAt("vars", v));
    }
    if (constants.has(v)) {
      const text = constants.get(v)!;
      constants.delete(v); // a constant naming itself reads as a flag (go-task: empty)
      const result = valueText(text, at("vars", v), "Variable " + JSON.stringify(v));
      constants.set(v, text);
      return result;
    }
    if (SPECIAL[v] !== undefined && !args.has(v) && input.globalVars[v] === undefined) {
      return SPECIAL[v]!;
    }
    const text = templatedGlobal(v);
    if (text !== undefined && expanding.has(v)) return { literal: "" };
    if (text !== undefined) {
      // Read where it is used, from the other vars' values then: `args.image ?? `${…}/app``.
      expanding.add(v);
      try {
        const name = addArg(v, fallback);
        if (args.get(v)?.optional !== true) return { arg: name };
        return {
          arg: name,
          fallback: valueText(text, input.fileAt("vars", v), "Variable " + JSON.stringify(v)),
        };
      } finally {
        expanding.delete(v);
      }
    }
    return { arg: addArg(v, fallback) };
  };
  /** Templated vars being expanded: one that reads itself, through others or not, reads "". */
  const expanding = new Set<string>();
  /**
   * A value given as text with templates (`"{{.HOST}}:8080"`): literal text,
   * one variable's value, or the two joined (a JavaScript template literal in
   * the module, never shell). A template with no wst form stays as text, reported.
   */
  const valueText = (
    text: string,
    where: string,
    what: string,
    loop?: string,
  ): ValueSource => {
    const parts: (string | ValueSource)[] = [];
    const pushText = (piece: string) => {
      const previous = parts[parts.length - 1];
      if (typeof previous === "string") parts[parts.length - 1] = previous + piece;
      else parts.push(piece);
    };
    let last = 0;
    for (const m of text.matchAll(TEMPLATE)) {
      const read = readTaskTemplate(m[1]!.trim());
      if (read?.kind !== "var") {
        todos.push({
          at: where,
          message: `${what}'s template ${m[0]} has no wst form: passed as written`,
        });
        continue;
      }
      if (m.index! > last) pushText(text.slice(last, m.index));
      const value: ValueSource = read.name === loop
        ? { special: "item" }
        : valueOf(read.name, read.default);
      // A constant's text joins the text around it.
      if ("literal" in value) pushText(value.literal);
      else parts.push(value);
      last = m.index! + m[0].length;
    }
    if (last < text.length) pushText(text.slice(last));
    if (parts.length === 0) return { literal: "" };
    if (parts.length === 1) return typeof parts[0] === "string" ? { literal: parts[0] } : parts[0]!;
    return { parts };
  };
  const requires = asObj(task.requires);
  for (const [i, r] of (Array.isArray(requires?.vars) ? requires.vars : []).entries()) {
    const v = typeof r === "string" ? r : String(asObj(r)?.name ?? "");
    if (asObj(r)?.enum !== undefined) {
      todos.push({
        at: at("requires", "vars", i),
        message: `The allowed values of ${
          JSON.stringify(v)
        } are not checked: make its flag a z.enum`,
      });
    }
    addArg(v, undefined, true);
  }
  for (const v of taskDefaults.keys()) addArg(v);

  const envOf = (
    refs: readonly TemplateRef[],
    loop?: string,
  ): { env: Record<string, ValueSource>; argv: boolean } => {
    const env: Record<string, ValueSource> = {};
    let argv = false;
    for (const ref of refs) {
      if (ref.kind === "argv") argv = true;
      else if (ref.name === loop) env[envNameOf(ref.name)] = { special: "item" };
      else env[envNameOf(ref.name)] = valueOf(ref.name, ref.default);
    }
    return { env, argv };
  };
  const template = (text: string, where: string, loop?: string) => {
    const replaced = replaceTemplates(text, { pattern: TEMPLATE, read: readTaskTemplate });
    for (const expr of replaced.unconverted) {
      todos.push({ at: where, message: `Template ${expr} has no wst form: left as written` });
    }
    return { ...replaced, ...envOf(replaced.refs, loop) };
  };

  /** A shell condition (`if:`) in the task's dir, its templates as env references. */
  const condition = (text: string, where: string): Condition => {
    const t = template(text, where);
    return {
      source: prelude + t.source,
      ...(cwd === "" ? {} : { cwd }),
      env: { ...staticEnv, ...t.env },
    };
  };
  // Env: the Taskfile's and the task's, literal or one variable.
  const staticEnv: Record<string, ValueSource> = {};
  for (
    const [scope, env] of [["file", input.globalEnv], ["task", asObj(task.env) ?? {}]] as const
  ) {
    for (const [k, v] of Object.entries(env)) {
      const where = scope === "task" ? at("env", k) : input.fileAt("env", k);
      const sh = (v as { sh?: unknown } | null)?.sh;
      if (typeof sh === "string") {
        staticEnv[k] = computedValue(`env ${k}`, sh, where);
        continue;
      }
      if (typeof v === "object" && v !== null) {
        todos.push({
          at: where,
          message: `Env ${JSON.stringify(k)} is computed (${
            JSON.stringify(v)
          }): not passed; compute it in run()`,
        });
        continue;
      }
      staticEnv[k] = valueText(String(v), where, `Env ${JSON.stringify(k)}`);
    }
  }

  return { args, computed, valueOf, valueText, template, condition, staticEnv };
}
