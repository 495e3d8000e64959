import type { ProjectMetadata } from "../config/mod.ts";
import {
  pathExists as exists,
  readDirSorted as list,
  readTextFileOrNull as readText,
} from "../fs/mod.ts";
import { projectNameSchema } from "../config/mod.ts";
import {
  CODEV_KINDS,
  KIRO_ARTIFACTS,
  KIRO_SPECS_DIR,
  kiroLinkTarget,
  pointerPath,
  PROJECTS_DIR,
  renderPointer,
  titleOf,
} from "./layout.ts";

/** One step of a migration. Paths are relative to the workspace root. */
export type Step =
  | { op: "mkdir"; path: string }
  | { op: "move"; from: string; to: string }
  | { op: "rmdir"; path: string }
  | { op: "symlink"; path: string; target: string }
  | { op: "write"; path: string; text: string }
  | { op: "gitignore"; before: string | null; after: string };

/** A project found in an old layout. */
export interface Source {
  name: string;
  format: "kiro" | "codev";
  /** Files to move: source path → path inside the project folder. */
  files: Array<{ from: string; to: string }>;
  /** Kiro: the source folders, deepest first (removed once empty). */
  dirs: string[];
  codevNumber?: string;
}

/** What a migration would do, or why it cannot start. */
export interface MigrationPlan {
  sources: Source[];
  conflicts: string[];
  steps: Step[];
}

const GITIGNORE = ".gitignore";
const IGNORE_LINE = `${PROJECTS_DIR}/`;
const CODEV_FILE = /^(\d{4})-(.+)\.md$/;

/**
 * Finds the Kiro and Codev projects still in their old places, checks for
 * conflicts, and lists every step of their move into `.ai/projects/`:
 * folders, renames, the Kiro symlinks, Codev pointer files, metadata (with
 * timestamps from the files) and the `.gitignore` line. Reads only.
 *
 * @param root Absolute workspace root.
 * @returns The sources, the conflicts (nothing may move while there are any) and the steps.
 */
export async function planMigration(root: string): Promise<MigrationPlan> {
  const conflicts: string[] = [];
  const sources: Source[] = [];

  for (const entry of await list(`${root}/${KIRO_SPECS_DIR}`)) {
    const path = `${KIRO_SPECS_DIR}/${entry.name}`;
    if (entry.isSymlink) {
      const target = await Deno.readLink(`${root}/${path}`);
      if (target !== kiroLinkTarget(entry.name)) {
        conflicts.push(
          `${path} is a symlink to ${JSON.stringify(target)} where a project folder is expected`,
        );
      }
      continue; // already migrated
    }
    if (!entry.isDirectory) continue;
    const files: Source["files"] = [];
    const dirs: string[] = [];
    await collect(root, path, "", files, dirs, conflicts);
    sources.push({ name: entry.name, format: "kiro", files, dirs: [...dirs.reverse(), path] });
  }

  const codev = new Map<string, Source>();
  for (const kind of CODEV_KINDS) {
    for (const entry of await list(`${root}/${kind.dir}`)) {
      if (entry.name.endsWith(".link.md")) continue;
      const match = CODEV_FILE.exec(entry.name);
      if (!match) continue;
      const path = `${kind.dir}/${entry.name}`;
      if (!entry.isFile) {
        conflicts.push(`${path} is not a regular file`);
        continue;
      }
      const [, number, name] = match as unknown as [string, string, string];
      const source = codev.get(name) ??
        { name, format: "codev", files: [], dirs: [], codevNumber: number };
      if (source.codevNumber !== number) {
        conflicts.push(
          `Codev project ${
            JSON.stringify(name)
          } has two numbers: ${source.codevNumber} and ${number}`,
        );
      }
      source.files.push({ from: path, to: kind.artifact });
      codev.set(name, source);
    }
  }
  const kiroNames = new Set(sources.map((s) => s.name));
  for (const source of codev.values()) {
    if (kiroNames.has(source.name)) {
      conflicts.push(
        `Project ${
          JSON.stringify(source.name)
        } exists in both formats (${KIRO_SPECS_DIR}/${source.name} and codev/)`,
      );
    }
    sources.push(source);
  }
  sources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const source of sources) {
    const reason = nameProblem(source.name);
    if (reason) conflicts.push(`Cannot migrate ${JSON.stringify(source.name)}: ${reason}`);
    await checkTarget(root, source, conflicts);
  }
  if (await isSymlink(`${root}/.ai`) || await isSymlink(`${root}/${PROJECTS_DIR}`)) {
    conflicts.push(`${PROJECTS_DIR} (or .ai) is a symlink where a folder is expected`);
  }
  if (conflicts.length > 0 || sources.length === 0) return { sources, conflicts, steps: [] };
  return { sources, conflicts, steps: await stepsFor(root, sources) };
}

