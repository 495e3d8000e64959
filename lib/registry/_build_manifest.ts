// Builds the manifest of built-in tasks. Used by scripts/gen_manifest.ts and by
// the freshness test in manifest_test.ts. (The worker bundles are built on
// first use into a cache: _bundle_build.ts.)
import { asTaskDefinition, taskMeta } from "../task/describe.ts";

/** Where the manifest lives. */
export const MANIFEST_PATH: URL = new URL("./_manifest.json", import.meta.url);
const TASKS_DIR = new URL("../../tasks/", import.meta.url);

/** The task modules in `tasks/`, sorted by file name. */
async function taskFiles(): Promise<string[]> {
  const modules: string[] = [];
  for await (const entry of Deno.readDir(TASKS_DIR)) {
    if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
      modules.push(entry.name);
    }
  }
  return modules.sort();
}

/** The manifest's text: every task module in `tasks/`, sorted by name. */
export async function buildManifest(): Promise<string> {
  const tasks = [];
  for (const name of await taskFiles()) {
    const mod = await import(new URL(name, TASKS_DIR).href);
    tasks.push({
      ...taskMeta(asTaskDefinition(mod.default, `tasks/${name}`)),
      module: `tasks/${name}`,
    });
  }
  // Ordinal, not localeCompare: its first use loads ICU collation data (~6 ms at start-up).
  tasks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify({ generatedBy: "deno task manifest", tasks }, null, 2) + "\n";
}
