// Runs imported task modules in-process against the issue #14 contract, for the
// importer's tests: `ctx.script` runs bash (cwd, env, positional args, ignoreError),
// `ctx.runTask` and `deps` resolve names relative to the caller's namespace through
// the root's .wst/config.json. It stands in for the script and graph parts (built
// separately) so that converted tasks can be compared with go-task's and just's
// documented output in this branch; tests/import_test.ts runs the same through the CLI.
import { build$, CommandBuilder } from "dax";
import { testContext } from "../lib/task/testing.ts";
import type { ScriptOptions } from "../lib/task/context.ts";
import { SubtaskFailedError, WstError } from "../lib/errors/mod.ts";
import { REPO_ROOT } from "../scripts/runtime_flags.ts";
import { assert, assertEquals } from "./assert.ts";

interface Loaded {
  // deno-lint-ignore no-explicit-any
  definition: any;
  folder: string;
  namespace: string;
}

/** Every imported task under `root`, by full name (`seed:status`). */
export async function loadImported(root: string): Promise<Map<string, Loaded>> {
  let aliases: Record<string, string> = {};
  try {
    aliases = JSON.parse(await Deno.readTextFile(`${root}/.wst/config.json`)).namespaces ?? {};
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  // One namespace per folder: the longest alias naming it (the include's own name).
  const folders = new Map<string, string>([["", ""]]);
  for (const [alias, folder] of Object.entries(aliases)) {
    if (!folders.has(folder) || alias.length > folders.get(folder)!.length) {
      folders.set(folder, alias);
    }
  }
  const tasks = new Map<string, Loaded>();
  for (const [folder, namespace] of folders) {
    const dir = `${root}/${folder ? `${folder}/` : ""}.wst/tasks`;
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".ts")) continue;
      const module = await import(`file://${dir}/${entry.name}`);
      const definition = module.default;
      const loaded = { definition, folder, namespace };
      tasks.set(namespace === "" ? definition.name : `${namespace}:${definition.name}`, loaded);
      for (const [alias, f] of Object.entries(aliases)) {
        if (f === folder && alias !== namespace) tasks.set(`${alias}:${definition.name}`, loaded);
      }
    }
  }
  return tasks;
}

/** What a run printed: every script's stdout, in order, and the log lines. */
export interface HarnessRun {
  stdout: string;
  logs: string[];
  /** What the task threw, if it failed (the output up to then is kept). */
  error?: unknown;
}

/**
 * Runs an imported task (its deps first, each task at most once) as wst
 * would, collecting the scripts' output.
 */
export async function runImported(
  root: string,
  name: string,
  options: { args?: Record<string, unknown>; argv?: readonly string[] } = {},
): Promise<HarnessRun> {
  const tasks = await loadImported(root);
  const out: HarnessRun = { stdout: "", logs: [] };
  const done = new Set<string>();
  const qualify = (namespace: string, ref: string) =>
    ref.startsWith(":") ? ref.slice(1) : namespace === "" ? ref : `${namespace}:${ref}`;
  const run = async (full: string, args: Record<string, unknown>, argv: readonly string[]) => {
    const task = tasks.get(full);
    if (task === undefined) throw new Error(`No imported task ${JSON.stringify(full)}`);
    for (const dep of task.definition.deps ?? []) {
      const target = qualify(task.namespace, dep);
      if (!done.has(target)) {
        done.add(target);
        await run(target, {}, []);
      }
    }
    const folder = `${root}/${task.folder}`.replace(/\/$/, "");
    // dotenv (contract): the files' values for the declared env vars; the process's env wins.
    const declared: Record<string, string> = {};
    for (const file of task.definition.dotenv ?? []) {
      const text = await Deno.readTextFile(`${folder}/${file}`).catch(() => "");
      for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/gm)) {
        declared[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, "$2");
      }
    }
    for (const name of task.definition.permissions?.env ?? []) {
      const value = Deno.env.get(name);
      if (value !== undefined) declared[name] = value;
    }
    for (const name of Object.keys(declared)) {
      if (!(task.definition.permissions?.env ?? []).includes(name)) delete declared[name];
    }
    // ctx.$ as the runtime builds it: the task's root, PATH and the declared env only.
    const $ = build$({
      commandBuilder: new CommandBuilder().clearEnv().env({
        PATH: Deno.env.get("PATH") ?? "",
        ...declared,
      }).cwd(folder),
    });
    const { ctx, logs } = testContext({
      $,
      root: folder,
      task: task.definition.name,
      argv,
      script: (source: string, opts: ScriptOptions = {}) =>
        script(folder, source, { ...opts, env: { ...declared, ...opts.env } }, out),
      runTask: async (ref, opts = {}) => {
        try {
          await run(qualify(task.namespace, ref), opts.args ?? {}, opts.argv ?? []);
        } catch (err) {
          throw new SubtaskFailedError({
            task: ref,
            subtaskKind: "task-failed",
            message: err instanceof Error ? err.message : String(err),
          });
        }
        return { value: null, text: "", failed: false };
      },
    });
    try {
      await task.definition.run(ctx, task.definition.args.parse(args));
    } finally {
      out.logs.push(...logs.map((l) => `${l.level}: ${l.message}`));
    }
  };
  try {
    await run(name, options.args ?? {}, options.argv ?? []);
  } catch (err) {
    out.error = err;
  }
  return out;
}

async function script(
  root: string,
  source: string,
  options: ScriptOptions,
  out: HarnessRun,
): Promise<{ code: number }> {
  const env: Record<string, string> = { PATH: Deno.env.get("PATH") ?? "", ...options.env };
  const result = await new Deno.Command("bash", {
    args: ["-c", source, "bash", ...(options.args ?? [])],
    cwd: options.cwd === undefined ? root : `${root}/${options.cwd}`,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  out.stdout += new TextDecoder().decode(result.stdout);
  if (result.code !== 0 && options.ignoreError !== true) {
    throw new WstError(`The script failed with exit code ${result.code}`);
  }
  return { code: result.code };
}

/** The files under `dir`, relative to it, sorted. */
export async function files(dir: string, under = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${under}`)) {
    const path = under === "" ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory) found.push(...await files(dir, path));
    else found.push(path);
  }
  return found.sort();
}

/** Every generated module under `dir` passes `deno check` (wst's import map) and `deno fmt --check`. */
export async function assertModulesCheck(dir: string): Promise<void> {
  const modules = (await files(dir)).filter((f) => /(^|\/)\.wst\/tasks\/[^/]+\.ts$/.test(f))
    .map((f) => `${dir}/${f}`);
  assert(modules.length > 0, `no modules under ${dir}`);
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", "--config", `${REPO_ROOT}/deno.json`, ...modules],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(check.code, 0, new TextDecoder().decode(check.stderr));
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--check", ...modules],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(fmt.code, 0, new TextDecoder().decode(fmt.stderr));
}