async function stepsFor(root: string, sources: Source[]): Promise<Step[]> {
  const steps: Step[] = [];
  if (!(await exists(`${root}/.ai`))) steps.push({ op: "mkdir", path: ".ai" });
  if (!(await exists(`${root}/${PROJECTS_DIR}`))) steps.push({ op: "mkdir", path: PROJECTS_DIR });
  for (const source of sources) {
    const dir = `${PROJECTS_DIR}/${source.name}`;
    const meta = await metadataFor(root, source);
    if (!(await exists(`${root}/${dir}`))) steps.push({ op: "mkdir", path: dir });
    const subdirs = new Set<string>();
    for (const file of source.files) {
      const parts = file.to.split("/").slice(0, -1);
      for (let i = 1; i <= parts.length; i++) subdirs.add(parts.slice(0, i).join("/"));
    }
    for (const sub of [...subdirs].sort()) {
      if (!(await exists(`${root}/${dir}/${sub}`))) {
        steps.push({ op: "mkdir", path: `${dir}/${sub}` });
      }
    }
    for (const file of source.files) {
      steps.push({ op: "move", from: file.from, to: `${dir}/${file.to}` });
    }
    if (source.format === "kiro") {
      for (const path of source.dirs) steps.push({ op: "rmdir", path });
      steps.push({
        op: "symlink",
        path: `${KIRO_SPECS_DIR}/${source.name}`,
        target: kiroLinkTarget(source.name),
      });
    } else {
      for (const kind of CODEV_KINDS) {
        if (meta.artifacts.includes(kind.artifact)) {
          steps.push({
            op: "write",
            path: pointerPath(meta, kind),
            text: renderPointer(meta, kind),
          });
        }
      }
    }
    steps.push({
      op: "write",
      path: `${dir}/metadata.json`,
      text: JSON.stringify(meta, null, 2) + "\n",
    });
  }
  const before = await readText(`${root}/${GITIGNORE}`);
  if (!ignores(before ?? "")) {
    const text = before ?? "";
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    steps.push({ op: "gitignore", before, after: `${text}${sep}${IGNORE_LINE}\n` });
  }
  return steps;
}

/** metadata.json for a source, with timestamps from its files (oldest and newest mtime). */
async function metadataFor(root: string, source: Source): Promise<ProjectMetadata> {
  let oldest = Infinity;
  let newest = 0;
  for (const file of source.files) {
    const info = await Deno.lstat(`${root}/${file.from}`);
    const born = info.birthtime?.getTime() ?? info.mtime?.getTime() ?? Date.now();
    const changed = info.mtime?.getTime() ?? born;
    oldest = Math.min(oldest, born, changed);
    newest = Math.max(newest, changed);
  }
  if (!Number.isFinite(oldest)) oldest = newest = Date.now();
  const iso = (ms: number) =>
    new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
  const top = source.files.map((f) => f.to).filter((t) => !t.includes("/"));
  const known: readonly string[] = source.format === "kiro"
    ? KIRO_ARTIFACTS
    : CODEV_KINDS.map((k) => k.artifact);
  const artifacts = [
    ...known.filter((a) => top.includes(a)),
    ...top.filter((a) => !known.includes(a) && a !== "metadata.json").sort(),
  ];
  const has = (a: string) => artifacts.includes(a);
  const status = source.format === "codev"
    ? has("review.md") ? "complete" : has("plan.md") ? "in-progress" : "draft"
    : has("tasks.md") || has("design.md")
    ? "in-progress"
    : "draft";
  return {
    name: source.name,
    displayName: titleOf(source.name),
    created: iso(oldest),
    updated: iso(newest),
    format: source.format,
    artifacts,
    status,
    ...(source.codevNumber ? { codevNumber: source.codevNumber } : {}),
  };
}

async function checkTarget(root: string, source: Source, conflicts: string[]): Promise<void> {
  const dir = `${PROJECTS_DIR}/${source.name}`;
  if (!(await exists(`${root}/${dir}`))) return;
  if (await isSymlink(`${root}/${dir}`)) {
    conflicts.push(`${dir} is a symlink where a folder is expected`);
    return;
  }
  // A target that holds exactly the source's bytes is a copy that was not finished; anything else
  // in it is someone's work.
  const expected = new Map(source.files.map((f) => [f.to, f.from]));
  const present: Source["files"] = [];
  await collect(root, dir, "", present, [], conflicts);
  for (const file of present) {
    const from = expected.get(file.to);
    if (from === undefined) {
      if (file.to === "metadata.json") continue;
      conflicts.push(
        `${dir} already holds ${file.to}, which is not part of ${
          JSON.stringify(source.name)
        } in its old place`,
      );
    } else if (!(await sameBytes(`${root}/${from}`, `${root}/${file.from}`))) {
      conflicts.push(`${dir}/${file.to} already exists with different content than ${from}`);
    }
  }
}

async function collect(
  root: string,
  dir: string,
  rel: string,
  files: Source["files"],
  dirs: string[],
  conflicts: string[],
): Promise<void> {
  for (const entry of await list(`${root}/${dir}${rel ? `/${rel}` : ""}`)) {
    const sub = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory) {
      dirs.push(`${dir}/${sub}`);
      await collect(root, dir, sub, files, dirs, conflicts);
    } else if (entry.isFile || entry.isSymlink) {
      files.push({ from: `${dir}/${sub}`, to: sub });
    } else {
      conflicts.push(`${dir}/${sub} is neither a file nor a folder`);
    }
  }
}

/** Why a name cannot be a project name, or undefined. */
export function nameProblem(name: string): string | undefined {
  if (name.includes("\0") || name.includes("/") || name.includes("\\") || name.includes("..")) {
    return 'it must not contain "/", "\\", ".." or NUL';
  }
  const parsed = projectNameSchema.safeParse(name);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/** Whether `.gitignore` text already ignores `.ai/projects/`. */
export function ignores(text: string): boolean {
  return text.split(/\r?\n/).map((l) => l.trim())
    .some((l) => [IGNORE_LINE, PROJECTS_DIR, `/${IGNORE_LINE}`, `/${PROJECTS_DIR}`].includes(l));
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSymlink;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Whether two files hold the same bytes (symlinks: the same target). */
export async function sameBytes(a: string, b: string): Promise<boolean> {
  const [la, lb] = await Promise.all([Deno.lstat(a), Deno.lstat(b)]);
  if (la.isSymlink || lb.isSymlink) {
    return la.isSymlink && lb.isSymlink && (await Deno.readLink(a)) === (await Deno.readLink(b));
  }
  if (la.size !== lb.size) return false;
  const [x, y] = await Promise.all([Deno.readFile(a), Deno.readFile(b)]);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}

export { exists, readText };
