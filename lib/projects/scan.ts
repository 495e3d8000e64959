import { parseConfig, type ProjectMetadata, projectMetadataSchema } from "../config/mod.ts";
import { ConfigError, formatIssue } from "../errors/mod.ts";
import { readDirSorted as entries } from "../fs/mod.ts";
import {
  CODEV_KINDS,
  KIRO_SPECS_DIR,
  kiroLinkTarget,
  pointerPath,
  PROJECTS_DIR,
  renderPointer,
} from "./layout.ts";

/** One project under `.ai/projects/`, as `list-projects` shows it. */
export interface ProjectEntry {
  name: string;
  displayName: string;
  format: "kiro" | "codev" | "unknown";
  status: string;
  artifacts: string[];
  /** The Codev number, or `null`. */
  number: string | null;
  /** What is broken about it (empty when healthy). */
  problems: string[];
  /** The parsed metadata, when it is valid. */
  metadata: ProjectMetadata | null;
}

/** A Kiro link or Codev pointer that belongs to no project. */
export interface Orphan {
  /** Its path, relative to the root. */
  path: string;
  problem: string;
}

/** Every project, and the links and pointers that lead nowhere. */
export interface ProjectListing {
  projects: ProjectEntry[];
  orphans: Orphan[];
}

/**
 * Reads `.ai/projects/` and checks each project against its format: the
 * metadata against its schema, the Kiro symlink, the Codev pointer files
 * (present and exactly as generated), the artifacts it lists. Also finds
 * Kiro symlinks pointing nowhere and pointer files whose project is missing.
 *
 * @param root Absolute workspace root.
 * @returns The projects (sorted by name) and the orphans.
 */
export async function listProjects(root: string): Promise<ProjectListing> {
  const names = await folders(`${root}/${PROJECTS_DIR}`);
  const projects = await Promise.all(names.map((name) => readProject(root, name)));
  const known = new Set(names);
  const orphans: Orphan[] = [];
  for (const entry of await entries(`${root}/${KIRO_SPECS_DIR}`)) {
    if (!entry.isSymlink) continue;
    const path = `${KIRO_SPECS_DIR}/${entry.name}`;
    try {
      await Deno.stat(`${root}/${path}`);
    } catch {
      orphans.push({ path, problem: `The symlink points nowhere (${await linkText(root, path)})` });
    }
  }
  for (const kind of CODEV_KINDS) {
    for (const entry of await entries(`${root}/${kind.dir}`)) {
      const match = /^\d{4}-(.+)\.link\.md$/.exec(entry.name);
      if (match && !known.has(match[1]!)) {
        orphans.push({
          path: `${kind.dir}/${entry.name}`,
          problem: `Pointer to a missing project: ${PROJECTS_DIR}/${match[1]}/ does not exist`,
        });
      }
    }
  }
  return { projects, orphans: orphans.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

async function readProject(root: string, name: string): Promise<ProjectEntry> {
  const dir = `${PROJECTS_DIR}/${name}`;
  const entry: ProjectEntry = {
    name,
    displayName: name,
    format: "unknown",
    status: "unknown",
    artifacts: [],
    number: null,
    problems: [],
    metadata: null,
  };
  let text: string;
  try {
    text = await Deno.readTextFile(`${root}/${dir}/metadata.json`);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) throw err;
    entry.problems.push(
      `${dir}/metadata.json cannot be read (${err instanceof Error ? err.message : err})`,
    );
    return entry;
  }
  let meta: ProjectMetadata;
  try {
    meta =
      (await parseConfig(`${dir}/metadata.json`, text, projectMetadataSchema, { format: "json" }))
        .data;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    entry.problems.push(...err.issues.map(formatIssue));
    return entry;
  }
  Object.assign(entry, {
    displayName: meta.displayName,
    format: meta.format,
    status: meta.status,
    artifacts: meta.artifacts,
    number: meta.codevNumber ?? null,
    metadata: meta,
  });
  if (meta.name !== name) {
    entry.problems.push(
      `metadata.json names ${JSON.stringify(meta.name)}, but the folder is ${JSON.stringify(name)}`,
    );
  }
  for (const artifact of meta.artifacts) {
    if (!(await isFile(`${root}/${dir}/${artifact}`))) {
      entry.problems.push(`${artifact} is listed in metadata.json but missing`);
    }
  }
  if (meta.format === "kiro") {
    const link = `${KIRO_SPECS_DIR}/${name}`;
    const target = await readLink(`${root}/${link}`);
    if (target === undefined) entry.problems.push(`The Kiro symlink ${link} is missing`);
    else if (target === null) entry.problems.push(`${link} is not a symlink`);
    else if (target !== kiroLinkTarget(name)) {
      entry.problems.push(
        `${link} points to ${JSON.stringify(target)}, expected ${
          JSON.stringify(kiroLinkTarget(name))
        }`,
      );
    }
  } else {
    for (const kind of CODEV_KINDS) {
      if (!meta.artifacts.includes(kind.artifact)) continue;
      const path = pointerPath(meta, kind);
      let current: string | undefined;
      try {
        current = await Deno.readTextFile(`${root}/${path}`);
      } catch (err) {
        if (err instanceof Deno.errors.NotCapable) throw err;
      }
      if (current === undefined) entry.problems.push(`The pointer file ${path} is missing`);
      else if (current !== renderPointer(meta, kind)) {
        entry.problems.push(`The pointer file ${path} is stale or was edited by hand`);
      }
    }
  }
  return entry;
}

async function folders(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.isDirectory).map((e) => e.name);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) throw err;
    return false;
  }
}

/** The link's target; `null` when the path is not a symlink; `undefined` when it does not exist. */
async function readLink(path: string): Promise<string | null | undefined> {
  try {
    const info = await Deno.lstat(path);
    return info.isSymlink ? await Deno.readLink(path) : null;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function linkText(root: string, path: string): Promise<string> {
  return `-> ${await Deno.readLink(`${root}/${path}`)}`;
}
