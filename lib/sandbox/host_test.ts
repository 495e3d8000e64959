// PrestartedWorker and runSandboxed. The tests watch the workers host.ts
// starts (a spy on the global Worker constructor) instead of sleeping: they
// wait for the worker's own events, and count the workers a run started and
// the ones it terminated.
import { assert, assertEquals, assertMatch, assertRejects, rejection } from "../../tests/assert.ts";
import { SandboxDeniedError, WstError } from "../errors/mod.ts";
import type { Reporter } from "../reporter/mod.ts";
import { PrestartedWorker, runSandboxed, type TaskModule } from "./host.ts";
import { resolvePermissions } from "./worker_permissions.ts";

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

/** The workers started while it is in use, in order, and the ones terminated. */
interface WorkerSpy extends Disposable {
  readonly started: Worker[];
  readonly terminated: Set<Worker>;
}

/** Replaces the global Worker with a subclass that records; dispose restores it. */
function spyOnWorkers(): WorkerSpy {
  const global = globalThis as { Worker: typeof Worker };
  const original = global.Worker;
  const started: Worker[] = [];
  const terminated = new Set<Worker>();
  global.Worker = class extends original {
    constructor(...args: ConstructorParameters<typeof Worker>) {
      super(...args);
      started.push(this);
    }
    override terminate(): void {
      terminated.add(this);
      super.terminate();
    }
  };
  return { started, terminated, [Symbol.dispose]: () => (global.Worker = original) };
}

/**
 * Resolves with the worker's next event of this type. Its listener is added
 * after PrestartedWorker's own handler, so that handler has seen the event.
 */
function nextEvent(worker: Worker | undefined, type: "error" | "message"): Promise<Event> {
  assert(worker !== undefined, "no worker was started");
  // A worker that never sends the event fails the test instead of hanging the suite.
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within 60 s`)), 60_000);
    worker.addEventListener(type, (event) => {
      clearTimeout(timer);
      resolve(event);
    }, { once: true });
  });
}

/** The permissions a worker gets for nothing declared, as take() compares them. */
function noPermissions(root: string): Deno.PermissionOptionsObject {
  return resolvePermissions({}, root).worker;
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

const BROKEN = `export default undefined;\nthrow new Error("broken at load");\n`;

Deno.test("PrestartedWorker: a run takes over a worker started with its permissions", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${dir}/allowed.txt`, "yes");
    await Deno.writeTextFile(`${dir}/secret.txt`, "no");
    const task = await taskModule(dir, "reader", READER);
    const permissions = { read: ["allowed.txt"] };
    using spy = spyOnWorkers();

    const early = new PrestartedWorker(task, permissions, dir);
    const result = await runSandboxed(task, {
      root: dir,
      args: { file: "allowed.txt" },
      permissions,
      reporter: quiet,
      prestarted: early,
    });
    assertEquals(result.value, "yes");
    assertEquals(spy.started.length, 1, "the run started a second worker instead of taking over");
    assert(spy.terminated.has(spy.started[0]!), "the run did not end its worker");

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
    assertEquals(spy.started.length, 2, "the refused run did not use the prestarted worker");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: started with other permissions, it is terminated and a new worker runs", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${dir}/secret.txt`, "no");
    const task = await taskModule(dir, "reader", READER);
    using spy = spyOnWorkers();
    // Started with more than the run grants: the run must not inherit it.
    const broader = new PrestartedWorker(task, { read: ["."] }, dir);
    const [prestarted] = spy.started;
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
    assertEquals(spy.started.length, 2, "the run did not start a worker of its own");
    assert(spy.terminated.has(prestarted!), "the broader worker was left running");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: take() hands over the events that arrived before it", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const task = await taskModule(dir, "broken", BROKEN);
    using spy = spyOnWorkers();
    const early = new PrestartedWorker(task, {}, dir);
    // The module fails while nobody but the PrestartedWorker listens: the
    // worker runtime reports the load failure as an error message.
    await nextEvent(spy.started[0], "message");
    const taken = early.take(task, noPermissions(dir));
    assert(
      taken !== undefined,
      "a worker started for this module and permissions was not handed over",
    );
    try {
      assertEquals(taken.worker, spy.started[0]);
      assertEquals(taken.early.map((event) => event.type), ["message"]);
      const data = (taken.early[0] as MessageEvent).data;
      assertEquals(data.type, "error");
      assertMatch(data.error.message, /broken at load/);
    } finally {
      taken.worker.terminate();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: an error before the run takes over is reported by the run", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const task = await taskModule(dir, "broken", BROKEN);
    using spy = spyOnWorkers();
    const early = new PrestartedWorker(task, {}, dir);
    await nextEvent(spy.started[0], "message");
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
    assertEquals(error.message, "Cannot load the task module: broken at load");
    assertEquals(error.location?.line, 2);
    // Reported from the events kept before the run: no second worker loaded the module.
    assertEquals(spy.started.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PrestartedWorker: dispose terminates a worker no run took", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    // JavaScript that says when it has loaded: the test ends a loaded worker, not one mid-load.
    const path = `${dir}/idle.js`;
    await Deno.writeTextFile(path, `self.postMessage("loaded");\nexport default undefined;\n`);
    const url = new URL(`file://${path}`).href;
    const task = { name: "idle", url, worker: url };
    using spy = spyOnWorkers();
    const unused = new PrestartedWorker(task, {}, dir);
    const [worker] = spy.started;
    await nextEvent(worker, "message");
    assert(!spy.terminated.has(worker!), "terminated before dispose()");
    unused.dispose();
    assert(spy.terminated.has(worker!), "dispose() left the worker running");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
