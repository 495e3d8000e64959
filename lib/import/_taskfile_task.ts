// One go-task task → a task plan: variables (go-task's precedence), templates, commands,
// calls, deps, and every key either converted or reported with its `file:line`.
import type {
  ArgPlan,
  ComputedPlan,
  Condition,
  ImportTodo,
  StepPlan,
  TaskPlan,
  ValueSource,
} from "./_plan.ts";
import {
  argNameOf,
  envNameOf,
  replaceTemplates,
  type TemplateRef,
  uniqueArgName,
} from "./_shell.ts";
import { joinRelative, wstName } from "./_paths.ts";
import { inferPermissions } from "./_permissions.ts";

type Json = unknown;
type Obj = Record<string, Json>;

/** go-task's special variables that have a wst value. */
const SPECIAL: Record<string, ValueSource> = {
  TASK: { special: "task" },
  ROOT_DIR: { special: "rootDir" },
  TASKFILE_DIR: { special: "root" },
};

const TEMPLATE = /\{\{-?([\s\S]*?)-?\}\}/g;

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

/** Task keys with a conversion; the rest are reported. */
const TASK_KEYS = new Set([
  "desc",
  "summary",
  "cmds",
  "cmd",
  "deps",
  "vars",
  "env",
  "dir",
  "silent",
  "ignore_error",
  "requires",
  "sources",
  "generates",
  "dotenv",
  "preconditions",
  "status",
  "if",
  "set",
  "shopt",
  "run",
  "method",
  "interactive",
]);

/** Command keys with a conversion; a command with any other is reported and left out. */
const COMMAND_KEYS = ["cmd", "task", "vars", "silent", "ignore_error", "if"];

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

