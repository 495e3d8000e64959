// Regenerates lib/registry/_manifest.json and the worker bundles in
// lib/registry/_bundles/ from the task modules in tasks/. `wst list` reads the
// manifest instead of loading every task (and zod); a task's worker loads its
// bundle instead of ~190 modules. lib/registry/manifest_test.ts fails when
// either is stale.
import {
  buildBundles,
  buildManifest,
  BUNDLES_DIR,
  MANIFEST_PATH,
} from "../lib/registry/_build_manifest.ts";

const bundles = await buildBundles();
await Deno.mkdir(BUNDLES_DIR, { recursive: true });
for await (const entry of Deno.readDir(BUNDLES_DIR)) {
  if (entry.isFile && !bundles.has(entry.name)) await Deno.remove(new URL(entry.name, BUNDLES_DIR));
}
for (const [name, text] of bundles) await writeAtomically(new URL(name, BUNDLES_DIR), text);
await writeAtomically(MANIFEST_PATH, await buildManifest());
// deno-lint-ignore no-console
console.error(
  `wrote ${MANIFEST_PATH.pathname} and ${bundles.size} bundle(s) in ${BUNDLES_DIR.pathname}`,
);

async function writeAtomically(url: URL, text: string): Promise<void> {
  const tmp = new URL(`${url.pathname}.tmp`, url);
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, url);
}
