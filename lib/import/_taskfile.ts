// go-task Taskfile (v3) → task plans: the Taskfile and its includes, each task converted by
// `_taskfile_task.ts`. Parsed with `yaml` for line numbers.
import { isMap, LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../errors/mod.ts";
import { decodeUtf8 } from "../fs/read.ts";
import { resolvePath } from "../_path.ts";
import type { ImportPlan, TaskPlan } from "./_plan.ts";
import { joinRelative, relativePath, wstName } from "./_paths.ts";
import { asObj, asStrings, convertTask, readTaskTemplate, type Unit } from "./_taskfile_task.ts";

export { oneLine, readTaskTemplate } from "./_taskfile_task.ts";

/** The names go-task looks for in a folder, in its order. */
const TASKFILE_NAMES = [
  "Taskfile.yml",
  "taskfile.yml",
  "Taskfile.yaml",
  "taskfile.yaml",
  "Taskfile.dist.yml",
  "taskfile.dist.yml",
  "Taskfile.dist.yaml",
  "taskfile.dist.yaml",
];

type Json = unknown;
type Obj = Record<string, Json>;

/**
 * Converts a Taskfile and the Taskfiles it includes into task plans.
 *
 * @param root The import root (absolute): folders are relative to it.
 * @param file The Taskfile (absolute).
 * @returns The plan.
 * @throws {ConfigError} When the root Taskfile is missing or is not YAML.
 */
export async function planTaskfile(root: string, file: string): Promise<ImportPlan> {
  const plan: ImportPlan = {
    kind: "taskfile",
    source: relativePath(root, file),
    tasks: [],
    namespaces: {},
    todos: [],
  };
  const usedFolders = new Set<string>([relativePath(root, resolvePath(file, ".."))]);
  const queue: Unit[] = [{
    file,
    namespace: "",
    folder: relativePath(root, resolvePath(file, "..")),
    prefix: "",
    cwd: "",
    vars: {},
    chain: [],
  }];
  while (queue.length > 0) {
    const unit = queue.shift()!;
    await convertUnit(root, unit, plan, queue, usedFolders);
  }
  checkCalls(plan);
  return plan;
}

/** A task's full name: its namespace and its name. */
function fullName(task: TaskPlan): string {
  return task.namespace === "" ? task.name : `${task.namespace}:${task.name}`;
}

/**
 * Variables a `task:` call passes that the called task has no flag for (a
 * constant in its own vars, which go-task lets win, or a variable it never
 * names) are left out of the call, with a note; calls to unknown tasks are TODOs.
 */
function checkCalls(plan: ImportPlan): void {
  const byName = new Map(plan.tasks.map((t) => [fullName(t), t]));
  for (const task of plan.tasks) {
    task.steps = task.steps.map((step) => {
      if (step.kind !== "task") return step;
      const full = step.name.startsWith(":")
        ? step.name.slice(1)
        : task.namespace === ""
        ? step.name
        : `${task.namespace}:${step.name}`;
      const target = byName.get(full);
      if (target === undefined) {
        task.todos.push({
          at: step.at,
          message: `Task ${JSON.stringify(step.name)} is not in the Taskfiles converted`,
        });
        return step;
      }
      // A call's vars are by variable name until here; the called task's flags are by arg name.
      const flags = new Map(target.args.map((a) => [a.from, a.name]));
      const kept = Object.fromEntries(
        Object.entries(step.args).flatMap(([k, v]) => flags.has(k) ? [[flags.get(k)!, v]] : []),
      );
      for (const k of Object.keys(step.args)) {
        if (!flags.has(k)) {
          task.notes.push(
            `${step.at}: ${JSON.stringify(full)} has no flag for ${
              JSON.stringify(k)
            } (its own constant wins in go-task): not passed`,
          );
        }
      }
      return { ...step, args: kept };
    });
  }
}

/** Reads a Taskfile; returns its value and a function giving a path's line. */
async function readTaskfile(root: string, file: string) {
  const shown = relativePath(root, file);
  // Scripts are kept byte for byte: a byte that is not UTF-8 would become U+FFFD silently.
  const decoded = decodeUtf8(await Deno.readFile(file));
  if (!decoded.ok) {
    throw new ConfigError([{
      file: shown,
      ...decoded.at,
      path: "",
      message: "Cannot read the file: it is not valid UTF-8 (a converted script keeps its bytes)",
    }]);
  }
  const text = decoded.text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return {
        file: shown,
        line: pos.line,
        column: pos.col,
        path: "",
        message: `Invalid YAML: ${e.message.split("\n")[0]}`,
      };
    }));
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as Json;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError([{
      file: shown,
      line: 1,
      column: 1,
      path: "",
      message: "Expected a Taskfile (a map with version and tasks)",
    }]);
  }
  type Ranged = { range?: [number, number, number] | null } | undefined;
  const at = (...path: (string | number)[]) => {
    // A map key's own line (`status:`), else the value's (a list item).
    const parent = path.length === 0 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    if (isMap(parent) && typeof last === "string") {
      const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === last);
      const range = (pair?.key as Ranged)?.range;
      if (range) return `${shown}:${lineCounter.linePos(range[0]).line}`;
    }
    let node = doc.getIn(path, true) as Ranged;
    // A key whose value is empty has no value node: point at the map that holds it.
    for (let n = path.length - 1; node?.range === undefined && n >= 0; n--) {
      node = doc.getIn(path.slice(0, n), true) as typeof node;
    }
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    return `${shown}:${line}`;
  };
  return { value: value as Obj, at };
}

