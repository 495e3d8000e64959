// One just recipe → a task plan: parameters, variables, dependencies, linewise and shebang bodies.
import type {
  ArgPlan,
  ComputedPlan,
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
import { inferPermissions } from "./_permissions.ts";
import { oneLine } from "./_taskfile.ts";
import { wstName } from "./_paths.ts";

export type Obj = Record<string, unknown>;

/** A recipe parameter as the dump gives it. */
export interface Parameter {
  name: string;
  kind: "singular" | "plus" | "star";
  default: unknown;
  export: boolean;
}

export interface Recipe {
  name: string;
  doc: string | null;
  attributes: (string | Obj)[];
  body: unknown[][];
  dependencies: { recipe: string; arguments: unknown[] }[];
  priors: number;
  private: boolean;
  quiet: boolean;
  shebang: boolean;
  parameters: Parameter[];
}

export interface Dump {
  source?: string;
  assignments: Record<string, { name: string; value: unknown; export: boolean; private: boolean }>;
  recipes: Record<string, Recipe>;
  aliases: Record<string, { name: string; target: string }>;
  modules: Record<string, unknown>;
  settings: Obj;
  unexports?: string[];
}

/** The placeholder of the n-th interpolation in a line being converted. */
// deno-lint-ignore no-control-regex
const MARK = /\u0000(\d+)\u0000/g;

/** Where a justfile's (or a module's) recipes go. */
export interface ModuleInput {
  root: string;
  /** The justfile, relative to the root (for messages). */
  source: string;
  text: string;
  /** Its namespace ("" for the root's). */
  namespace: string;
  /** The folder whose `.wst/tasks/` gets its recipes, relative to the root. */
  folder: string;
  /** Name prefix when it shares its parent's folder (`tools:`). */
  prefix: string;
  /** Where its recipes run, relative to `folder`. */
  cwd: string;
  usedFolders: Set<string>;
}

export interface RecipeInput {
  module: ModuleInput;
  lineAfter: (where: string, n: number) => string;
  d: Dump;
  at: (what: string) => string;
  dotenv: string[];
  exportAll: boolean;
  cwd: string;
  root: string;
  quietAll: boolean;
}

export function convertRecipe(recipe: Recipe, input: RecipeInput): TaskPlan {
  const where = input.at(`recipe ${recipe.name}`);
  const todos: ImportTodo[] = [];
  const notes: string[] = [];
  const args = new Map<string, ArgPlan>();
  let variadic: Parameter | undefined;
  const literalOf = (expr: unknown): string | undefined => {
    if (typeof expr === "string") return expr;
    if (Array.isArray(expr) && expr[0] === "variable") {
      const assigned = input.d.assignments[String(expr[1])];
      return typeof assigned?.value === "string" ? assigned.value : undefined;
    }
    return undefined;
  };
  for (const p of recipe.parameters) {
    if (p.kind !== "singular") {
      variadic = p;
      notes.push(
        `parameter ${
          p.kind === "plus" ? "+" : "*"
        }${p.name} is the task's argv: wst ${recipe.name} -- <values…>`,
      );
      if (p.default !== null) {
        todos.push({
          at: where,
          message: `Variadic parameter ${JSON.stringify(p.name)}'s default ${
            JSON.stringify(p.default)
          } is not applied when argv is empty`,
        });
      }
      if (p.kind === "plus") {
        todos.push({
          at: where,
          message: `Parameter +${p.name} needs at least one value: wst does not check it`,
        });
      }
      continue;
    }
    const def = p.default === null ? undefined : literalOf(p.default);
    if (p.default !== null && def === undefined) {
      todos.push({
        at: where,
        message: `Parameter ${JSON.stringify(p.name)}'s default ${
          JSON.stringify(p.default)
        } is an expression: the flag has none`,
      });
    }
    args.set(p.name, {
      name: uniqueArgName(argNameOf(p.name), args.values()),
      from: p.name,
      ...(def === undefined ? {} : { default: def }),
      description: `Recipe parameter ${p.name}`,
    });
  }
  // Variables the body names become flags with their assignment's value as default.
  const varArg = (name: string): string | undefined => {
    const existing = args.get(name);
    if (existing) return existing.name;
    const assigned = input.d.assignments[name];
    if (assigned === undefined || typeof assigned.value !== "string") return undefined;
    const plan: ArgPlan = {
      name: uniqueArgName(argNameOf(name), args.values()),
      from: name,
      default: assigned.value,
      description: `justfile variable ${name}`,
    };
    args.set(name, plan);
    return plan.name;
  };
  // A backtick variable (x := `cmd`) is computed once at the start of run (ctx.$, like go-task's sh:).
  const computed: ComputedPlan[] = [];
  const backtick = (name: string): ValueSource | undefined => {
    const value = input.d.assignments[name]?.value;
    if (!Array.isArray(value) || value[0] !== "evaluate" || typeof value[1] !== "string") {
      return undefined;
    }
    if (!computed.some((c) => c.name === name)) {
      computed.push({ name, at: input.at(`${name} :=`), source: value[1], env: {} });
    }
    return { computed: name };
  };
  const valueOfVar = (name: string): ValueSource =>
    args.has(name) ? { arg: args.get(name)!.name } : backtick(name) ?? { literal: "" };
  // Exported parameters and variables are the env of every line.
  const env: Record<string, ValueSource> = {};
  for (const p of recipe.parameters) {
    if (p.kind === "singular" && (p.export || input.exportAll)) {
      env[p.name] = { arg: args.get(p.name)!.name };
    }
  }
  for (const a of Object.values(input.d.assignments)) {
    if (!(a.export || input.exportAll)) continue;
    // Overridable like any variable (`just GREETING=x r`): the env follows the flag.
    // An expression's value is reported once for the file (convertModule), not per recipe.
    if (typeof a.value === "string") env[a.name] = { arg: varArg(a.name)! };
    else if (backtick(a.name) !== undefined) env[a.name] = backtick(a.name)!;
  }

  const attributes = recipe.attributes.map((
    a,
  ) => (typeof a === "string"
    ? [a, undefined] as const
    : Object.entries(a)[0] ?? ["", undefined] as const)
  );
  let cwd = input.cwd;
  let confirm = false;
  for (const [attr, value] of attributes) {
    if (attr === "working-directory") cwd = String(value);
    else if (attr === "no-cd") {
      notes.push("[no-cd]: wst runs the recipe in its root, not where wst was started");
    } else if (attr === "private") {
      todos.push({ at: where, message: "[private]: wst has no private tasks; the task is listed" });
    } else if (attr === "confirm") confirm = true;
    else if (attr === "no-exit-message" || attr === "doc" || attr === "group") continue;
    else {todos.push({
        at: where,
        message: `Attribute [${attr}${
          value === undefined ? "" : `: ${JSON.stringify(value)}`
        }] has no wst form`,
      });}
  }
  if (confirm) todos.push({ at: where, message: "[confirm]: wst does not ask before running" });
  if (recipe.private && !attributes.some(([a]) => a === "private")) {
    todos.push({
      at: where,
      message: `Recipe ${
        JSON.stringify(recipe.name)
      } is private (leading "_"): wst has no private tasks`,
    });
  }

  const lineText = (fragments: unknown[], lineNo: number) => {
    const exprs: TemplateRef[] = [];
    let text = "";
    for (const fragment of fragments) {
      if (typeof fragment === "string") {
        text += fragment;
        continue;
      }
      const expr = Array.isArray(fragment) ? fragment[0] : undefined;
      const name = Array.isArray(expr) && expr[0] === "variable" ? String(expr[1]) : undefined;
      if (name !== undefined && variadic?.name === name) {
        exprs.push({ kind: "argv" });
      } else if (
        name !== undefined &&
        (args.has(name) || varArg(name) !== undefined || backtick(name) !== undefined)
      ) {
        exprs.push({ kind: "var", name });
      } else {
        todos.push({
          at: input.lineAfter(where, lineNo),
          message: `Interpolation ${JSON.stringify(expr)} has no wst form: left out of the line`,
        });
        continue;
      }
      text += `\u0000${exprs.length - 1}\u0000`;
    }
    return { text, exprs };
  };

  const steps: StepPlan[] = [];
  const stepEnv = (refs: readonly TemplateRef[]) => {
    const e: Record<string, ValueSource> = { ...env };
    for (const ref of refs) {
      if (ref.kind === "var") e[envNameOf(ref.name)] = valueOfVar(ref.name);
    }
    return e;
  };
  const afterDeps = recipe.dependencies.slice(recipe.priors);
  const priorDeps = recipe.dependencies.slice(0, recipe.priors);
  const deps: string[] = [];
  for (const dep of priorDeps) {
    if (dep.arguments.length > 0) {
      steps.push(depCall(dep, where, todos, input.module));
    } else deps.push(recipeRef(dep.recipe, input.module));
  }
  if (recipe.shebang) {
    const lines = recipe.body.map((fragments, i) => lineText(fragments, i + 1));
    if (lines.some((l) => l.exprs.length > 0)) {
      todos.push({
        at: where,
        message:
          "Interpolations in a shebang recipe are not converted (they would be another language's code): they are left out; read the values from env vars instead",
      });
    }
    const body = lines.map((l) => l.text.replace(MARK, "")).join("\n");
    const interpreter = (body.split("\n")[0] ?? "").replace(/^#!\s*/, "").split(/\s+/).filter(
      Boolean,
    );
    const program = interpreter[0] === "/usr/bin/env" ? interpreter[1] : interpreter[0];
    let delimiter = "WST_RECIPE";
    while (body.split("\n").includes(delimiter)) delimiter += "_";
    steps.push({
      kind: "script",
      source:
        `wst_script=$(mktemp)\ntrap 'rm -f "$wst_script"' EXIT\ncat >"$wst_script" <<'${delimiter}'\n${body}\n${delimiter}\nchmod +x "$wst_script"\n"$wst_script" "$@"\n`,
      at: where,
      ...(cwd === "" ? {} : { cwd }),
      env: { ...env },
      argv: variadic !== undefined,
      ignoreError: false,
      echo: false,
      ...(program === undefined
        ? {}
        : { interpreter: interpreter[0] === "/usr/bin/env" ? ["env", program] : [program] }),
    });
  } else {
    recipe.body.forEach((fragments, i) => {
      const line = lineText(fragments, i + 1);
      let text = line.text;
      let quiet = recipe.quiet || input.quietAll;
      let ignoreError = false;
      // just's line prefixes: `@` flips echoing, `-` keeps going on failure (in either order).
      for (let n = 0; n < 2; n++) {
        if (text.startsWith("@")) {
          quiet = !quiet;
          text = text.slice(1);
        } else if (text.startsWith("-")) {
          ignoreError = true;
          text = text.slice(1);
        }
      }
      if (text.trim() === "") return;
      const replaced = replaceTemplates(text, {
        pattern: MARK,
        read: (inner) => line.exprs[Number(inner)],
      });
      steps.push({
        kind: "script",
        source: replaced.source,
        at: input.lineAfter(where, i + 1),
        ...(cwd === "" ? {} : { cwd }),
        env: stepEnv(replaced.refs),
        argv: replaced.refs.some((r) => r.kind === "argv"),
        ignoreError,
        echo: !quiet,
      });
    });
  }
  for (const dep of afterDeps) steps.push(depCall(dep, where, todos, input.module));
  const permissions = inferPermissions([...computed.map(asCheck), ...steps], {
    root: input.root,
    folder: input.module.folder,
    dotenv: input.dotenv,
    cwd,
  });
  const name = recipeRef(recipe.name, input.module);
  if (name !== `${input.module.prefix}${recipe.name}`) {
    todos.push({
      at: where,
      message: `Recipe name ${JSON.stringify(recipe.name)} is not a wst name: renamed to ${
        JSON.stringify(name)
      }`,
    });
  }
  return {
    name,
    dir: input.module.folder,
    namespace: input.module.namespace,
    file: "",
    at: where,
    description: oneLine(recipe.doc ?? `Converted from ${where}`),
    args: [...args.values()],
    deps,
    sources: [],
    outputs: [],
    dotenv: input.dotenv,
    steps,
    computed,
    permissions,
    todos,
    notes,
  };
}

/** A backtick variable's command, seen as a step for the permissions it needs. */
function asCheck(c: ComputedPlan): StepPlan {
  return { kind: "check", source: c.source, at: c.at, message: "", env: c.env };
}

/** A recipe's task name, or a reference to one, in its module's folder and namespace. */
export function recipeRef(recipe: string, module: ModuleInput): string {
  // `web::build` (a module's recipe) is `web:build` in wst.
  return wstName(`${module.prefix}${recipe.replaceAll("::", ":")}`, {
    topLevel: module.namespace === "",
  });
}

function depCall(
  dep: { recipe: string; arguments: unknown[] },
  where: string,
  todos: ImportTodo[],
  module: ModuleInput,
): StepPlan {
  const args: Record<string, ValueSource> = {};
  if (dep.arguments.length > 0) {
    todos.push({
      at: where,
      message: `Dependency ${JSON.stringify(dep.recipe)} with arguments ${
        JSON.stringify(dep.arguments)
      }: pass them by flag name in the runTask call`,
    });
  }
  return {
    kind: "task",
    name: recipeRef(dep.recipe, module),
    at: where,
    args,
    ignoreError: false,
  };
}
