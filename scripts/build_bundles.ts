// deno task build: builds the worker bundle of every built-in task into the
// bundle cache (lib/registry/_bundles/, gitignored), or finds it fresh, as many
// at a time as there are CPUs. A run builds a missing or stale bundle on first
// use anyway; this does all of them at once (before `deno task compile`, or to
// warm a CI image).
import { ensureAllBundles } from "../lib/registry/_bundle_build.ts";

const started = performance.now();
const results = await ensureAllBundles();
for (const { module, url, outcome, ms } of results) {
  const file = new URL(url).pathname.split("/").at(-1);
  // deno-lint-ignore no-console
  console.error(`${outcome.padEnd(9)} ${module.padEnd(36)} ${file} (${ms.toFixed(0)} ms)`);
}
// deno-lint-ignore no-console
console.error(
  `${results.length} bundle(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
