// Output of tasks that run at once, told apart: every line starts with the
// task's name. For a stream (a script's or a child's output) and for a reporter.
import type { Reporter } from "./mod.ts";

/** A text stream that writes whole lines, each after a prefix. */
export interface LineWriter {
  /** Takes any piece of the stream; whole lines are written at once. */
  write(text: string): void;
  /** Writes what is left of an unfinished last line (with a newline). */
  flush(): void;
}

/**
 * A stream writer that puts `prefix` before every line: text is held until
 * its line ends, so the lines of tasks running at once never interleave
 * mid-line. Call `flush` when the stream ends. The caller escapes
 * task-controlled text (`escapeStream`) before or after, as it writes.
 *
 * @param prefix What each line starts with, e.g. `"[lint] "`.
 * @param write Where the prefixed lines go (stdout or stderr).
 * @returns The writer.
 * @example
 * ```ts
 * import { linePrefixer } from "./prefix.ts";
 * let out = "";
 * const w = linePrefixer("[lint] ", (t) => (out += t));
 * w.write("a\nb");
 * w.write("c\n");
 * w.flush();
 * console.assert(out === "[lint] a\n[lint] bc\n");
 * ```
 */
export function linePrefixer(prefix: string, write: (text: string) => void): LineWriter {
  let pending = "";
  return {
    write(text) {
      const lines = (pending + text).split("\n");
      pending = lines.pop()!;
      if (lines.length > 0) write(lines.map((line) => `${prefix}${line}\n`).join(""));
    },
    flush() {
      if (pending !== "") write(`${prefix}${pending}\n`);
      pending = "";
    },
  };
}

/**
 * A reporter that puts a prefix before every log line and progress label
 * (a task's name while several run at once).
 *
 * @param reporter Where the lines go.
 * @param prefix What each line starts with, e.g. `"[lint] "`.
 * @returns The prefixing reporter.
 */
export function prefixReporter(reporter: Reporter, prefix: string): Reporter {
  return {
    debug: (m) => reporter.debug(prefix + m),
    info: (m) => reporter.info(prefix + m),
    warn: (m) => reporter.warn(prefix + m),
    error: (m) => reporter.error(prefix + m),
    progress: (label, total) => reporter.progress(prefix + label, total),
  };
}
