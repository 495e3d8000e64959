/**
 * Importers: a go-task Taskfile (with its includes) or a justfile (through
 * `just --dump --dump-format json`) becomes task modules under the right
 * folders' `.wst/tasks/`, plus namespace aliases in the root's
 * `.wst/config.json`. Plans first (`--dry-run` stops there), then every
 * module is rendered and formatted, and only then written, atomically;
 * nothing existing is replaced without `--force`.
 *
 * @module
 */
import { UsageError, WstError } from "../errors/mod.ts";
import { pathExists, writeTextFileAtomic } from "../fs/mod.ts";
import { resolvePath } from "../_path.ts";
import type { ImportPlan, ImportTodo, PermissionPlan } from "./_plan.ts";
import { planTaskfile } from "./_taskfile.ts";
import { planJustfile } from "./_justfile.ts";
import { renderTask } from "./_render.ts";
import { joinRelative, moduleFileName } from "./_paths.ts";
import { widenCallers } from "./_callers.ts";

export type { ImportPlan, ImportTodo } from "./_plan.ts";
export { planJustfile, planTaskfile, renderTask };

/** One module of an import, as reported. */
export interface ImportedTask {
  readonly task: string;
  /** The module's path relative to the root. */
  readonly file: string;
  /** Where the task was in the source (`Taskfile.yml:12`). */
  readonly from: string;
  readonly permissions: PermissionPlan;
  readonly todos: readonly ImportTodo[];
  readonly notes: readonly string[];
}

/** What an import did, or would do with `--dry-run`. */
export interface ImportResult {
  readonly kind: string;
  readonly source: string;
  readonly dryRun: boolean;
  readonly tasks: readonly ImportedTask[];
  /** The namespace aliases merged into `.wst/config.json`. */
  readonly namespaces: Readonly<Record<string, string>>;
  /** The config file written, relative to the root; undefined when none was needed. */
  readonly config?: string;
  /** Problems that belong to no one task (an include that cannot be followed). */
  readonly todos: readonly ImportTodo[];
  /** Set when the modules could not be formatted (no `deno` found): run `deno fmt` on them. */
  readonly unformatted?: string;
}

/** Options of {@linkcode writeImport}. */
export interface WriteImportOptions {
  /** Write nothing; report the plan. */
  dryRun?: boolean;
  /** Replace existing modules and conflicting namespace aliases. */
  force?: boolean;
  /** The importer's name for the modules' header (`wst import taskfile`). */
  tool: string;
  /** The `deno` binary that formats the modules (default: this one, else `deno` on PATH). */
  deno?: string;
  signal?: AbortSignal;
}

/**
 * Renders, formats and writes a plan's modules (atomically, each), then the
 * namespace aliases. Everything is checked before the first write: an
 * existing module or a conflicting alias without `force` writes nothing.
 *
 * @param root The import root (absolute).
 * @param plan The plan.
 * @param options Dry run, force, the tool's name.
 * @returns What was (or would be) written.
 * @throws {UsageError} When a module exists or an alias conflicts and `force` is not set.
 */
export async function writeImport(
  root: string,
  plan: ImportPlan,
  options: WriteImportOptions,
): Promise<ImportResult> {
  const taken = new Map<string, Set<string>>();
  const seen = new Map<string, string>();
  for (const task of plan.tasks) {
    const key = `${task.dir}\u0000${task.name}`;
    if (seen.has(key)) {
      throw new UsageError(
        `Task ${JSON.stringify(task.name)} is defined twice in ${
          JSON.stringify(task.dir || ".")
        }: ${seen.get(key)} and ${task.at}`,
      );
    }
    seen.set(key, task.at);
    const names = taken.get(task.dir) ?? new Set<string>();
    taken.set(task.dir, names);
    task.file = joinRelative(task.dir, ".wst/tasks", moduleFileName(task.name, names));
  }
  const configPath = ".wst/config.json";
  const config = await readConfig(resolvePath(root, configPath));
  const aliases: Record<string, string> = { ...(config.namespaces ?? {}) };
  const conflicts: string[] = [];
  for (const [alias, folder] of Object.entries(plan.namespaces)) {
    if (aliases[alias] !== undefined && aliases[alias] !== folder) {
      conflicts.push(
        `namespace ${JSON.stringify(alias)} is ${
          JSON.stringify(aliases[alias])
        } in ${configPath}, the import needs ${JSON.stringify(folder)}`,
      );
    }
    aliases[alias] = folder;
  }
  // A folder on the way that is a symbolic link would carry the writes out of the root.
  const refusals = new Set<string>();
  for (
    const file of [
      ...plan.tasks.map((t) => t.file),
      ...(Object.keys(plan.namespaces).length > 0 ? [configPath] : []),
    ]
  ) {
    const refusal = await unwritable(root, file);
    if (refusal !== undefined) refusals.add(refusal);
  }
  if (refusals.size > 0) {
    throw new UsageError(
      `Cannot import ${plan.source}: ${
        [...refusals].join("; ")
      }: wst import writes only into real folders under the root`,
    );
  }
  const existing: string[] = [];
  for (const task of plan.tasks) {
    if (await pathExists(resolvePath(root, task.file))) existing.push(task.file);
  }
  if (!options.force && (existing.length > 0 || conflicts.length > 0)) {
    const what = [...existing.map((f) => `${f} exists`), ...conflicts];
    throw new UsageError(
      `Cannot import ${plan.source}: ${
        what.join("; ")
      }: use --force to replace, or move them aside`,
    );
  }
  // A task a call starts runs with what both declare: callers declare what their callees need.
  widenCallers(plan.tasks);
  const result: ImportResult = {
    kind: plan.kind,
    source: plan.source,
    dryRun: options.dryRun === true,
    tasks: plan.tasks.map((t) => ({
      task: t.name,
      file: t.file,
      from: t.at,
      permissions: t.permissions,
      todos: t.todos,
      notes: t.notes,
    })),
    namespaces: plan.namespaces,
    ...(Object.keys(plan.namespaces).length > 0 ? { config: configPath } : {}),
    todos: plan.todos,
  };
  if (options.dryRun) return result;

  const rendered = plan.tasks.map((t) =>
    renderTask(t, { tool: options.tool, depth: t.dir === "" ? 0 : t.dir.split("/").length })
  );
  const deno = options.deno ?? findDeno();
  let formatted = rendered;
  let unformatted: string | undefined;
  if (deno === undefined) {
    unformatted = "No deno binary found to format the modules: run `deno fmt .wst` on them";
  } else {
    formatted = await formatAll(deno, root, rendered, options.signal);
  }
  for (const [i, task] of plan.tasks.entries()) {
    const path = resolvePath(root, task.file);
    await Deno.mkdir(resolvePath(path, ".."), { recursive: true });
    await writeTextFileAtomic(path, formatted[i]!);
  }
  if (Object.keys(plan.namespaces).length > 0) {
    const path = resolvePath(root, configPath);
    await Deno.mkdir(resolvePath(path, ".."), { recursive: true });
    await writeTextFileAtomic(
      path,
      `${JSON.stringify({ ...config, namespaces: aliases }, null, 2)}\n`,
    );
  }
  return unformatted === undefined ? result : { ...result, unformatted };
}

