// Asking the user on their terminal whether a task may reach beyond its repository.
import { describeReach, quoteForTerminal, type Reach, REACH_KINDS } from "./reach.ts";
import type { Approval } from "./store.ts";
import { InterruptedError } from "../errors/mod.ts";

/** Where the question goes and the answer comes from. */
export interface PromptIO {
  /** Writes the question (stderr: stdout belongs to the result). */
  write(text: string): void;
  /** Reads one line of answer; null at the end of input. */
  readLine(): Promise<string | null>;
}

/** What the question shows. */
export interface ApprovalQuestion {
  readonly task: string;
  readonly file: string;
  readonly root: string;
  /** Everything the run reaches beyond the root. */
  readonly needed: Reach;
  /** What of it was never approved. */
  readonly missing: Reach;
  /** The approval so far, if any. */
  readonly approval: Approval | undefined;
}

/**
 * Shows the task, its module and its permissions beyond the root (the new
 * ones marked), and asks `Run and remember? [y/N]`.
 *
 * @param io The terminal.
 * @param question What to show.
 * @param signal Ctrl-C, SIGTERM or SIGHUP while the question waits: no answer is waited for.
 * @returns True for `y` or `yes` (any case); false for anything else or no answer.
 * @throws {InterruptedError} When `signal` aborts before the answer (exit 130).
 */
export async function askApproval(
  io: PromptIO,
  question: ApprovalQuestion,
  signal?: AbortSignal,
): Promise<boolean> {
  const grown = question.approval !== undefined;
  const lines = [
    `Task ${quoteForTerminal(question.task)} (${quoteForTerminal(question.file)} in ${
      quoteForTerminal(question.root)
    }) ${
      grown
        ? "now reaches further beyond the repository than you approved"
        : "reaches beyond the repository"
    }:`,
  ];
  for (const kind of REACH_KINDS) {
    for (const entry of question.needed[kind] ?? []) {
      const isNew = grown && (question.missing[kind] ?? []).includes(entry);
      lines.push(`  ${kind.padEnd(5)} ${quoteForTerminal(entry)}${isNew ? "  (new)" : ""}`);
    }
  }
  if (grown) lines.push(`New since your approval: ${describeReach(question.missing)}`);
  const interrupted = () =>
    new InterruptedError(
      `Task ${
        JSON.stringify(question.task)
      } was interrupted at the approval question: not approved`,
    );
  if (signal?.aborted) throw interrupted();
  io.write(`${lines.join("\n")}\nRun and remember? [y/N] `);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      io.write("\n");
      reject(interrupted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  // The read goes on after an abort (a terminal's read cannot be cancelled); wst exits anyway.
  const answer = await Promise.race([io.readLine(), aborted]).finally(() =>
    signal?.removeEventListener("abort", onAbort)
  );
  if (answer === null) io.write("\n");
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
}

/**
 * The process's terminal, when both stdin and stderr are one; else undefined
 * (nobody to ask).
 *
 * @returns The prompt streams, or undefined.
 */
export function terminalPromptIO(): PromptIO | undefined {
  if (!Deno.stdin.isTerminal() || !Deno.stderr.isTerminal()) return undefined;
  const encoder = new TextEncoder();
  return {
    write: (text) => {
      Deno.stderr.writeSync(encoder.encode(text));
    },
    readLine: () => readLine(Deno.stdin),
  };
}

/** Reads bytes up to a newline (one at a time: nothing after the line is consumed). */
async function readLine(stream: { read(p: Uint8Array): Promise<number | null> }) {
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  for (;;) {
    const n = await stream.read(one);
    if (n === null || n === 0) return bytes.length === 0 ? null : decode(bytes);
    if (one[0] === 0x0a) return decode(bytes);
    if (bytes.length < 1024) bytes.push(one[0]!);
  }
}

function decode(bytes: number[]): string {
  return new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, "");
}
