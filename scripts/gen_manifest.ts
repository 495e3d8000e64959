// Regenerates lib/registry/_manifest.json from the task modules in tasks/.
// `wst list` reads the manifest instead of loading every task (and zod);
// lib/registry/manifest_test.ts fails when it is stale. (The tasks' worker
// bundles are not committed: they are built on first use, or by `deno task
// build`.)
import { buildManifest, MANIFEST_PATH } from "../lib/registry/_build_manifest.ts";

const text = await buildManifest();
const tmp = new URL(`${MANIFEST_PATH.pathname}.tmp`, MANIFEST_PATH);
await Deno.writeTextFile(tmp, text);
await Deno.rename(tmp, MANIFEST_PATH);
// deno-lint-ignore no-console
console.error(`wrote ${MANIFEST_PATH.pathname}`);
