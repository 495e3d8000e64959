// Where a task's script output (`ctx.script`) goes on the host: cut into
// lines, then handed to one function (the CLI's writes to stdout or stderr,
// escaped; a caller may wrap it to prefix each line with a task's name).
import { escapeControls } from "../reporter/mod.ts";

/** Where a task's script output goes: a stream and one line of text, not yet escaped. */
export type TaskOutput = (stream: "stdout" | "stderr", line: string) => void;

const encoder = new TextEncoder();

/** The default {@linkcode TaskOutput}: wst's stderr, escaped. */
export function stderrOutput(_stream: "stdout" | "stderr", line: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(escapeControls(line)));
  } catch {
    // stderr closed: the output is dropped, the run goes on
  }
}

/** How long a line without a newline may get before it is passed on. */
const MAX_PENDING = 16 * 1024;

/**
 * Cuts a script's output into lines for a {@linkcode TaskOutput}: a control
 * sequence split across two chunks reaches the escaping whole, and a prefix
 * (a task's name) goes before each line. A line without a newline is passed on
 * at 16 Ki characters, and at the end of the run.
 */
export function lineOutput(to: TaskOutput): {
  write(stream: "stdout" | "stderr", text: string): void;
  flush(): void;
} {
  const pending = { stdout: "", stderr: "" };
  return {
    write(stream: "stdout" | "stderr", text: string) {
      let buffer = pending[stream] + text;
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        to(stream, buffer.slice(0, newline + 1));
        buffer = buffer.slice(newline + 1);
      }
      if (buffer.length >= MAX_PENDING) {
        to(stream, buffer);
        buffer = "";
      }
      pending[stream] = buffer;
    },
    flush() {
      for (const stream of ["stdout", "stderr"] as const) {
        if (pending[stream] !== "") to(stream, pending[stream]);
        pending[stream] = "";
      }
    },
  };
}