/**
 * Why `rel` cannot be written under `root`: its first component that is a
 * symbolic link (the file itself included: writing would replace the link),
 * or a `..` out of the root; undefined when it can. Components that do not exist yet end the walk: they will be
 * created as real folders.
 */
async function unwritable(root: string, rel: string): Promise<string | undefined> {
  let at = "";
  for (const part of rel.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return `${rel} is outside the root`;
    at = at === "" ? part : `${at}/${part}`;
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(resolvePath(root, at));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
    if (info.isSymlink) return `${at} is a symbolic link`;
  }
  return undefined;
}

async function readConfig(
  path: string,
): Promise<{ namespaces?: Record<string, string> } & Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`Cannot read ${path}: ${(err as Error).message}: fix it or move it aside`);
  }
  const namespaces = (value as { namespaces?: unknown } | null)?.namespaces;
  if (
    typeof value !== "object" || value === null || Array.isArray(value) ||
    (namespaces !== undefined &&
      (typeof namespaces !== "object" || namespaces === null || Array.isArray(namespaces)))
  ) {
    throw new UsageError(
      `Cannot read ${path}: expected { "namespaces": { "<alias>": "<folder>" } }`,
    );
  }
  return value as { namespaces?: Record<string, string> };
}

/** The deno that runs wst, else `deno` on PATH (the compiled wst is not one). */
function findDeno(): string | undefined {
  const self = Deno.execPath();
  if (/(^|[\\/])deno(\.exe)?$/.test(self)) return self;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    const candidate = `${dir}/deno`;
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Formats each module with `deno fmt -` in the root (the user's fmt settings apply). */
async function formatAll(
  deno: string,
  root: string,
  sources: readonly string[],
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const out: string[] = new Array(sources.length);
  let next = 0;
  const worker = async () => {
    while (next < sources.length) {
      const i = next++;
      const child = new Deno.Command(deno, {
        args: ["fmt", "--ext=ts", "-"],
        cwd: root,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        ...(signal === undefined ? {} : { signal }),
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(sources[i]!));
      await writer.close();
      const { code, stdout, stderr } = await child.output();
      if (code !== 0) {
        throw new WstError(
          `Cannot format a generated module (a bug in the importer): ${
            new TextDecoder().decode(stderr).trim()
          }`,
        );
      }
      out[i] = new TextDecoder().decode(stdout);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return out;
}

/**
 * Runs `just --dump --dump-format json` on a justfile and returns the dump.
 *
 * @param justfile The justfile (absolute).
 * @param just The just binary.
 * @returns The parsed dump.
 * @throws {UsageError} When just is missing or refuses the file (its message included).
 */
export async function dumpJustfile(justfile: string, just: string): Promise<unknown> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(just, {
      args: [
        "--justfile",
        justfile,
        "--working-directory",
        resolvePath(justfile, ".."),
        "--dump",
        "--dump-format",
        "json",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(
        `Cannot run ${
          JSON.stringify(just)
        }: not found: install just, or give its path with --just (a wst checkout has one: sh scripts/just.sh --path)`,
      );
    }
    throw err;
  }
  if (!output.success) {
    throw new UsageError(
      `just cannot read ${justfile}: ${new TextDecoder().decode(output.stderr).trim()}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(output.stdout));
}
