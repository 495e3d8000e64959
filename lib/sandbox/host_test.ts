import { assertEquals, assertMatch, assertRejects, rejection } from "../../tests/assert.ts";
import { SandboxDeniedError, WstError } from "../errors/mod.ts";
import type { Reporter } from "../reporter/mod.ts";
import { PrestartedWorker, runSandboxed, type TaskModule } from "./host.ts";

const MOD_URL = new URL("../../mod.ts", import.meta.url).href;

const quiet: Reporter = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  progress: () => ({ tick() {}, done() {} }),
};

async function taskModule(dir: string, name: string, source: string): Promise<TaskModule> {
  const path = `${dir}/${name}.ts`;
  await Deno.writeTextFile(path, source);
  return { name, url: new URL(`file://${path}`).href };
}

const READER = `import { defineTask } from ${JSON.stringify(MOD_URL)};
import { z } from "zod";
export default defineTask({
  name: "reader",
  description: "Reads a file named by its argument",
  args: z.object({ file: z.string() }),
  permissions: { read: ["allowed.txt"] },
  run: (ctx, args) => Deno.readTextFile(ctx.root + "/" + args.file),
});
`;

Deno.test("PrestartedWorker: a run takes over a worker started with its permissions", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${dir}/allowed.txt`, "yes");
    await Deno.writeTextFile(`${dir}/secret.txt`, "no");
    const task = await taskModule(dir, "reader", READER);
    const permissions = { read: ["allowed.txt"] };

    const early = new PrestartedWorker(task, permissions, dir);
    const result = await runSandboxed(task, {
      root: dir,
      args: { file: "allowed.txt" },
      permissions,
      reporter: quiet,
      prestarted: early,
    });
    assertEquals(result.value, "yes");

    // The taken worker has exactly the run's permissions: nothing more.
    const again = new PrestartedWorker(task, permissions, dir);
    await assertRejects(
      () =>
        runSandboxed(task, {
          root: dir,
          args: { file: "secret.txt" },
          permissions,
          reporter: quiet,
          prestarted: again,
        }),
      SandboxDeniedError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: started with other permissions, it is discarded, never used", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${dir}/secret.txt`, "no");
    const task = await taskModule(dir, "reader", READER);
    // Started with more than the run grants: the run must not inherit it.
    const broader = new PrestartedWorker(task, { read: ["."] }, dir);
    await assertRejects(
      () =>
        runSandboxed(task, {
          root: dir,
          args: { file: "secret.txt" },
          permissions: { read: ["allowed.txt"] },
          reporter: quiet,
          prestarted: broader,
        }),
      SandboxDeniedError,
    );
    assertEquals(broader.take(task, {}), undefined, "taken once, then gone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: an error before the run takes over is reported by the run", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const task = await taskModule(
      dir,
      "broken",
      `export default undefined;\nthrow new Error("broken at load");\n`,
    );
    const early = new PrestartedWorker(task, {}, dir);
    // Let the module fail while nobody listens yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const error = await rejection(
      () =>
        runSandboxed(task, {
          root: dir,
          args: {},
          permissions: {},
          reporter: quiet,
          prestarted: early,
        }),
      WstError,
    );
    assertMatch(error.message, /broken at load/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: dispose ends a worker no run took", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const path = `${dir}/idle.js`;
    await Deno.writeTextFile(path, "export default undefined;\n");
    const url = new URL(`file://${path}`).href;
    const task = { name: "idle", url, worker: url };
    const unused = new PrestartedWorker(task, {}, dir);
    // Let it load first: ended while loading, Deno reports the interrupted module check.
    await new Promise((resolve) => setTimeout(resolve, 300));
    unused.dispose();
    assertEquals(unused.take(task, {}), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
