// One go-task task → a task plan: variables (go-task's precedence), templates, commands,
// calls, deps, and every key either converted or reported with its `file:line`.
import type { ComputedPlan, ImportTodo, Loop, StepPlan, TaskPlan, ValueSource } from "./_plan.ts";
import { joinRelative, wstName } from "./_paths.ts";
import { asObj, asStrings, type Json, type TaskInput, taskValues } from "./_taskfile_vars.ts";

export { asObj, asStrings, readTaskTemplate, type TaskInput } from "./_taskfile_vars.ts";
export type { Unit } from "./_taskfile_vars.ts";
import { inferPermissions } from "./_permissions.ts";

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
  "platforms",
  "set",
  "shopt",
  "run",
  "method",
  "interactive",
]);

/** Command keys with a conversion; a command with any other is reported and left out. */
const COMMAND_KEYS = ["cmd", "task", "vars", "silent", "ignore_error", "if", "platforms", "for"];

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
  const { args, computed, valueOf, valueText, template, condition, staticEnv } = taskValues(input, {
    todos,
    cwd,
    prelude,
  });
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
  if (task.platforms !== undefined) {
    steps.unshift({ kind: "skip", platforms: asStrings(task.platforms), at: at("platforms") });
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
    const onPlatforms = obj.platforms === undefined ? {} : { platforms: asStrings(obj.platforms) };
    // for: a list, or a variable split into items; the item is ITEM (or `as:`).
    let loopVar: string | undefined;
    let loop: Loop | undefined;
    if (obj.for !== undefined) {
      const spec = asObj(obj.for);
      if (Array.isArray(obj.for)) {
        loop = { values: asStrings(obj.for) };
        loopVar = "ITEM";
      } else if (typeof spec?.var === "string") {
        loopVar = typeof spec.as === "string" ? spec.as : "ITEM";
        loop = {
          from: valueOf(spec.var),
          ...(typeof spec.split === "string" ? { split: spec.split } : {}),
        };
      } else {
        todos.push({
          at: where,
          message: `for: ${
            JSON.stringify(obj.for)
          } has no wst form (lists and { var } only): the command is left out of run()`,
        });
        continue;
      }
    }
    const looping = loop === undefined ? {} : { loop };
    if (obj.task !== undefined) {
      const callArgs: Record<string, ValueSource> = {};
      for (const [k, v] of Object.entries(asObj(obj.vars) ?? {})) {
        callArgs[k] = valueText(String(v), where, `Variable ${JSON.stringify(k)}`, loopVar);
      }
      steps.push({
        kind: "task",
        name: qualify(String(obj.task)),
        at: where,
        args: callArgs,
        ignoreError,
        ...(deferred ? { defer: true } : {}),
        ...(when === undefined ? {} : { when }),
        ...onPlatforms,
        ...looping,
      });
      continue;
    }
    const t = template(String(obj.cmd ?? ""), where, loopVar);
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
      ...onPlatforms,
      ...looping,
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
