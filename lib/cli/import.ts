// `wst import taskfile|justfile`: converts a go-task Taskfile or a justfile into task modules.
// A CLI command, not a built-in task: it reads files anywhere under the root, runs `just` and
// `deno fmt`, and writes modules into many folders; a sandboxed task would have to declare all
// of the workspace anyway, and its output is what the user reviews before trusting it.
import { UsageError } from "../errors/mod.ts";
import { resolvePath } from "../_path.ts";
import { type CliContext, type GlobalFlags, printResult } from "./_context.ts";
import type { ImportResult } from "../import/mod.ts";

/** The flags of `wst import <kind>`. */
export interface ImportFlags extends GlobalFlags {
  readonly file?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly just?: string;
}

/** The file each importer reads by default, first found wins. */
const DEFAULT_FILES: Record<string, readonly string[]> = {
  taskfile: [
    "Taskfile.yml",
    "taskfile.yml",
    "Taskfile.yaml",
    "taskfile.yaml",
    "Taskfile.dist.yml",
    "taskfile.dist.yml",
    "Taskfile.dist.yaml",
    "taskfile.dist.yaml",
  ],
  justfile: ["justfile", "Justfile", ".justfile"],
};

/**
 * `wst import taskfile|justfile [--file f] [--dry-run] [--force]`: plans the
 * modules, prints the plan (tasks, inferred permissions for review, what could
 * not be converted with `file:line`), and unless `--dry-run` writes them.
 */
export async function importCommand(
  this: CliContext,
  kind: "taskfile" | "justfile",
  flags: ImportFlags,
): Promise<void> {
  const { planTaskfile, planJustfile, dumpJustfile, writeImport } = await import(
    "../import/mod.ts"
  );
  const file = await sourceFile(this, kind, flags.file);
  if (!file.startsWith(`${this.root}/`)) {
    throw new UsageError(
      `Cannot import ${JSON.stringify(file)}: expected a file inside the root ${
        JSON.stringify(this.root)
      }: use --root to point at its repository`,
    );
  }
  const shown = file.slice(this.root.length + 1);
  const plan = kind === "taskfile"
    ? await planTaskfile(this.root, file)
    : planJustfile(await dumpJustfile(file, flags.just ?? "just"), {
      source: shown,
      text: await Deno.readTextFile(file),
      root: this.root,
    });
  const result = await writeImport(this.root, plan, {
    tool: `wst import ${kind}`,
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.force ? { force: true } : {}),
    signal: this.signal,
  });
  printResult(this, result, render(result));
}

async function sourceFile(ctx: CliContext, kind: string, given: string | undefined) {
  if (given !== undefined) {
    const path = resolvePath(ctx.base, given);
    if (!await isFile(path)) {
      throw new UsageError(`Cannot read --file ${JSON.stringify(given)}: no such file`);
    }
    return path;
  }
  for (const name of DEFAULT_FILES[kind]!) {
    const path = resolvePath(ctx.root, name);
    if (await isFile(path)) return path;
  }
  throw new UsageError(
    `No ${DEFAULT_FILES[kind]![0]} in ${
      JSON.stringify(ctx.root)
    }: give one with --file, or use --root`,
  );
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** The plan or the import for people: each module, its permissions, then every TODO. */
function render(result: ImportResult): string {
  const lines: string[] = [
    `${
      result.dryRun ? "Would write" : "Wrote"
    } ${result.tasks.length} task module(s) from ${result.source}:`,
  ];
  for (const t of result.tasks) {
    const p = t.permissions;
    const perms = [
      `run: ${p.run.join(", ") || "none"}`,
      ...(p.env.length > 0 ? [`env: ${p.env.join(", ")}`] : []),
      ...(p.net.length > 0 ? [`net: ${p.net.join(", ")}`] : []),
      ...(p.tasks.length > 0 ? [`tasks: ${p.tasks.join(", ")}`] : []),
      ...(p.read.length > 1 ? [`read/write: ${p.read.join(", ")}`] : []),
    ];
    lines.push(`  ${t.task}  ${t.file}  (${perms.join("; ")})`);
  }
  const aliases = Object.entries(result.namespaces);
  if (aliases.length > 0) {
    lines.push(`Namespaces in ${result.config}:`);
    for (const [alias, folder] of aliases) lines.push(`  ${alias} -> ${folder}`);
  }
  const todos = [...result.todos, ...result.tasks.flatMap((t) => t.todos)];
  if (todos.length > 0) {
    lines.push(`Not converted (${todos.length}; each is a TODO comment in its module):`);
    for (const todo of todos) lines.push(`  ${todo.at}: ${todo.message}`);
  }
  const notes = result.tasks.flatMap((t) => t.notes.map((n) => `${t.task}: ${n}`));
  for (const note of notes) lines.push(`note: ${note}`);
  if (result.unformatted) lines.push(`note: ${result.unformatted}`);
  lines.push(
    "Review the permissions (inferred from the commands), then approve them: wst trust <task>…",
  );
  return lines.join("\n");
}
