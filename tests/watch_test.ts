// `wst <task> --watch` on a real pseudo-terminal (tests/_pty.ts): a change reruns the task, the
// previous run's whole process tree is gone first, and Ctrl-C ends the watch with 130.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { processesWith, PTY_UNAVAILABLE, spawnPty } from "./_pty.ts";

const ignore = PTY_UNAVAILABLE !== undefined;
const skipped = ignore ? ` (skipped: ${PTY_UNAVAILABLE})` : "";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

/** Far beyond what a run takes: only a watch that hangs takes this long. */
const HANG_MS = 60_000;

/** A long-running task (a server, say) whose sleep runs in a background grandchild. */
function serveTask(marker: string): string {
  return `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "serve",
  description: "Starts a long-running process",
  permissions: { run: ["bash"], read: ["."] },
  async run(ctx) {
    ctx.log.info(\`run \${await Deno.readTextFile("src/input.txt")}\`);
    await ctx.$\`bash -c "sleep ${marker} & wait"\`;
  },
});
`;
}

/** The marked sleeps running (not the shells whose command lines name them). */
function sleeps(marker: string): string[] {
  return processesWith(marker).filter((p) => p.endsWith(`: sleep ${marker}`));
}

async function until(what: string, found: () => boolean): Promise<void> {
  for (const end = Date.now() + HANG_MS; Date.now() < end;) {
    if (found()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

for (const confine of ["off", "auto"]) {
  Deno.test(
    `--watch reruns a task when a file changes, ending the previous run's process tree first; Ctrl-C ends it with 130 (WST_CONFINE=${confine})${skipped}`,
    { ignore },
    async () => {
      const marker = `300.${crypto.getRandomValues(new Uint32Array(1))[0]}`;
      await using ws = await workspace({
        ".wst/tasks/serve.ts": serveTask(marker),
        "src/input.txt": "one",
      });
      await using pty = await spawnPty(
        [
          Deno.execPath(),
          "run",
          "--quiet",
          ...RUNTIME_FLAGS,
          `${REPO_ROOT}/${ENTRY_POINT}`,
          "serve",
          "--watch",
          "--root",
          ws.dir,
        ],
        { env: { NO_COLOR: "1", WST_TRUST: "1", WST_CONFINE: confine }, cwd: REPO_ROOT },
      );
      const guard = setTimeout(() => Deno.kill(-pty.pid, "SIGKILL"), HANG_MS);
      try {
        await pty.waitFor("run one");
        await until("the first run's sleep", () => sleeps(marker).length === 1);
        const first = sleeps(marker);
        // A change the task declares no interest in: .git is never watched.
        await Deno.mkdir(`${ws.dir}/.git`);
        await Deno.writeTextFile(`${ws.dir}/.git/HEAD`, "ref: refs/heads/main\n");
        await Deno.writeTextFile(`${ws.dir}/src/input.txt`, "two");
        await pty.waitFor("run two");
        await until(
          "the second run's sleep",
          () => sleeps(marker).length > 0 && !sleeps(marker).includes(first[0]!),
        );
        const second = sleeps(marker);
        // One sleep at a time: the first run's was ended before the rerun, not left orphaned.
        assertEquals(second.length, 1, second.join("\n"));
        assertEquals(
          second[0] === first[0],
          false,
          "the first run's sleep is still the one running",
        );
        await pty.write("\x03");
        const status = await pty.status;
        const output = pty.output();
        assertEquals(status, { code: 130, signal: undefined }, output);
        assertMatch(output, /declares no sources/);
        assertMatch(output, /src\/input\.txt changed/);
        assertEquals(output.includes(".git/HEAD changed"), false, output);
        assertEquals(processesWith(marker), [], "the last run's processes are still running");
      } finally {
        clearTimeout(guard);
      }
    },
  );
}

Deno.test("--watch after the name of a task with a watch argument is the task's own", async () => {
  await using ws = await workspace({
    ".wst/tasks/flagged.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "flagged",
  description: "Has its own watch flag",
  args: z.object({ watch: z.boolean().default(false) }),
  permissions: {},
  run: (_ctx, args) => ({ watch: args.watch }),
});
`,
  });
  const run = await wst(["flagged", "--watch", "--root", ws.dir, "--json"]);
  assertEquals([run.code, JSON.parse(run.stdout)], [0, { watch: true }], run.stderr);
});

Deno.test("--watch with --json is a usage error (one JSON document cannot hold every run)", async () => {
  await using ws = await workspace({ ".wst/tasks/serve.ts": serveTask("300.1") });
  const run = await wst(["serve", "--watch", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(JSON.parse(run.stdout).error.message, /^--watch cannot be used with --json/);
});

Deno.test("--watch with a command that is not a task is a usage error", async () => {
  const run = await wst(["list", "--watch"]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(
    run.stderr,
    /--watch runs a task again when its sources change: it does not apply to "list"/,
  );
});
