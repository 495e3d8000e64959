// A private copy of a warm Deno cache for one confined runner
// (`_runner_cache.ts`): the sandbox may write to its copy, which goes with the
// run, and never to the warm one, so no task can leave compiled code for a
// later run. On its own, with no imports: the CLI's entry point copies one
// before anything else loads (`_prelaunch.ts`).

/**
 * The files kept of a warm Deno cache (SQLite in WAL mode; the index is
 * rebuilt): V8's code cache, and Deno's analysis of each module's imports
 * (`dep_analysis_cache_v2`) and module kind (`node_analysis_cache_v2`). Without
 * the last two, each run parses the task's bundle again to find its imports
 * (measured: ~29 ms of CPU of a confined `validate-config`, half the runner's).
 */
export const CACHE_FILES: readonly string[] = [
  "v8_code_cache_v2",
  "v8_code_cache_v2-wal",
  "dep_analysis_cache_v2",
  "dep_analysis_cache_v2-wal",
  "node_analysis_cache_v2",
  "node_analysis_cache_v2-wal",
];

/**
 * Copies the cache files of `dir` into a new private folder.
 *
 * @param dir A warm cache (holding at least V8's code cache).
 * @returns The new folder, for the caller to bind and remove; undefined when
 *   `dir` holds no cache or the copy fails (nothing is left behind).
 */
export function privateCopy(dir: string): string | undefined {
  let copy: string | undefined;
  try {
    Deno.lstatSync(`${dir}/${CACHE_FILES[0]}`);
    copy = Deno.makeTempDirSync({ prefix: "wst-runner-deno-" });
    for (const file of CACHE_FILES) {
      try {
        Deno.copyFileSync(`${dir}/${file}`, `${copy}/${file}`);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    return copy;
  } catch {
    if (copy !== undefined) {
      try {
        Deno.removeSync(copy, { recursive: true });
      } catch { /* gone */ }
    }
    return undefined;
  }
}
