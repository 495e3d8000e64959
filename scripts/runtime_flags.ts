/**
 * The one source of the flags wst runs with, used by `deno task compile`,
 * the end-to-end tests and the benchmark (and checked against deno.json's
 * `wst` task by tests/runtime_flags_test.ts).
 *
 * - `--allow-all`: the host must hold a superset of what any task may be
 *   granted; each task's worker gets exactly its declared permissions.
 * - `--no-prompt`: nothing ever waits for a permission prompt (CI has no terminal).
 * - `--unstable-worker-options`: per-worker permissions.
 * - `--v8-flags=--no-lazy`: V8 compiles every function when it compiles a
 *   module, so Deno's code cache holds them all and a warm start compiles
 *   nothing (sandboxed `validate-config` ~4 ms faster, `wst list` unchanged;
 *   docs/adr/0007). Code caches are checked against V8's flags: the first run
 *   after a run with other flags recompiles once.
 *
 * @module
 */

/** Flags for `deno run` and `deno compile`. */
export const RUNTIME_FLAGS: readonly string[] = [
  "--allow-all",
  "--no-prompt",
  "--unstable-worker-options",
  "--v8-flags=--no-lazy",
];

/** The CLI entry point, relative to the repository root. */
export const ENTRY_POINT = "cli.ts";

/**
 * Files `deno compile` must embed besides the built-in tasks' bundles (which
 * `scripts/compile.ts` builds and lists one by one): workers load local task
 * modules (through the worker runtime) by URL, not by a static import; and
 * the modules wst loads with `importOwn` (lib/_load.ts), out of sight of the
 * module graph (tests/runtime_flags_test.ts checks that each is here).
 */
export const COMPILE_INCLUDES: readonly string[] = [
  "tasks/",
  "lib/sandbox/_worker_runtime.ts",
  "lib/sandbox/_runner.ts",
  "lib/registry/_inspect_child.ts",
  "lib/cli/run.ts",
  "lib/cli/_direct.ts",
  "lib/cli/_version.ts",
  "lib/cli/run_task.ts",
  "lib/cli/list.ts",
  "lib/cli/main.ts",
  "lib/registry/_bundle_cache.ts",
  "lib/cli/_guard_main.ts",
  "lib/cli/_graph.ts",
  "lib/watch/mod.ts",
  "lib/trust/mod.ts",
  "lib/registry/_cache.ts",
  "lib/registry/_namespaces.ts",
  "lib/registry/_module_deps.ts",
  "lib/registry/_npm_cache.ts",
  "lib/registry/_inspect.ts",
  "lib/registry/_load_failure.ts",
];

/** Absolute path of the repository root. */
export const REPO_ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