/** Top-level keys with a conversion; the rest are reported. */
const FILE_KEYS = new Set([
  "version",
  "vars",
  "env",
  "dotenv",
  "includes",
  "tasks",
  "set",
  "shopt",
  "silent",
]);
async function convertUnit(
  root: string,
  unit: Unit,
  plan: ImportPlan,
  queue: Unit[],
  usedFolders: Set<string>,
): Promise<void> {
  const { value: tf, at } = await readTaskfile(root, unit.file);
  const version = String(tf.version ?? "");
  if (!/^3(\.|$)/.test(version)) {
    plan.todos.push({
      at: at("version"),
      message: `Expected a Taskfile of version 3, found ${
        JSON.stringify(version)
      }: converted as v3`,
    });
  }
  for (const key of Object.keys(tf)) {
    if (!FILE_KEYS.has(key)) {
      plan.todos.push({
        at: at(key),
        message: `Taskfile key ${JSON.stringify(key)} has no wst form`,
      });
    }
  }
  const fileDir = resolvePath(unit.file, "..");
  planIncludes(root, unit, tf, at, plan, queue, usedFolders, fileDir);

  const globalVars = fileVars(asObj(tf.vars) ?? {}, unit.vars);
  const globalEnv = asObj(tf.env) ?? {};
  const globalDotenv = asStrings(tf.dotenv);
  const shellSet = [
    ...asStrings(tf.set).map((o) => `set -o ${o}`),
    ...asStrings(tf.shopt).map((o) => `shopt -s ${o}`),
  ];
  const tasks = asObj(tf.tasks) ?? {};
  for (const [key, raw] of Object.entries(tasks)) {
    if (key.includes("*")) {
      plan.todos.push({
        at: at("tasks", key),
        message: `Wildcard task ${
          JSON.stringify(key)
        } has no wst form: not converted (write a task with an argument instead)`,
      });
      continue;
    }
    const task: Obj = typeof raw === "string" || Array.isArray(raw)
      ? { cmds: Array.isArray(raw) ? raw : [raw] }
      : asObj(raw) ?? {};
    plan.tasks.push(convertTask({
      root,
      unit,
      key,
      task,
      at: (...path) => at("tasks", key, ...path),
      fileAt: at,
      globalVars,
      globalEnv,
      globalDotenv,
      shellSet,
      silent: tf.silent === true,
    }));
  }
}

/**
 * A Taskfile's vars as its tasks see them: go-task's documented order puts the
 * included Taskfile's own vars before the include's `vars:`, so an include's
 * value reaches a var only where the file defers to it
 * (`X: '{{.X | default "d"}}'`, or a var the file does not set).
 */
function fileVars(own: Obj, given: Readonly<Obj>): Obj {
  const vars: Obj = { ...given };
  for (const [name, value] of Object.entries(own)) {
    const self = typeof value === "string" ? /^\{\{(.*)\}\}$/.exec(value.trim()) : null;
    const read = self ? readTaskTemplate(self[1]!.trim()) : undefined;
    if (read?.kind === "var" && read.name === name) {
      vars[name] = Object.hasOwn(given, name) ? given[name] : read.default ?? "";
    } else vars[name] = value;
  }
  return vars;
}

