// Runs in a task's worker: no step (`ctx.$`, `ctx.runTask`, `ctx.script`)
// starts once the run is aborting. Two things make that hold without a race:
//
// - The host sets a shared flag (a SharedArrayBuffer sent with the worker's
//   first message) synchronously when it aborts the run, before it signals the
//   task's processes: a step that sees its child die of wst's SIGTERM sees the
//   flag too, even before the `abort` message arrives.
// - A terminal's Ctrl-C reaches the task's children at the same instant as wst:
//   a child can die of it, and the task go on to its next step, before wst has
//   aborted anything. dax even reported such a child as a success (exit code 0:
//   it only maps a signal it sent itself), which is how the second step
//   ran. `watchChildren` makes a death by signal an exit code of 128 + its
//   number, as shells report it, and a step that starts shortly after a child
//   died of SIGINT or SIGTERM, or after one reached this process, waits (up to
//   `SETTLE_MS`) for the host's verdict.

import { InterruptedError } from "../errors/mod.ts";

/** How long a step waits, after a SIGINT or SIGTERM, for the host to abort the run. */
const SETTLE_MS = 1_000;

let flag: Int32Array | undefined;
let lastSignal = -Infinity;

/**
 * Takes the host's abort flag from the worker's first message.
 *
 * @param shared The flag's buffer (one Int32: 0 running, 1 aborting), if the host sent one.
 */
export function takeAbortFlag(shared: unknown): void {
  if (shared instanceof SharedArrayBuffer) flag = new Int32Array(shared);
}

/** Starts listening for SIGINT and SIGTERM (when a task starts to run; inspection never does). */
export function listenForSignals(): void {
  if (Deno.build.os === "windows") return;
  const heard = () => (lastSignal = performance.now());
  try {
    Deno.addSignalListener("SIGINT", heard);
    Deno.addSignalListener("SIGTERM", heard);
  } catch {
    // Signals cannot be listened to here: the host's flag and `abort` message remain.
  }
}

/** Signal numbers (the same on Linux and macOS for these), for exit codes. */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** The shape of `node:child_process`'s ChildProcess that {@linkcode watchChildren} patches. */
interface ChildProcessClass {
  prototype: {
    emit(event: string | symbol, ...args: unknown[]): boolean;
    kill(signal?: unknown): boolean;
  };
}

let watched = false;

/**
 * Patches the ChildProcess class that dax spawns with (in this worker only):
 * a child that dies of a signal exits with 128 + the signal's number instead
 * of 0, and a death by SIGINT or SIGTERM that the task did not send itself
 * makes the next step wait for the host's verdict.
 *
 * @param childProcess `ChildProcess` of `node:child_process`.
 */
export function watchChildren(childProcess: ChildProcessClass): void {
  if (watched) return;
  watched = true;
  const proto = childProcess.prototype;
  const emit = proto.emit;
  const kill = proto.kill;
  const killedHere = new WeakSet<object>();
  proto.kill = function (this: object, signal?: unknown) {
    killedHere.add(this);
    return kill.call(this, signal);
  };
  proto.emit = function (this: object, event: string | symbol, ...args: unknown[]) {
    if (event === "exit" && args[0] === null && typeof args[1] === "string") {
      const name = args[1];
      if ((name === "SIGINT" || name === "SIGTERM") && !killedHere.has(this)) {
        lastSignal = performance.now();
      }
      const number = SIGNAL_NUMBERS[name];
      if (number !== undefined) args[0] = 128 + number;
    }
    return emit.call(this, event, ...args);
  };
}

/**
 * A new shared abort flag, for the host's side of {@linkcode watchAbort}.
 *
 * @returns The buffer, and a function that raises the flag and wakes a waiting step.
 */
export function abortFlag(): { shared: SharedArrayBuffer; raise: () => void } {
  const shared = new SharedArrayBuffer(4);
  const view = new Int32Array(shared);
  return {
    shared,
    raise: () => {
      Atomics.store(view, 0, 1);
      Atomics.notify(view, 0);
    },
  };
}

/**
 * Called before each step starts: throws when the run is aborting. Shortly
 * after a SIGINT or SIGTERM reached this process, first waits (blocking, at
 * most `SETTLE_MS`) for the host to say whether the run is aborting.
 *
 * @param signal The task's `ctx.signal`.
 * @throws {InterruptedError} When the run is aborting.
 */
export function beforeStep(signal: AbortSignal): void {
  awaitVerdict(signal);
  if (aborting(signal)) {
    throw new InterruptedError("Interrupted: no further step starts once the run is aborting");
  }
}

function aborting(signal: AbortSignal): boolean {
  return signal.aborted || (flag !== undefined && Atomics.load(flag, 0) === 1);
}

/**
 * Called when the task's run has returned, before its result goes to the
 * host: shortly after a SIGINT or SIGTERM reached this process or killed one
 * of its children, waits (blocking, at most `SETTLE_MS`) for the host to say
 * whether the run is aborting. A task whose last child died of a terminal's
 * Ctrl-C returns at once; without the wait its result could reach the host
 * before the host's own listener heard the same Ctrl-C, and the run would end
 * as a success (exit 0). The host turns a result that arrives once it aborted
 * into an interruption.
 *
 * @param signal The task's `ctx.signal`.
 */
export function awaitVerdict(signal: AbortSignal): void {
  const since = performance.now() - lastSignal;
  if (!aborting(signal) && since < SETTLE_MS && flag !== undefined) {
    Atomics.wait(flag, 0, 0, SETTLE_MS - since);
  }
}
