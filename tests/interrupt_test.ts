// Ctrl-C, end to end: the real CLI runs a local task that waits; the test sends
// SIGINT to the CLI process once the task has said it is running. The CLI must
// exit on its own with code 130 ("interrupted") and say so, whether the task
// stops when ctx.signal aborts or ignores it (then the host ends its worker
// after the grace period).
import { assertEquals, assertMatch } from "./assert.ts";
import { cliArgs, workspace, wst } from "./_cli.ts";
import { processesWith, PTY_UNAVAILABLE, spawnPty } from "./_pty.ts";

const ignore = PTY_UNAVAILABLE !== undefined;
const skipped = ignore ? ` (skipped: ${PTY_UNAVAILABLE})` : "";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const TASKS = {
  // Waits until ctx.signal aborts, then rejects with its reason.
  ".wst/tasks/polite.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "polite",
  description: "Waits for Ctrl-C and stops when told",
  args: z.object({}),
  permissions: {},
  run: (ctx) =>
    new Promise((_resolve, reject) => {
      const timer = setInterval(() => {}, 1_000);
      ctx.signal.addEventListener("abort", () => {
        clearInterval(timer);
        ctx.log.info("stopping on abort");
        reject(ctx.signal.reason);
      }, { once: true });
      ctx.log.info("waiting for Ctrl-C");
    }),
});
`,
  // Never looks at ctx.signal: only the host's grace period ends it.
  ".wst/tasks/stubborn.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "stubborn",
  description: "Waits forever and ignores Ctrl-C",
  args: z.object({}),
  permissions: {},
  run: (ctx) =>
    new Promise(() => {
      setInterval(() => {}, 1_000);
      ctx.log.info("waiting for Ctrl-C");
    }),
});
`,
  // A script whose sleep dies of the terminal's SIGINT: the script itself goes on and succeeds.
  // The script says it is waiting once it runs, so the signal finds it (and not wst before it).
  ".wst/tasks/script.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "script",
  description: "Runs a script that sleeps, then says done",
  permissions: { run: ["sh"] },
  async run(ctx) {
    await ctx.$\`sh -c "echo 'waiting for Ctrl-C' >&2; sleep 20; echo done"\`.noThrow();
    return "woke";
  },
});
`,
};

/** Far beyond the host's 3 s grace period: only a CLI that hangs takes this long. */
const HANG_MS = 60_000;

