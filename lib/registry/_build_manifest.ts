// Builds the manifest of built-in tasks. Used by scripts/gen_manifest.ts and its freshness test.
import { asTaskDefinition, taskMeta } from "../task/describe.ts";

/** Where the manifest lives. */
export const MANIFEST_PATH: URL = new URL("./_manifest.json", import.meta.url);
const TASKS_DIR = new URL("../../tasks/", import.meta.url);

/** The manifest's text: every task module in `tasks/`, sorted by name. */
export async function buildManifest(): Promise<string> {
  const modules: string[] = [];
  for await (const entry of Deno.readDir(TASKS_DIR)) {
    if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
      modules.push(entry.name);
    }
  }
  const tasks = [];
  for (const name of modules.sort()) {
    const mod = await import(new URL(name, TASKS_DIR).href);
    tasks.push({ ...taskMeta(asTaskDefinition(mod.default)), module: `tasks/${name}` });
  }
  tasks.sort((a, b) => a.name.localeCompare(b.name));
  return JSON.stringify({ generatedBy: "deno task manifest", tasks }, null, 2) + "\n";
}