export function convertTask(input: TaskInput): TaskPlan {
  const { unit, key, task, at } = input;
  const todos: ImportTodo[] = [];
  const notes: string[] = [];
  const topLevel = unit.namespace === "";
  const name = wstName(`${unit.prefix}${key}`, { topLevel });
  if (name !== `${unit.prefix}${key}`) {
    todos.push({
      at: at(),
      message: `Task name ${JSON.stringify(`${unit.prefix}${key}`)} is not a wst name: renamed to ${
        JSON.stringify(name)
      } (update its callers outside the Taskfiles)`,
    });
  }
  for (const k of Object.keys(task)) {
    if (!TASK_KEYS.has(k)) {
      todos.push({ at: at(k), message: `Task key ${JSON.stringify(k)} has no wst form` });
    }
  }
  if (task.run !== undefined && task.run !== "always") {
    notes.push(`run: ${String(task.run)}: a wst run starts each task at most once per invocation`);
  }
  if (task.method !== undefined) {
    notes.push(
      `method: ${
        String(task.method)
      }: wst decides "up to date" by content hash of sources, args, env and code`,
    );
  }
  const summaryLine = typeof task.summary === "string"
    ? task.summary.split("\n").find((l) => l.trim() !== "")
    : undefined;
  const description = oneLine(
    typeof task.desc === "string" && task.desc.trim() !== ""
      ? task.desc
      : summaryLine ?? `Converted from ${at()} (task "${name}")`,
  );

  const ignoreAll = task.ignore_error === true;
  const silent = input.silent || task.silent === true;
  const dir = task.dir === undefined ? "" : String(task.dir);
  if (dir.includes("{{")) {
    todos.push({
      at: at("dir"),
      message: `dir ${JSON.stringify(dir)} uses templates: used as written`,
    });
  }
  const cwd = joinRelative(unit.cwd, dir);
  const taskSet = [
    ...asStrings(task.set).map((o) => `set -o ${o}`),
    ...asStrings(task.shopt).map((o) => `shopt -s ${o}`),
  ];
  const prelude = [...input.shellSet, ...taskSet].map((l) => `${l}\n`).join("");
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
    if (text.includes("{{")) {
      todos.push({
        at: input.fileAt("vars", v),
        message: `Variable ${JSON.stringify(v)}'s value ${
          JSON.stringify(text)
        } uses templates: kept as its literal default`,
      });
    }
    return text;
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
    const def = required ? undefined : declared ?? fallback ?? "";
    const plan: ArgPlan = {
      name: uniqueArgName(argNameOf(v), args.values()),
      from: v,
      ...(def === undefined ? {} : { default: def }),
      description: `Taskfile variable ${v}`,
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
    return { arg: addArg(v, fallback) };
  };
  /**
   * A value given as text with templates (`"{{.HOST}}:8080"`): literal text,
   * one variable's value, or the two joined (a JavaScript template literal in
   * the module, never shell). A template with no wst form stays as text, reported.
   */
  const valueText = (text: string, where: string, what: string): ValueSource => {
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
      const value = valueOf(read.name, read.default);
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
  ): { env: Record<string, ValueSource>; argv: boolean } => {
    const env: Record<string, ValueSource> = {};
    let argv = false;
    for (const ref of refs) {
      if (ref.kind === "argv") argv = true;
      else env[envNameOf(ref.name)] = valueOf(ref.name, ref.default);
    }
    return { env, argv };
  };
  const template = (text: string, where: string) => {
    const replaced = replaceTemplates(text, { pattern: TEMPLATE, read: readTaskTemplate });
    for (const expr of replaced.unconverted) {
      todos.push({ at: where, message: `Template ${expr} has no wst form: left as written` });
    }
    return { ...replaced, ...envOf(replaced.refs) };
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

  const qualify = (ref: string) =>
    ref.startsWith(":")
      ? `:${wstName(ref.slice(1), { topLevel: true })}`
      : wstName(`${unit.prefix}${ref}`, { topLevel });

  const steps: StepPlan[] = [];
  for (const [i, pre] of (Array.isArray(task.preconditions) ? task.preconditions : []).entries()) {
    const obj = typeof pre === "string" ? { sh: pre } : asObj(pre) ?? {};
    const where = at("preconditions", i);
    const t = template(String(obj.sh ?? "false"), where);
    steps.push({
      kind: "check",
      source: prelude + t.source,
      at: where,
      message: oneLine(String(obj.msg ?? `Precondition failed: ${String(obj.sh)}`)),
      ...(cwd === "" ? {} : { cwd }),
      env: { ...staticEnv, ...t.env },
    });
  }
  if (task.if !== undefined) {
    steps.unshift({ kind: "skip", when: condition(String(task.if), at("if")), at: at("if") });
  }
  // status: after the preconditions, before the commands (go-task's order).
  if (Array.isArray(task.status) && task.status.length > 0) {
    const env: Record<string, ValueSource> = { ...staticEnv };
    const sources = task.status.map((line, i) => {
      const t = template(String(line), at("status", i));
      Object.assign(env, t.env);
      return prelude + t.source;
    });
    steps.push({ kind: "status", sources, at: at("status"), ...(cwd === "" ? {} : { cwd }), env });
  }
  const cmds = task.cmds ?? (task.cmd !== undefined ? [task.cmd] : []);
  for (const [i, cmd] of (Array.isArray(cmds) ? cmds : [cmds]).entries()) {
    const where = at(
      task.cmds !== undefined ? "cmds" : "cmd",
      ...(task.cmds !== undefined ? [i] : []),
    );
    let obj = typeof cmd === "string" ? { cmd } : asObj(cmd) ?? {};
    // `defer: <command>` or `defer: { task: … }`: the same step, run when the task ends.
    const deferred = obj.defer !== undefined;
    if (deferred) {
      const { defer, ...rest } = obj;
      obj = { ...rest, ...(typeof defer === "string" ? { cmd: defer } : asObj(defer) ?? {}) };
    }
    for (const k of Object.keys(obj)) {
      if (!COMMAND_KEYS.includes(k)) {
        todos.push({
          at: where,
          message: `Command key ${
            JSON.stringify(k)
          } has no wst form: the command is left out of run() (${
            JSON.stringify(JSON.stringify(obj).slice(0, 80))
          })`,
        });
      }
    }
    if (
      Object.keys(obj).some((k) => !COMMAND_KEYS.includes(k))
    ) continue;
    const ignoreError = ignoreAll || obj.ignore_error === true;
    const when = obj.if === undefined ? undefined : condition(String(obj.if), where);
    if (obj.task !== undefined) {
      const callArgs: Record<string, ValueSource> = {};
      for (const [k, v] of Object.entries(asObj(obj.vars) ?? {})) {
        callArgs[k] = valueText(String(v), where, `Variable ${JSON.stringify(k)}`);
      }
      steps.push({
        kind: "task",
        name: qualify(String(obj.task)),
        at: where,
        args: callArgs,
        ignoreError,
        ...(deferred ? { defer: true } : {}),
        ...(when === undefined ? {} : { when }),
      });
      continue;
    }
    const t = template(String(obj.cmd ?? ""), where);
    steps.push({
      kind: "script",
      source: prelude + t.source,
      at: where,
      ...(cwd === "" ? {} : { cwd }),
      env: { ...staticEnv, ...t.env },
      argv: t.argv,
      ignoreError,
      echo: !(silent || obj.silent === true),
      ...(deferred ? { defer: true } : {}),
      ...(when === undefined ? {} : { when }),
    });
  }

  const deps: string[] = [];
  for (const [i, dep] of (Array.isArray(task.deps) ? task.deps : []).entries()) {
    const obj = typeof dep === "string" ? { task: dep } : asObj(dep) ?? {};
    if (obj.vars !== undefined) {
      todos.push({
        at: at("deps", i),
        message: `Dependency ${
          JSON.stringify(obj.task)
        } with vars: wst deps take no arguments; it runs with its defaults`,
      });
    }
    deps.push(qualify(String(obj.task)));
  }
  const globs = (k: string) => {
    const list = Array.isArray(task[k]) ? task[k] as Json[] : [];
    return list.flatMap((g, i) => {
      if (typeof g !== "string") {
        todos.push({
          at: at(k, i),
          message: `${k} entry ${JSON.stringify(g)} has no wst form (exclude: is not supported)`,
        });
        return [];
      }
      if (g.includes("{{")) {
        todos.push({
          at: at(k, i),
          message: `Glob ${JSON.stringify(g)} uses templates: kept as written`,
        });
      }
      return [joinRelative(cwd, g) || "."];
    });
  };
  const dotenv = [
    ...input.globalDotenv.map((f) => joinRelative(unit.cwd, f)),
    ...asStrings(task.dotenv).map((f) => joinRelative(cwd, f)),
  ];
  const argList = [...args.values()];
  return {
    name,
    dir: unit.folder,
    namespace: unit.namespace,
    file: "",
    at: at(),
    description,
    args: argList,
    deps,
    sources: globs("sources"),
    outputs: globs("generates"),
    dotenv,
    steps,
    computed,
    permissions: {
      ...inferPermissions([...computed.map(asCheck), ...steps], {
        root: input.root,
        folder: unit.folder,
        dotenv,
        cwd,
      }),
      interactive: task.interactive === true,
    },
    todos,
    notes,
  };
}

/** A `sh:` variable's script, seen as a step for the permissions it needs. */
function asCheck(c: ComputedPlan): StepPlan {
  return {
    kind: "check",
    source: c.source,
    at: c.at,
    message: "",
    env: c.env,
    ...(c.cwd === undefined ? {} : { cwd: c.cwd }),
  };
}

/** Control characters (C0, DEL, C1) and bidi overrides: never in a description. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The first line of a text, without control characters: a valid description. */
export function oneLine(text: string): string {
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "").replace(CONTROL, " ").trim();
  return line === "" ? "Converted task" : line;
}
