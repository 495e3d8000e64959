// The confined runner (docs/adr/0009): started by the host inside bubblewrap as
// `cli.ts __runner <socket>`. It connects to the host's socket before any task
// code loads (the host then closes its listener, so nothing started later can
// connect), hosts the task's Worker with the same explicit Deno permissions as
// an unconfined run, and relays the protocol as JSON lines.
import { readLines, type RunnerLine, type RunnerStart, writeAll } from "./confine.ts";
import { workerChannel } from "./host.ts";
import type { HostMessage } from "./_protocol.ts";

/**
 * Serves one task run over the socket, then exits.
 *
 * @param socket The path of the host's unix socket inside the sandbox.
 */
export async function serveRunner(socket: string): Promise<never> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  const encoder = new TextEncoder();
  let writing = Promise.resolve();
  const send = (line: RunnerLine) => {
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ k: "x" } satisfies RunnerLine);
    }
    writing = writing.then(() => writeAll(conn, encoder.encode(`${text}\n`))).catch(() => {});
  };
  let channel: ReturnType<typeof workerChannel> | undefined;
  let started = false;
  await readLines(conn, (line) => {
    if (!started) {
      started = true;
      const start = JSON.parse(line) as RunnerStart;
      // Children get PATH and the declared env only: the runner's own vars go first.
      for (const name of start.unset) Deno.env.delete(name);
      try {
        Deno.chdir(start.root);
        channel = workerChannel(start.task, start.permissions);
      } catch (err) {
        send({ k: "e", message: `the confined runner could not start: ${(err as Error).message}` });
        return;
      }
      channel.onmessage = (m) => send({ k: "m", m });
      channel.onerror = (message) => send({ k: "e", message });
      channel.onmessageerror = () => send({ k: "x" });
      return;
    }
    channel?.post(JSON.parse(line) as HostMessage);
  });
  // The host closed the connection: the run is over.
  await writing;
  Deno.exit(0);
}
