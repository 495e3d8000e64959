import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import {
  CODEV_KINDS,
  KIRO_ARTIFACTS,
  KIRO_SPECS_DIR,
  listProjects,
  pointerPath,
  PROJECTS_DIR,
  renderPointer,
} from "../lib/projects/mod.ts";
import type { ProjectMetadata } from "../lib/config/mod.ts";
import { writeTextFileAtomic } from "../lib/fs/mod.ts";

/** One file `pointers` wrote, removed, or (with `--check`) found out of date. */
export interface PointerChange {
  path: string;
  /** What is (or was) wrong with it. */
  problem: "missing" | "differs" | "unexpected" | "metadata out of date";
  /** What was done: nothing with `--check`. */
  action: "written" | "removed" | "none";
}

/** The result of pointers. */
export interface PointersResult {
  check: boolean;
  changes: PointerChange[];
}

export default defineTask({
  name: "pointers",
  description:
    "Regenerate Codev pointer files and metadata from .ai/projects (--check: verify only)",
  args: z.object({
    check: z._default(z.boolean(), false).check(
      z.describe(
        "Change nothing; fail when a pointer file or metadata.json is missing, stale or edited by hand",
      ),
    ),
  }),
  permissions: (a) => ({
    read: [PROJECTS_DIR, KIRO_SPECS_DIR, "codev"],
    write: a.check ? [] : [PROJECTS_DIR, "codev"],
  }),
  async run(ctx, a): Promise<PointersResult> {
    const changes: PointerChange[] = [];
    const act = async (change: Omit<PointerChange, "action">, apply: () => Promise<void>) => {
      if (!a.check) await apply();
      changes.push({
        ...change,
        action: a.check ? "none" : change.problem === "unexpected" ? "removed" : "written",
      });
    };
    const listing = await listProjects(ctx.root);
    for (const project of listing.projects) {
      if (project.metadata === null) continue; // list-projects reports it
      const dir = `${ctx.root}/${PROJECTS_DIR}/${project.name}`;
      const meta = await followFiles(dir, project.metadata);
      if (meta !== project.metadata) {
        const path = `${PROJECTS_DIR}/${project.name}/metadata.json`;
        await act(
          { path, problem: "metadata out of date" },
          // Only these two keys change: the rest of the file (unknown keys too) is kept as is.
          async () => {
            const raw = JSON.parse(await Deno.readTextFile(`${ctx.root}/${path}`));
            const next = { ...raw, artifacts: meta.artifacts, updated: meta.updated };
            await writeTextFileAtomic(`${ctx.root}/${path}`, JSON.stringify(next, null, 2) + "\n");
          },
        );
      }
      if (meta.format !== "codev") continue;
      for (const kind of CODEV_KINDS) {
        const path = pointerPath(meta, kind);
        const current = await readIfExists(`${ctx.root}/${path}`);
        if (!meta.artifacts.includes(kind.artifact)) {
          if (current !== undefined) {
            await act({ path, problem: "unexpected" }, () => Deno.remove(`${ctx.root}/${path}`));
          }
          continue;
        }
        const wanted = renderPointer(meta, kind);
        if (current === wanted) continue;
        await act({ path, problem: current === undefined ? "missing" : "differs" }, async () => {
          await Deno.mkdir(`${ctx.root}/${kind.dir}`, { recursive: true });
          await writeTextFileAtomic(`${ctx.root}/${path}`, wanted);
        });
      }
    }
    return { check: a.check, changes };
  },
  render(result) {
    if (result.changes.length === 0) return "Pointer files and metadata are up to date";
    const verb = (c: PointerChange) =>
      c.action === "none" ? "out of date" : c.action === "removed" ? "removed" : "written";
    return result.changes.map((c) => `${c.path}: ${c.problem} (${verb(c)})`).join("\n");
  },
  failed: (result) => result.check && result.changes.length > 0,
});

/**
 * The metadata with `artifacts` and `updated` following the files: the
 * format's artifacts that exist, and the newest modification time when it is
 * later than `updated`. Returns the same object when nothing changed.
 */
async function followFiles(dir: string, meta: ProjectMetadata): Promise<ProjectMetadata> {
  const known = meta.format === "codev" ? CODEV_KINDS.map((k) => k.artifact) : [...KIRO_ARTIFACTS];
  const present: string[] = [];
  let newest = Date.parse(meta.updated);
  for (const artifact of known) {
    try {
      const info = await Deno.stat(`${dir}/${artifact}`);
      if (!info.isFile) continue;
      present.push(artifact);
      if (info.mtime && info.mtime.getTime() > newest) newest = info.mtime.getTime();
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  // Artifacts the format does not know (migrated extras) stay listed while they exist.
  for (const artifact of meta.artifacts) {
    if (!known.includes(artifact) && !present.includes(artifact)) {
      if (await readIfExists(`${dir}/${artifact}`) !== undefined) present.push(artifact);
    }
  }
  const updated = newest > Date.parse(meta.updated)
    ? new Date(Math.floor(newest / 1000) * 1000).toISOString().replace(".000Z", "Z")
    : meta.updated;
  const same = updated === meta.updated && present.length === meta.artifacts.length &&
    present.every((a) => meta.artifacts.includes(a));
  return same ? meta : { ...meta, artifacts: present, updated };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw err;
  }
}
