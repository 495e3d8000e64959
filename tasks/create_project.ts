import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import type { ProjectMetadata } from "../lib/config/mod.ts";
import { UsageError, WstError } from "../lib/errors/mod.ts";
import { readTextFileOrNull, writeTextFileAtomic } from "../lib/fs/mod.ts";
import {
  checkProjectName,
  CODEV_KINDS,
  exists,
  ignores,
  KIRO_SPECS_DIR,
  kiroLinkTarget,
  listProjects,
  nextCodevNumber,
  pointerPath,
  projectPaths,
  PROJECTS_DIR,
  renderPointer,
  titleOf,
} from "../lib/projects/mod.ts";

/** What create-project made. */
export interface CreateProjectResult {
  metadata: ProjectMetadata;
  /** Every path created, relative to the root. */
  created: string[];
}

const GITIGNORE = ".gitignore";
const IGNORE_LINE = `${PROJECTS_DIR}/`;

export default defineTask({
  name: "create-project",
  description:
    "Create an AI project in .ai/projects (Kiro symlink or next Codev number + pointers)",
  args: z.object({
    name: z.string().check(
      z.meta({ positional: true }),
      z.describe("Project name: lower-case, e.g. xml-adapter"),
    ),
    format: z.enum(["kiro", "codev"]).check(
      z.describe("Kiro (symlink) or Codev (numbered pointer files)"),
    ),
    displayName: z.optional(z.string().check(z.minLength(1))).check(
      z.describe("Human-readable title (default: from the name)"),
    ),
    tags: z.optional(z.string()).check(z.describe("Comma-separated tags")),
    repository: z.optional(z.string().check(z.minLength(1))).check(
      z.describe("The repository the project belongs to"),
    ),
    description: z.optional(z.string()).check(z.describe("One-line description")),
  }),
  permissions: (a) => ({
    read: [PROJECTS_DIR, KIRO_SPECS_DIR, "codev", GITIGNORE, `${GITIGNORE}.tmp`],
    write: [PROJECTS_DIR, KIRO_SPECS_DIR, "codev", GITIGNORE, `${GITIGNORE}.tmp`],
    // Deno.symlink needs unrestricted file access, which no task gets: the link is made with ln.
    run: a.format === "kiro" ? ["ln"] : [],
  }),
  async run(ctx, a): Promise<CreateProjectResult> {
    checkProjectName(a.name);
    for (const path of projectPaths(a.name)) {
      if (await exists(`${ctx.root}/${path}`)) {
        throw new UsageError(
          `Cannot create project ${JSON.stringify(a.name)}: ${path} already exists`,
        );
      }
    }
    const listing = await listProjects(ctx.root);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const artifact = a.format === "kiro" ? "requirements.md" : "spec.md";
    const metadata: ProjectMetadata = {
      name: a.name,
      displayName: a.displayName ?? titleOf(a.name),
      created: now,
      updated: now,
      format: a.format,
      artifacts: [artifact],
      status: "draft",
      ...(a.format === "codev"
        ? {
          codevNumber: await nextCodevNumber(
            ctx.root,
            listing.projects.flatMap((p) => (p.metadata ? [p.metadata] : [])),
          ),
        }
        : {}),
      ...(a.tags ? { tags: a.tags.split(",").map((t) => t.trim()).filter(Boolean) } : {}),
      ...(a.repository ? { repository: a.repository } : {}),
      ...(a.description ? { description: a.description } : {}),
    };
    if (a.format === "codev") {
      for (const kind of CODEV_KINDS) {
        const path = pointerPath(metadata, kind);
        if (await exists(`${ctx.root}/${path}`)) {
          throw new UsageError(
            `Cannot create project ${JSON.stringify(a.name)}: ${path} already exists`,
          );
        }
      }
    }

    const created: string[] = [];
    const dir = `${PROJECTS_DIR}/${a.name}`;
    try {
      await Deno.mkdir(`${ctx.root}/${dir}`, { recursive: true });
      created.push(dir);
      await writeTextFileAtomic(`${ctx.root}/${dir}/${artifact}`, `# ${metadata.displayName}\n`);
      await writeTextFileAtomic(
        `${ctx.root}/${dir}/metadata.json`,
        JSON.stringify(metadata, null, 2) + "\n",
      );
      if (a.format === "kiro") {
        const link = `${KIRO_SPECS_DIR}/${a.name}`;
        await Deno.mkdir(`${ctx.root}/${KIRO_SPECS_DIR}`, { recursive: true });
        const ln = await ctx.$`ln -s ${kiroLinkTarget(a.name)} ${`${ctx.root}/${link}`}`
          .stderr("piped").noThrow();
        if (ln.code !== 0) {
          throw new WstError(`Cannot create the symlink ${link}: ${ln.stderr.trim()}`);
        }
        created.push(link);
      } else {
        const kind = CODEV_KINDS.find((k) => k.artifact === artifact)!;
        const path = pointerPath(metadata, kind);
        await Deno.mkdir(`${ctx.root}/${kind.dir}`, { recursive: true });
        await writeTextFileAtomic(`${ctx.root}/${path}`, renderPointer(metadata, kind));
        created.push(path);
      }
      if (await ensureIgnored(ctx.root)) created.push(`${GITIGNORE} (${IGNORE_LINE} added)`);
    } catch (err) {
      // Leave nothing half-made: remove what this run created, newest first.
      for (const path of [...created].reverse()) {
        if (path.startsWith(GITIGNORE)) continue;
        await Deno.remove(`${ctx.root}/${path}`, { recursive: true }).catch(() => {});
      }
      throw err;
    }
    return { metadata, created };
  },
  render: (r) =>
    `Created ${r.metadata.format} project ${r.metadata.name}${
      r.metadata.codevNumber ? ` (${r.metadata.codevNumber})` : ""
    }:\n${r.created.map((p) => `  ${p}`).join("\n")}`,
});

/** Adds `.ai/projects/` to `.gitignore` unless a line already ignores it; keeps the rest. */
async function ensureIgnored(root: string): Promise<boolean> {
  const text = await readTextFileOrNull(`${root}/${GITIGNORE}`) ?? "";
  if (ignores(text)) return false;
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeTextFileAtomic(`${root}/${GITIGNORE}`, `${text}${separator}${IGNORE_LINE}\n`);
  return true;
}
