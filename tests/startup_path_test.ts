// The start-up path must stay light: `wst list` has a budget of 1.5x
// `deno eval 0`, and a sandboxed built-in task one of 2.5x. These modules,
// and everything they import statically, may not load zod, yaml, js-yaml,
// dax or any `node:` module (each costs milliseconds to load); what needs
// them is imported dynamically, when a command needs it.
import { assertEquals } from "./assert.ts";

const REPO = new URL("../", import.meta.url);
const HEAVY = /^(npm:\/?(zod|yaml|js-yaml|dax)@|node:)/;

interface Module {
  specifier: string;
  dependencies?: Array<{
    code?: { specifier: string };
    type?: { specifier: string };
    isDynamic?: boolean;
  }>;
}

/** Every module the entry loads before it runs: static imports, transitively. */
async function staticGraph(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: Module[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const resolve = (s: string) => info.redirects[s] ?? s;
  const seen = new Set<string>();
  const queue = [resolve(info.roots[0]!)];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dep.isDynamic || dep.code === undefined) continue; // type-only imports load nothing
      queue.push(resolve(dep.code.specifier));
    }
  }
  return [...seen];
}

for (
  const entry of [
    "cli.ts", // every command starts here
    "lib/cli/run.ts", // the run path, loaded by cli.ts
    "lib/cli/run_task.ts", // a direct run of a built-in task
    "lib/cli/list.ts", // wst list with nothing to parse (runList)
    "lib/cli/main.ts", // the full parser: describe, help, completions, tasks with flags
  ]
) {
  Deno.test(`the start-up path: ${entry} loads no zod, yaml, dax or node: module`, async () => {
    const heavy = (await staticGraph(entry)).filter((s) => HEAVY.test(s));
    assertEquals(heavy, []);
  });
}

Deno.test("the start-up check sees a heavy module when there is one", async () => {
  const heavy = (await staticGraph("lib/config/mod.ts")).filter((s) => HEAVY.test(s));
  assertEquals(heavy.some((s) => s.includes("zod")), true, heavy.join(", "));
});