function planIncludes(
  root: string,
  unit: Unit,
  tf: Obj,
  at: (...path: (string | number)[]) => string,
  plan: ImportPlan,
  queue: Unit[],
  usedFolders: Set<string>,
  fileDir: string,
): void {
  const namespaces = plan.namespaces as Record<string, string>;
  for (const [ns, spec] of Object.entries(asObj(tf.includes) ?? {})) {
    const include = typeof spec === "string" ? { taskfile: spec } : asObj(spec) ?? {};
    const where = at("includes", ns);
    const taskfile = String(include.taskfile ?? "");
    if (/^[a-z]+:\/\//.test(taskfile)) {
      plan.todos.push({
        at: where,
        message: `Remote include ${JSON.stringify(taskfile)} is not followed: import it separately`,
      });
      continue;
    }
    let target = resolvePath(fileDir, taskfile);
    const candidates = /\.ya?ml$/.test(taskfile)
      ? [target]
      : TASKFILE_NAMES.map((n) => `${target}/${n}`);
    const found = candidates.find((c) => {
      try {
        return Deno.statSync(c).isFile;
      } catch {
        return false;
      }
    });
    if (found === undefined) {
      plan.todos.push({
        at: where,
        message: include.optional === true
          ? `Optional include ${JSON.stringify(ns)}: ${
            JSON.stringify(taskfile)
          } does not exist, nothing to convert`
          : `Include ${JSON.stringify(ns)}: ${JSON.stringify(taskfile)} does not exist`,
      });
      continue;
    }
    target = found;
    if ([...unit.chain, unit.file].includes(target)) {
      plan.todos.push({
        at: where,
        message: `Include ${JSON.stringify(ns)} includes its own includer: not followed`,
      });
      continue;
    }
    for (const key of Object.keys(include)) {
      if (
        !["taskfile", "dir", "optional", "aliases", "vars", "flatten", "excludes", "internal"]
          .includes(key)
      ) {
        plan.todos.push({
          at: at("includes", ns, key),
          message: `Include key ${JSON.stringify(key)} has no wst form`,
        });
      }
    }
    if (include.internal === true) {
      plan.todos.push({
        at: at("includes", ns, "internal"),
        message: "wst has no internal tasks: the included tasks are listed and callable",
      });
    }
    if (include.excludes !== undefined) {
      plan.todos.push({
        at: at("includes", ns, "excludes"),
        message: "excludes: every task of the include is converted; delete the excluded modules",
      });
    }
    const name = wstName(ns, { topLevel: unit.namespace === "" });
    if (name !== ns) {
      plan.todos.push({
        at: where,
        message: `Namespace ${JSON.stringify(ns)} is not a wst name: renamed to ${
          JSON.stringify(name)
        }`,
      });
    }
    const full = unit.namespace === "" ? name : `${unit.namespace}:${name}`;
    // Where the include's commands run: its dir, else the includer's own (go-task's rule).
    const runDir = include.dir !== undefined
      ? resolvePath(fileDir, String(include.dir))
      : resolvePath(root, joinRelative(unit.folder, unit.cwd));
    const wanted = relativePath(
      root,
      include.dir !== undefined ? runDir : resolvePath(target, ".."),
    );
    const flatten = include.flatten === true;
    const ownFolder = !flatten && !wanted.startsWith("..") && !usedFolders.has(wanted);
    const vars = { ...(asObj(include.vars) ?? {}) };
    const chain = [...unit.chain, unit.file];
    if (ownFolder) {
      usedFolders.add(wanted);
      namespaces[full] = wanted;
      // wst gives a folder one namespace, so that each task has one name (docs/adr/0014).
      const aliases = asStrings(include.aliases);
      if (aliases.length > 0) {
        plan.todos.push({
          at: at("includes", ns, "aliases"),
          message: `Include aliases ${
            aliases.map((a) => JSON.stringify(a)).join(", ")
          } are not kept: a folder has one namespace in wst ("${full}")`,
        });
      }
      queue.push({
        file: target,
        namespace: full,
        folder: wanted,
        prefix: "",
        cwd: relativePath(resolvePath(root, wanted), runDir),
        vars,
        chain,
      });
    } else {
      if (!flatten) {
        plan.todos.push({
          at: where,
          message: `Include ${JSON.stringify(ns)} has no folder of its own (${
            JSON.stringify(wanted || ".")
          }): its tasks are named "${ns}:<task>" in ${JSON.stringify(unit.folder || ".")}`,
        });
      }
      if (include.aliases !== undefined) {
        plan.todos.push({
          at: at("includes", ns, "aliases"),
          message: "Aliases of an include without a folder of its own have no wst form",
        });
      }
      queue.push({
        file: target,
        namespace: unit.namespace,
        folder: unit.folder,
        prefix: flatten ? unit.prefix : `${unit.prefix}${name}:`,
        cwd: relativePath(resolvePath(root, unit.folder), runDir),
        vars,
        chain,
      });
    }
  }
}
