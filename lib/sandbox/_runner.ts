// The confined runner (docs/adr/0009): started by the host inside bubblewrap
// (from its bundle, `_runner_main.ts`, or as `wst __runner <socket>` when
// compiled). It connects to the host's socket before any task code loads (the
// host then closes its listener, so nothing started later can connect), runs
// the task and relays the protocol as JSON lines. A local task runs in a
// Worker with the same explicit Deno permissions as an unconfined run; a
// built-in task's bundle (wst's own code) runs in the runner's own isolate,
// the process having been started with the task's permissions as flags plus
// a few of its own, which it revokes first (`RunnerStart.inProcess`).
import {
  isLastLine,
  readLines,
  type RunnerGrants,
  type RunnerLine,
  type RunnerStart,
  writeAll,
} from "./confine.ts";
import { workerChannel } from "./host.ts";
import type { HostMessage, WorkerMessage } from "./_protocol.ts";

// Taken before any task code loads: the worker runtime makes `Deno.exit` fail the task, and
// sends `Deno.stdout` to stderr.
const exit: (code?: number) => never = Deno.exit.bind(Deno);
const outputs = [Deno.stdout, Deno.stderr];

/**
 * Serves one task run over the socket, then exits.
 *
 * @param socket The path of the host's unix socket inside the sandbox.
 * @param bundle The built-in task's bundle (wst's own code) the run is for, when
 *   the host knows it already: it loads while the runner connects and waits for
 *   its start (a local task's module loads only after both, in its worker).
 */
export async function serveRunner(socket: string, bundle?: string): Promise<never> {
  const connecting = Deno.connect({ transport: "unix", path: socket });
  const early = bundle === undefined ? undefined : { url: bundle, loading: import(bundle) };
  early?.loading.catch(() => {}); // reported when the start asks for it
  const conn = await connecting;
  const encoder = new TextEncoder();
  let writing = Promise.resolve();
  let end: Uint8Array | undefined;
  const send = (line: RunnerLine) => {
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ k: "x" } satisfies RunnerLine);
    }
    // The run's last message: everything the task and its children wrote is out, so the end
    // mark follows it on both streams (the host reads up to it, and need not wait for the exit).
    // Written before the line is sent: the host that has the line has the marks on their way.
    if (end !== undefined && isLastLine(line)) {
      for (const stream of outputs) {
        try {
          stream.writeSync(end);
        } catch {
          // closed: the host sees the stream end instead
        }
      }
    }
    writing = writing.then(() => writeAll(conn, encoder.encode(`${text}\n`))).catch(() => {});
  };
  const failed = (err: unknown) =>
    send({
      k: "e",
      message: `the confined runner could not start: ${
        err instanceof Error ? err.message : String(err)
      }`,
    });
  let post: ((message: HostMessage) => void) | undefined;
  let started = false;
  await readLines(conn, (line) => {
    if (!started) {
      started = true;
      const start = JSON.parse(line) as RunnerStart;
      if (start.end !== undefined) end = encoder.encode(start.end);
      // Children get PATH and the declared env only: the runner's own vars go first, and the
      // declared values come from the start message (never a command line, never the launcher's
      // environment, which bubblewrap's loader reads on the host).
      for (const name of start.unset) Deno.env.delete(name);
      for (const [name, value] of Object.entries(start.env ?? {})) Deno.env.set(name, value);
      try {
        Deno.chdir(start.root);
        if (start.inProcess !== undefined && start.task.worker !== undefined) {
          const worker = start.task.worker;
          const loading = early?.url === worker ? early.loading : import(worker);
          post = serveHere(loading, start.inProcess.revoke, send, failed);
          return;
        }
        const channel = workerChannel(start.task, start.permissions, start.inspect === true);
        channel.onmessage = (m) => send({ k: "m", m });
        channel.onerror = (message) => send({ k: "e", message });
        channel.onmessageerror = () => send({ k: "x" });
        post = (m) => channel.post(m);
      } catch (err) {
        failed(err);
      }
      return;
    }
    post?.(JSON.parse(line) as HostMessage);
  });
  // The host closed the connection: the run is over.
  await writing;
  exit(0);
}

/**
 * Loads modules and exits: run by the host outside the sandbox to fill the
 * runner's code cache (`_runner_cache.ts`), with a built-in task's bundle, or
 * with wst's side of a local task (the worker runtime, `@wst/wst`, `zod`).
 *
 * @param modules Absolute paths, `file:` URLs or specifiers of wst's import map.
 */
export async function warmRunner(modules: readonly string[]): Promise<never> {
  for (const module of modules) {
    try {
      await import(module.startsWith("/") ? new URL(`file://${module}`).href : module);
    } catch {
      // Best effort (a package missing from Deno's cache): what loaded is cached all the same, and
      // a warming that failed would be tried again on every run.
    }
  }
  exit(0);
}

/**
 * Runs a built-in task's bundle in this isolate: once it has loaded, revokes the
 * runner's own grants (checking that they are gone), then hands the worker
 * runtime its protocol port, as a worker's host does.
 *
 * @returns What relays a host message to the task.
 */
function serveHere(
  loading: Promise<unknown>,
  revoke: RunnerGrants,
  send: (line: RunnerLine) => void,
  failed: (err: unknown) => void,
): (message: HostMessage) => void {
  const { port1: port, port2 } = new MessageChannel();
  port.onmessage = (event: MessageEvent<WorkerMessage>) => send({ k: "m", m: event.data });
  port.onmessageerror = () => send({ k: "x" });
  loading.then(() => {
    for (const path of revoke.read) Deno.permissions.revokeSync({ name: "read", path });
    for (const path of revoke.write) Deno.permissions.revokeSync({ name: "write", path });
    for (const variable of revoke.env) Deno.permissions.revokeSync({ name: "env", variable });
    for (const host of revoke.net) Deno.permissions.revokeSync({ name: "net", host });
    const held = [
      ...revoke.read.filter((path) =>
        Deno.permissions.querySync({ name: "read", path }).state === "granted"
      ),
      ...revoke.write.filter((path) =>
        Deno.permissions.querySync({ name: "write", path }).state === "granted"
      ),
      ...revoke.env.filter((variable) =>
        Deno.permissions.querySync({ name: "env", variable }).state === "granted"
      ),
      ...revoke.net.filter((host) =>
        Deno.permissions.querySync({ name: "net", host }).state === "granted"
      ),
    ];
    if (held.length > 0) throw new Error(`cannot revoke its own access to ${held.join(", ")}`);
    // The worker runtime in the bundle listens on the global scope for its port.
    const scope = globalThis as unknown as {
      onmessage: ((event: { data: HostMessage; ports: MessagePort[] }) => void) | null;
    };
    scope.onmessage?.({ data: { type: "init" }, ports: [port2] });
  }).catch(failed);
  return (message) => port.postMessage(message);
}
