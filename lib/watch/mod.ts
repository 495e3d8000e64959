/**
 * `wst <task> --watch`: runs a task, then again whenever what it watches
 * changes (its `sources`, else its whole root: see `glob.ts`), debounced.
 * Before each rerun the previous run is aborted and its whole process tree
 * ended (`ProcessReaper`): nothing it started outlives it. Ctrl-C ends the
 * watch.
 *
 * @module
 */
import { relativeTo, SEP } from "../_path.ts";
import type { Reporter } from "../reporter/mod.ts";
import { escapeControls } from "../reporter/mod.ts";
import { ProcessReaper } from "../sandbox/process_tree.ts";
import { NEVER_WATCHED, watchScope } from "./glob.ts";

export { globToRegExp, NEVER_WATCHED, watchScope } from "./glob.ts";

/** How long changes settle before a rerun: an editor's save is several events. */
const DEBOUNCE_MS = 200;

/** Options of {@linkcode watchRuns}. */
export interface WatchOptions {
  /** The task's root (absolute): globs are relative to it. */
  readonly root: string;
  /** The task's `sources` globs; undefined: its whole root. */
  readonly sources?: readonly string[] | undefined;
  /** The task's `outputs` globs: never watched. */
  readonly outputs?: readonly string[] | undefined;
  /** Paths relative to the root watched besides the sources (the task's own module). */
  readonly also?: readonly string[] | undefined;
  /** Ends the watch (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Says what is watched and why a run starts again. */
  readonly reporter: Reporter;
  /** The task's name, for messages. */
  readonly task: string;
  /**
   * One run; its signal aborts it for a rerun or at the end. It reports its
   * own result and errors (a failed run does not end the watch).
   */
  readonly run: (signal: AbortSignal) => Promise<void>;
  /** How long changes settle before a rerun (default 200 ms). */
  readonly debounceMs?: number;
  /**
   * Whether a rerun ends the previous run's processes: every descendant of
   * this process (default true; false where the process is shared, as in a test).
   */
  readonly endProcesses?: boolean;
}

/**
 * Runs the task, and again on every change, until `signal` aborts; then
 * waits for the last run to stop. The caller ends what is left of the last
 * run's processes (the CLI does on its way out).
 *
 * @param options What to watch, what to run, and when to stop.
 * @returns Settles once the watch has ended.
 */
export async function watchRuns(options: WatchOptions): Promise<void> {
  const scope = watchScope(options.sources, options.outputs, options.also);
  const described = options.sources === undefined || options.sources.length === 0
    ? `its root, except ${NEVER_WATCHED.join(", ")} (task ${
      JSON.stringify(options.task)
    } declares no sources)`
    : `its sources ${options.sources.map((s) => JSON.stringify(s)).join(", ")}`;
  options.reporter.info(escapeControls(`Watching ${described}; Ctrl-C ends the watch`));
  const watcher = Deno.watchFs(watchedFolders(options.root, scope.paths), { recursive: true });
  const changes = changeQueue(watcher, options.root, scope.matches, options.debounceMs);
  const end = () => watcher.close();
  options.signal.addEventListener("abort", end, { once: true });
  try {
    while (!options.signal.aborted) {
      const controller = new AbortController();
      const running = options.run(AbortSignal.any([options.signal, controller.signal]));
      const changed = await Promise.race([changes.next(), aborted(options.signal)]);
      if (changed === undefined) {
        await running;
        return;
      }
      options.reporter.info(
        escapeControls(
          `${changed.join(", ")} changed: running ${JSON.stringify(options.task)} again`,
        ),
      );
      // The previous run's processes, remembered before its abort can orphan any of them.
      const reaper = options.endProcesses === false ? undefined : ProcessReaper.snapshot();
      controller.abort();
      reaper?.terminate();
      await running;
      await reaper?.kill();
    }
  } finally {
    options.signal.removeEventListener("abort", end);
    try {
      watcher.close();
    } catch { /* closed */ }
  }
}

/**
 * The folders to hand `Deno.watchFs`: a file's folder rather than the file (an editor that saves by
 * renaming a new file over it would end a watch on the old one), the nearest existing folder of a
 * path that does not exist yet.
 */
function watchedFolders(root: string, paths: readonly string[]): string[] {
  const folders = paths.map((path) => {
    let full = path === "" ? root : `${root}${SEP}${path}`;
    while (full !== root) {
      try {
        if (Deno.statSync(full).isDirectory) break;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
      full = full.slice(0, full.lastIndexOf(SEP));
    }
    return full;
  });
  return [...new Set(folders)];
}

function aborted(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener("abort", () => resolve(undefined), { once: true });
  });
}

/**
 * The watcher's events as batches of changed paths (relative to the root,
 * matching the scope): `next()` resolves once a batch has settled for the
 * debounce time; undefined when the watcher closed.
 */
function changeQueue(
  watcher: Deno.FsWatcher,
  root: string,
  matches: (path: string) => boolean,
  debounceMs = DEBOUNCE_MS,
) {
  let pending = new Set<string>();
  let closed = false;
  /** Set once the pending changes have settled for the debounce time. */
  let ready = false;
  let wake: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  void (async () => {
    try {
      for await (const event of watcher) {
        if (event.kind === "access" || event.kind === "other") continue;
        const paths = event.paths.map((p) => relativeTo(root, p)).filter((p) =>
          p !== "." && !p.startsWith(SEP) && matches(p.split(SEP).join("/"))
        );
        if (paths.length === 0) continue;
        for (const path of paths) pending.add(path);
        ready = false;
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => {
          ready = true;
          wake?.();
        }, debounceMs);
      }
    } catch {
      // closed while reading
    }
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    wake?.();
  })();
  return {
    next: async (): Promise<string[] | undefined> => {
      while (true) {
        if (ready && pending.size > 0) {
          ready = false;
          const batch = [...pending].sort();
          pending = new Set();
          return batch;
        }
        if (closed) return undefined;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
