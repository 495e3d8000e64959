// justfile → task plans, from `just --dump --dump-format json` (just's own
// parser: wst never parses a justfile itself); each recipe by `_justfile_recipe.ts`.
import type { ImportPlan } from "./_plan.ts";
import { joinRelative, relativePath, wstName } from "./_paths.ts";
import { resolvePath } from "../_path.ts";
import { convertRecipe, type Dump, type ModuleInput } from "./_justfile_recipe.ts";

/**
 * Converts the JSON dump of a justfile into task plans (all in the import root).
 *
 * @param dump What `just --dump --dump-format json` printed.
 * @param options `source`: the justfile's path relative to the root, for
 * messages; `root`: the import root (absolute), where dotenv files are read.
 * @returns The plan.
 */
export function planJustfile(
  dump: unknown,
  options: { source: string; root: string; text?: string },
): ImportPlan {
  const plan: ImportPlan = {
    kind: "justfile",
    source: options.source,
    tasks: [],
    namespaces: {},
    todos: [],
  };
  const rootFile = (dump as { source?: unknown }).source;
  const rootDir = typeof rootFile === "string" ? resolvePath(rootFile, "..") : options.root;
  convertModule(dump as Dump, plan, {
    root: options.root,
    source: options.source,
    text: options.text ?? "",
    namespace: "",
    folder: relativePath(options.root, rootDir),
    prefix: "",
    cwd: "",
    usedFolders: new Set([relativePath(options.root, rootDir)]),
  });
  return plan;
}

/**
 * Converts one justfile's dump into the plan, and its modules (`mod x`) as
 * namespaces: a module in a folder of its own gets an alias to it (its
 * recipes run there, as just runs them), one beside its parent gets
 * `x:`-prefixed names in its parent's folder.
 */
function convertModule(d: Dump, plan: ImportPlan, options: ModuleInput): void {
  // just's dump has no positions: a recipe's or a variable's line is where its name starts a
  // line of the file (a search, not a parse), else the file with the recipe named.
  const lines = options.text.split("\n");
  const at = (what: string) => {
    const name = /^(?:recipe |alias |mod |set )?(.*?)(?: :=)?$/.exec(what)![1]!.replace(
      /[.*+?^${}()|[\]\\]/g,
      "\\$&",
    );
    const pattern = what.startsWith("recipe ")
      ? new RegExp(`^@?${name}(?=[\\s:])`)
      : what.startsWith("set ")
      ? new RegExp(`^set\\s+${name}\\b`)
      : what.startsWith("alias ") || what.startsWith("mod ")
      ? new RegExp(`^${what.split(" ")[0]}\\s+${name}\\b`)
      : new RegExp(`^(?:export\\s+)?${name}\\s*:=`);
    const index = lines.findIndex((line) => pattern.test(line));
    return index === -1 ? `${options.source} (${what})` : `${options.source}:${index + 1}`;
  };
  const lineAfter = (where: string, n: number) => {
    const m = /^(.*):(\d+)$/.exec(where);
    return m ? `${m[1]}:${Number(m[2]) + n}` : `${where} line ${n}`;
  };
  const settings = d.settings ?? {};
  for (const [key, value] of Object.entries(settings)) {
    if (
      ["dotenv_load", "dotenv_filename", "dotenv_path", "export", "quiet", "working_directory"]
        .includes(key)
    ) continue;
    const isDefault = value === false || value === null ||
      (Array.isArray(value) && value.length === 0);
    if (
      !isDefault &&
      !["allow_duplicate_recipes", "allow_duplicate_variables", "unstable", "default_list"]
        .includes(key)
    ) {
      plan.todos.push({
        at: at(`set ${key.replaceAll("_", "-")}`),
        message: `Setting ${JSON.stringify(key.replaceAll("_", "-"))} = ${
          JSON.stringify(value)
        } has no wst form`,
      });
    }
  }
  for (const [name, module] of Object.entries(d.modules ?? {})) {
    convertSubmodule(name, module as Dump, plan, options, at(`mod ${name}`));
  }
  for (const alias of Object.values(d.aliases ?? {})) {
    plan.todos.push({
      at: at(`alias ${alias.name}`),
      message: `Alias ${JSON.stringify(alias.name)} of ${
        JSON.stringify(alias.target)
      }: wst has no aliases`,
    });
  }
  const dotenv = settings.dotenv_load === true
    ? [String(settings.dotenv_path ?? settings.dotenv_filename ?? ".env")]
    : [];
  const exportAll = settings.export === true;
  for (const a of Object.values(d.assignments ?? {})) {
    const backtick = Array.isArray(a.value) && a.value[0] === "evaluate";
    if ((a.export || exportAll) && typeof a.value !== "string" && !backtick) {
      plan.todos.push({
        at: at(`${a.name} :=`),
        message: `Exported variable ${
          JSON.stringify(a.name)
        } is an expression: not passed to any recipe; compute it in run()`,
      });
    }
  }
  const cwd = typeof settings.working_directory === "string"
    ? joinRelative(options.cwd, settings.working_directory)
    : options.cwd;
  for (const recipe of Object.values(d.recipes ?? {})) {
    plan.tasks.push(
      convertRecipe(recipe, {
        module: options,
        lineAfter,
        d,
        at,
        dotenv,
        exportAll,
        cwd,
        root: options.root,
        quietAll: settings.quiet === true,
      }),
    );
  }
}

function convertSubmodule(
  name: string,
  module: Dump,
  plan: ImportPlan,
  parent: ModuleInput,
  where: string,
): void {
  const file = typeof module.source === "string" ? module.source : undefined;
  if (file === undefined) {
    plan.todos.push({
      at: where,
      message: `Module ${JSON.stringify(name)} has no source file: not converted`,
    });
    return;
  }
  const alias = wstName(name, { topLevel: parent.namespace === "" });
  const dir = resolvePath(file, "..");
  const folder = relativePath(parent.root, dir);
  const own = parent.prefix === "" && !folder.startsWith("..") && !parent.usedFolders.has(folder);
  let text = "";
  try {
    text = Deno.readTextFileSync(file);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const full = parent.namespace === "" ? alias : `${parent.namespace}:${alias}`;
  if (own) {
    parent.usedFolders.add(folder);
    (plan.namespaces as Record<string, string>)[full] = folder;
  }
  convertModule(module, plan, {
    root: parent.root,
    source: relativePath(parent.root, file),
    text,
    namespace: own ? full : parent.namespace,
    folder: own ? folder : parent.folder,
    prefix: own ? "" : `${parent.prefix}${alias}:`,
    cwd: own ? "" : relativePath(resolvePath(parent.root, parent.folder), dir),
    usedFolders: parent.usedFolders,
  });
}
