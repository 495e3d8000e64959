/**
 * The one place where wst talks to people. Logs and progress go to stderr;
 * stdout is kept for the result (one JSON document with `--json`). Colour
 * only on a terminal and never with `NO_COLOR`; live progress only on a
 * terminal, plain lines in CI. Every message, label, detail and summary is
 * escaped with {@linkcode escapeControls} before it is written: a task
 * controls them.
 *
 * @module
 */

import { escapeControls } from "./escape.ts";

export { escapeControls, escapeStream, safeJson } from "./escape.ts";
export { linePrefixer, type LineWriter, prefixReporter } from "./prefix.ts";

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A running piece of long work, created by {@linkcode Reporter.progress}. */
export interface Progress {
  /** One more unit done, with an optional note (the target's name, say). */
  tick(detail?: string): void;
  /** The work is over; prints a final line with the optional summary. */
  done(summary?: string): void;
}

/** Logs and progress for a task; respects `--json`, TTY, `NO_COLOR` and CI. */
export interface Reporter {
  /** Shown only with `--verbose`. */
  debug(message: string): void;
  /** A normal line of information. */
  info(message: string): void;
  /** Something the user should look at; the run goes on. */
  warn(message: string): void;
  /** Something failed; the run may go on. */
  error(message: string): void;
  /** Starts a progress display for `total` units (unknown when omitted). */
  progress(label: string, total?: number): Progress;
}

/** How the console reporter writes. */
export interface ConsoleReporterOptions {
  /** Where text goes (default: stderr). */
  write?: (text: string) => void;
  /** Whether stderr is a terminal: live progress when true. */
  tty?: boolean;
  /** Whether to use ANSI colours. */
  color?: boolean;
  /** Show debug lines. */
  verbose?: boolean;
}

/** What the environment says about the output: terminal, colour, CI. */
export interface OutputEnvironment {
  tty: boolean;
  color: boolean;
  ci: boolean;
}

/**
 * Reads the environment: is stderr a terminal, is `NO_COLOR` set, is this CI.
 *
 * @returns The output environment.
 */
export function detectOutputEnvironment(): OutputEnvironment {
  const tty = Deno.stderr.isTerminal();
  const noColor = (Deno.env.get("NO_COLOR") ?? "") !== "";
  const ci = (Deno.env.get("CI") ?? "") !== "" || Deno.env.get("GITHUB_ACTIONS") === "true";
  return { tty: tty && !ci, color: tty && !noColor, ci };
}

const encoder = new TextEncoder();

function writeStderr(text: string): void {
  Deno.stderr.writeSync(encoder.encode(text));
}

const STYLES = { debug: "\x1b[2m", info: "", warn: "\x1b[33m", error: "\x1b[31m" } as const;
const PREFIX = { debug: "debug: ", info: "", warn: "warning: ", error: "error: " } as const;

/**
 * Creates the reporter the CLI uses: lines to stderr, live progress on a TTY.
 *
 * @param options Where to write and how.
 * @returns A reporter.
 */
export function createConsoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  const write = options.write ?? writeStderr;
  const color = options.color ?? false;
  const tty = options.tty ?? false;
  let liveLine = false;

  const clearLive = () => {
    if (liveLine) {
      write("\r\x1b[2K");
      liveLine = false;
    }
  };
  const line = (level: LogLevel, message: string) => {
    if (level === "debug" && !options.verbose) return;
    clearLive();
    const text = `${PREFIX[level]}${escapeControls(message)}`;
    const style = STYLES[level];
    write(color && style ? `${style}${text}\x1b[0m\n` : `${text}\n`);
  };

  return {
    debug: (message) => line("debug", message),
    info: (message) => line("info", message),
    warn: (message) => line("warn", message),
    error: (message) => line("error", message),
    progress(rawLabel, total) {
      // One line each: a newline in a label would break the live line on a terminal.
      const oneLine = (text: string) => escapeControls(text).replaceAll("\n", "\\n");
      const label = oneLine(rawLabel);
      const note = (detail: string | undefined) => detail ? ` ${oneLine(detail)}` : "";
      let count = 0;
      let lastPlain = 0;
      // A count, whatever a caller passed (a task's value reaches here through the worker).
      const of = typeof total === "number" && Number.isFinite(total) ? `/${total}` : "";
      return {
        tick(detail) {
          count++;
          if (tty) {
            write(`\r\x1b[2K${label} ${count}${of}${note(detail)}`);
            liveLine = true;
          } else if (total === undefined || count === total || count - lastPlain >= total / 10) {
            lastPlain = count;
            write(`${label} ${count}${of}${note(detail)}\n`);
          }
        },
        done(summary) {
          clearLive();
          write(`${label}: ${summary === undefined ? `${count}${of} done` : oneLine(summary)}\n`);
        },
      };
    },
  };
}
