import { agentsSection, tasksPage, withAgentsSection } from "../docs/mod.ts";
import { WstError } from "../errors/mod.ts";
import { readTextFileOrNull, writeTextFileAtomic } from "../fs/mod.ts";
import { type CliContext, type GlobalFlags, printResult } from "./_context.ts";

/** Where `wst docs` writes, relative to the root. */
export const DOCS_FILES = { page: "docs/tasks.md", agents: "AGENTS.md" } as const;

/** Flags of `wst docs`. */
export interface DocsFlags extends GlobalFlags {
  check?: boolean;
}

/**
 * `wst docs`: regenerates `docs/tasks.md` and the task section of `AGENTS.md`
 * from the registry; `--check` changes nothing and fails when either is stale.
 */
export async function docsCommand(this: CliContext, flags: DocsFlags): Promise<void> {
  const tasks = this.registry.tasks.map((t) => ({
    name: t.name,
    description: t.description,
    argsSchema: t.argsSchema,
    permissions: t.permissions,
    source: t.source,
    file: t.file,
  }));
  const wanted: Record<string, string> = {
    [DOCS_FILES.page]: tasksPage(tasks),
    [DOCS_FILES.agents]: withAgentsSection(
      await readTextFileOrNull(`${this.root}/${DOCS_FILES.agents}`) ?? "",
      agentsSection(tasks),
    ),
  };
  const stale: string[] = [];
  for (const [file, text] of Object.entries(wanted)) {
    if ((await readTextFileOrNull(`${this.root}/${file}`)) !== text) stale.push(file);
  }
  if (flags.check) {
    // One document with --json: the error object when stale, the result when not.
    if (stale.length > 0) {
      throw new WstError(
        `Stale generated docs: ${stale.join(", ")} (run \`wst docs\` to regenerate)`,
      );
    }
    printResult(this, { check: true, stale }, "Docs are up to date");
    return;
  }
  for (const file of stale) {
    const path = `${this.root}/${file}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await writeTextFileAtomic(path, wanted[file]!);
  }
  printResult(
    this,
    { check: false, written: stale },
    stale.length === 0 ? "Docs are up to date" : `Wrote ${stale.join(", ")}`,
  );
}