interface Interrupted {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `wst <args>`, waits until its stderr says the task is waiting, sends
 * SIGINT, and returns how the process ended and everything it printed.
 */
async function interrupt(args: string[], options: { group?: boolean } = {}): Promise<Interrupted> {
  const command = [
    Deno.execPath(),
    "run",
    "--quiet",
    ...RUNTIME_FLAGS,
    `${REPO_ROOT}/${ENTRY_POINT}`,
  ];
  // `group`: wst leads a process group of its own, and SIGINT goes to the whole group, as a
  // terminal's Ctrl-C does (the task's children get it too).
  const child = new Deno.Command(options.group ? "setsid" : command[0]!, {
    args: [...(options.group ? command : command.slice(1)), ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", WST_TRUST: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A CLI that never ends would hang the suite: killed, it fails the test with signal SIGKILL.
  const guard = setTimeout(() => child.kill("SIGKILL"), HANG_MS);
  const stdout = new Response(child.stdout).text();
  let stderr = "";
  const decoder = new TextDecoder();
  const reader = child.stderr.getReader();
  // Read until the task is running: a signal sent earlier would find no listener yet.
  while (!stderr.includes("waiting for Ctrl-C")) {
    const { done, value } = await reader.read();
    if (done) {
      const status = await child.status;
      clearTimeout(guard);
      throw new Error(`wst ended (code ${status.code}) before its task ran:\n${stderr}`);
    }
    stderr += decoder.decode(value, { stream: true });
  }
  if (options.group) Deno.kill(-child.pid, "SIGINT");
  else child.kill("SIGINT");
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    stderr += decoder.decode(chunk.value, { stream: true });
  }
  const status = await child.status;
  clearTimeout(guard);
  return { code: status.code, signal: status.signal, stdout: await stdout, stderr };
}

Deno.test("Ctrl-C: a task that honours ctx.signal stops, and wst exits 130 saying so", async () => {
  await using ws = await workspace(TASKS);
  const run = await interrupt(["polite", "--root", ws.dir]);
  // Exited by itself: a process killed by SIGINT would also report code 130, with signal set.
  assertEquals([run.code, run.signal], [130, null], run.stderr);
  assertMatch(run.stderr, /stopping on abort/);
  assertMatch(run.stderr, /Task "polite" was interrupted/);
  assertEquals(run.stdout, "");
});

Deno.test("Ctrl-C: a task that ignores ctx.signal is ended after the grace period, exit 130", async () => {
  await using ws = await workspace(TASKS);
  const run = await interrupt(["stubborn", "--root", ws.dir, "--json"]);
  assertEquals([run.code, run.signal], [130, null], run.stderr);
  const { error } = JSON.parse(run.stdout);
  assertEquals(error.kind, "interrupted");
  assertMatch(error.message, /^Task "stubborn" was interrupted$/);
});

for (const confine of ["off", "auto"]) {
  Deno.test(`Ctrl-C from a terminal (the whole process group) ends a script's run with 130, --confine ${confine}`, async () => {
    await using ws = await workspace(TASKS);
    const run = await interrupt(["script", "--root", ws.dir, "--confine", confine], {
      group: true,
    });
    assertEquals([run.code, run.signal], [130, null], run.stderr + "\nSTDOUT:" + run.stdout);
    assertMatch(run.stderr, /Task "script" was interrupted/);
    assertEquals(run.stdout, "");
  });
}

// On a real pseudo-terminal (tests/_pty.ts): wst is the terminal's foreground job, as a shell
// starts it, and Ctrl-C is the keystroke. Each process of a test carries a marker of its own in
// its command line (a sleep's odd duration), so the test can tell whether any is left.

/** A task whose first step leaves a grandchild that ignores Ctrl-C, and whose second writes a file. */
function stepsTask(marker: string): string {
  return `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "steps",
  description: "Sleeps in a background grandchild, then writes second.txt",
  permissions: { run: ["bash", "sh"], write: ["."] },
  async run(ctx) {
    ctx.log.info("waiting for Ctrl-C");
    // bash leaves its background job ignoring SIGINT: only wst can end it.
    await ctx.$\`bash -c "sleep ${marker} & wait"\`.noThrow();
    await ctx.$\`sh -c "echo second > second.txt"\`;
    return "done";
  },
});
`;
}

/** A task that starts a detached child (its own session: a terminal's Ctrl-C cannot reach it). */
function detachedTask(marker: string): string {
  return `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "detached",
  description: "Starts a detached sleep and waits",
  permissions: { run: ["sleep"] },
  async run(ctx) {
    new Deno.Command("sleep", { args: ["${marker}"], detached: true, stdout: "null", stderr: "null" }).spawn();
    ctx.log.info("waiting for Ctrl-C");
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    return "done";
  },
});
`;
}

/** A sleep duration no other process has: its command line marks the test's processes. */
function uniqueMarker(): string {
  return `300.${crypto.getRandomValues(new Uint32Array(1))[0]}`;
}

/** Waits until a process with the marker runs (the step has started), at most `HANG_MS`. */
async function processStarted(marker: string): Promise<void> {
  for (const end = Date.now() + HANG_MS; Date.now() < end;) {
    if (processesWith(marker).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No process with ${JSON.stringify(marker)} started`);
}

/** Starts `wst <args>` on a pseudo-terminal, ends it with `how`, and says what remains. */
async function endOnTerminal(
  args: string[],
  options: { marker: string; how: "ctrl-c" | "SIGTERM" | "SIGHUP"; confine: string },
) {
  // wst's own temp folders (a confined runner's socket and Deno cache) go in a folder of the test's.
  const tmp = await Deno.makeTempDir();
  await using pty = await spawnPty(
    [Deno.execPath(), "run", "--quiet", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`, ...args],
    {
      env: { NO_COLOR: "1", WST_TRUST: "1", WST_CONFINE: options.confine, TMPDIR: tmp },
      cwd: REPO_ROOT,
    },
  );
  const guard = setTimeout(() => Deno.kill(-pty.pid, "SIGKILL"), HANG_MS);
  try {
    await pty.waitFor("waiting for Ctrl-C");
    await processStarted(options.marker);
    if (options.how === "ctrl-c") await pty.write("\x03");
    else Deno.kill(pty.pid, options.how);
    const status = await pty.status;
    // Read before the terminal closes: its leader ending would hang up what is left.
    const left = processesWith(options.marker);
    const files = [];
    for await (const entry of Deno.readDir(tmp)) files.push(entry.name);
    return { status, output: pty.output(), left, files };
  } finally {
    clearTimeout(guard);
    await Deno.remove(tmp, { recursive: true });
  }
}

for (const confine of ["off", "auto"]) {
  for (const how of ["ctrl-c", "SIGTERM", "SIGHUP"] as const) {
    Deno.test(
      `${how} on a terminal: the next step never starts, the grandchild is gone, exit 130 (WST_CONFINE=${confine})${skipped}`,
      { ignore },
      async () => {
        const marker = uniqueMarker();
        await using ws = await workspace({ ".wst/tasks/steps.ts": stepsTask(marker) });
        const run = await endOnTerminal(["steps", "--root", ws.dir], { marker, how, confine });
        assertEquals(run.status, { code: 130, signal: undefined }, run.output);
        assertMatch(run.output, /Task "steps" was interrupted/);
        assertEquals(run.left, [], "processes the run started are still running");
        assertEquals(run.files, [], "wst's temp folders are left behind");
        assertEquals(await exists(`${ws.dir}/second.txt`), false, "the second step ran");
      },
    );
  }
}

Deno.test(
  `Ctrl-C on a terminal ends a detached child too (WST_CONFINE=off)${skipped}`,
  { ignore },
  async () => {
    const marker = uniqueMarker();
    await using ws = await workspace({ ".wst/tasks/detached.ts": detachedTask(marker) });
    const run = await endOnTerminal(["detached", "--root", ws.dir], {
      marker,
      how: "ctrl-c",
      confine: "off",
    });
    assertEquals(run.status, { code: 130, signal: undefined }, run.output);
    assertEquals(run.left, [], "the detached child is still running");
  },
);

for (const how of ["ctrl-c", "SIGTERM", "SIGHUP"] as const) {
  Deno.test(
    `${how} at the approval question ends the run with 130, nothing approved${skipped}`,
    { ignore },
    async () => {
      // A newcomer's run sat at the question for ten minutes: the answer was waited for, whatever
      // the signal, and Enter then made it a refusal (exit 3).
      await using ws = await workspace({
        ".wst/tasks/needy.ts": `import { defineTask } from "@wst/wst";
export default defineTask({ name: "needy", description: "Reads HOME", permissions: { env: ["HOME"] },
  run: () => "ran" });
`,
      });
      const state = await Deno.makeTempDir();
      await using pty = await spawnPty(
        [Deno.execPath(), ...cliArgs(["needy"])],
        { env: { NO_COLOR: "1", WST_TRUST: "0", XDG_STATE_HOME: state }, cwd: ws.dir },
      );
      const guard = setTimeout(() => Deno.kill(-pty.pid, "SIGKILL"), HANG_MS);
      try {
        await pty.waitFor("Run and remember? [y/N]");
        if (how === "ctrl-c") await pty.write("\x03");
        else Deno.kill(pty.pid, how);
        assertEquals(await pty.status, { code: 130, signal: undefined }, pty.output());
        assertMatch(pty.output(), /interrupted at the approval question/);
        assertEquals(await exists(`${state}/wst/trust.json`), false, "an approval was recorded");
      } finally {
        clearTimeout(guard);
        await Deno.remove(state, { recursive: true });
      }
    },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

Deno.test("a step whose child dies of a signal exits 128 + its number, not 0 (dax reported a success)", async () => {
  await using ws = await workspace({
    ".wst/tasks/killed.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "killed",
  description: "Runs a shell that kills itself",
  permissions: { run: ["sh"] },
  async run(ctx) {
    const term = await ctx.$\`sh -c 'kill -TERM $$'\`.noThrow();
    const kill = await ctx.$\`sh -c 'kill -KILL $$'\`.noThrow();
    return [term.code, kill.code];
  },
});
`,
  });
  const run = await wst(["killed", "--root", ws.dir, "--json"]);
  assertEquals([run.code, JSON.parse(run.stdout)], [0, [143, 137]], run.stderr);
});
