// runSandboxed. The tests watch the workers host.ts starts (a spy on the
// global Worker constructor) instead of sleeping, and count the workers a run
// started and the ones it terminated.
import { assert, assertEquals, assertRejects, rejection } from "../../tests/assert.ts";
import { SandboxDeniedError, WstError } from "../errors/mod.ts";
import type { Reporter } from "../reporter/mod.ts";
import { runSandboxed, type TaskModule } from "./host.ts";
import { permissionsProblem } from "../task/scope.ts";

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

Deno.test("runSandboxed: a run gets exactly its permissions, in one worker it ends", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${dir}/allowed.txt`, "yes");
    await Deno.writeTextFile(`${dir}/secret.txt`, "no");
    const task = await taskModule(dir, "reader", READER);
    const permissions = { read: ["allowed.txt"] };
    using spy = spyOnWorkers();
    const result = await runSandboxed(task, {
      root: dir,
      args: { file: "allowed.txt" },
      permissions,
      reporter: quiet,
    });
    assertEquals(result.value, "yes");
    assertEquals(spy.started.length, 1);
    assert(spy.terminated.has(spy.started[0]!), "the run did not end its worker");
    await assertRejects(
      () =>
        runSandboxed(task, {
          root: dir,
          args: { file: "secret.txt" },
          permissions,
          reporter: quiet,
        }),
      SandboxDeniedError,
    );
    assert(spy.terminated.has(spy.started[1]!), "the refused run did not end its worker");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSandboxed: a module that fails at load is one error with its line", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const task = await taskModule(dir, "broken", BROKEN);
    using spy = spyOnWorkers();
    const error = await rejection(
      () => runSandboxed(task, { root: dir, args: {}, permissions: {}, reporter: quiet }),
      WstError,
    );
    assertEquals(error.message, "Cannot load the task module: broken at load");
    assertEquals(error.location?.line, 2);
    assert(spy.terminated.has(spy.started[0]!), "the failed run did not end its worker");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSandboxed: what a local module may read while it loads is revoked before it runs", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/.wst/tasks`, { recursive: true });
    const path = `${dir}/.wst/tasks/peek.ts`;
    await Deno.writeTextFile(
      path,
      `const atLoad = Deno.readTextFileSync(${JSON.stringify(path)}).length > 0;
export default {
  name: "peek",
  description: "Reads its own module at load and at run time",
  run: () => ({ atLoad, atRun: Deno.readTextFileSync(${JSON.stringify(path)}).length > 0 }),
};
`,
    );
    const task = { name: "peek", url: new URL(`file://${path}`).href };
    const error = await rejection(
      () => runSandboxed(task, { root: dir, args: {}, permissions: {}, reporter: quiet }),
      SandboxDeniedError,
    );
    assertEquals(error.operation, `read access to "${path}"`);
    // Declared, the same read is granted at run time.
    const granted = await runSandboxed(task, {
      root: dir,
      args: {},
      permissions: { read: [".wst"] },
      reporter: quiet,
    });
    assertEquals(granted.value, { atLoad: true, atRun: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("permissionsProblem: computed permissions are taken only in a declaration's shape", () => {
  assertEquals(permissionsProblem({}), undefined);
  assertEquals(
    permissionsProblem({
      read: ["."],
      write: [],
      run: ["git"],
      tasks: ["lint"],
      interactive: true,
    }),
    undefined,
  );
  // A string where a list goes: `includes` would match any part of it ("lint" in "lint-all").
  assertEquals(permissionsProblem({ tasks: "lint-all" }), "tasks: not a list of names");
  assertEquals(permissionsProblem({ read: [""] }), "read: not a list of names");
  assertEquals(permissionsProblem({ read: [{}] }), "read: not a list of names");
  assertEquals(permissionsProblem({ sys: ["hostname"] }), 'unknown key "sys"');
  assertEquals(permissionsProblem({ interactive: "yes" }), "interactive: not a boolean");
  assertEquals(permissionsProblem([]), "not an object");
  assertEquals(permissionsProblem(null), "not an object");
});
