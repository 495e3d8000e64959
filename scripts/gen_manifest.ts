// Regenerates lib/registry/_manifest.json from the task modules in tasks/.
// `wst list` reads the manifest instead of loading every task (and zod).
// lib/registry/manifest_test.ts fails when the manifest is stale.
import { buildManifest, MANIFEST_PATH } from "../lib/registry/_build_manifest.ts";

const text = await buildManifest();
await Deno.writeTextFile(MANIFEST_PATH, text);
// deno-lint-ignore no-console
console.error(`wrote ${MANIFEST_PATH.pathname}`);
