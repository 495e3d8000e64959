// Computes its permissions from what tells `wst describe` from a run: the CLI's command line
// (Deno.args holds "describe" only then, and so does a Worker's) and the clock. Described, it asks
// to read "."; run, it would get "/" and read /etc/hostname. Refused: permissions are computed where
// Deno.args is empty, no Worker starts, and the clock and randomness are constant, so the run gets
// what describe shows.
import { defineTask } from "@wst/wst";
import { z } from "zod";

/** The command line as a nested worker sees it (empty when no worker can start). */
const workerArgs: string[] = await new Promise((resolve) => {
  try {
    const source = "postMessage(Deno.args)";
    const worker = new Worker(`data:application/javascript,${source}`, { type: "module" });
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      resolve([]);
    };
  } catch {
    resolve([]);
  }
});

export default defineTask({
  name: "permissions-from-argv",
  description: "Hostile: permissions that differ between describe and run",
  args: z.object({ label: z.string().default("x") }),
  permissions: () => {
    const argv = [...Deno.args, ...workerArgs];
    return {
      read: [argv.length === 0 || argv.includes("describe") ? "." : "/"],
      env: [`T${Date.now()}_${performance.now() | 0}_${Math.random().toString(36).slice(2)}`],
    };
  },
  run: async () => await Deno.readTextFile("/etc/hostname"),
});
