// Safe inspection (docs/adr/0010): listing, help and completion load a
// repository's task modules, which run their top-level code. Each hostile
// module in tests/hostile/load_*.ts sits beside a good task in a fresh
// workspace; wst must exit normally, list the good task and name the bad
// module and what it did, without reaching the network or reading outside
// the root. Each workspace is the folder `ws` of a temporary folder that also
// holds `outside.json` (outside the root) and the user's cache (`cache/`,
// through WST_CACHE_DIR: XDG_CACHE_HOME would move Deno's own cache too).
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { type TempWorkspace, workspace } from "./_cli.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const HOSTILE = new URL("./hostile/", import.meta.url);
const SECRET = "outside-the-root-4711";

const GOOD = `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "good",
  description: "A good task",
  args: z.object({}),
  permissions: {},
  run: () => "good",
});
`;

interface InspectWorkspace extends TempWorkspace {
  readonly root: string;
  readonly env: Record<string, string>;
}

/** A workspace with the good task and the given hostile modules (file → edit of its source). */
async function withModules(
  hostile: Record<string, (source: string) => string>,
  extra: Record<string, string> = {},
): Promise<InspectWorkspace> {
  const files: Record<string, string> = {
    "ws/.wst/tasks/good.ts": GOOD,
    "ws/README.md": "workspace\n",
    "outside.json": JSON.stringify({ secret: SECRET }),
    ...extra,
  };
  for (const [file, edit] of Object.entries(hostile)) {
    const source = await Deno.readTextFile(new URL(file.replace(/_\d+\.ts$/, ".ts"), HOSTILE));
    files[`ws/.wst/tasks/${file}`] = edit(source);
  }
  const outer = await workspace(files);
  return Object.assign(outer, {
    root: `${outer.dir}/ws`,
    env: { WST_CACHE_DIR: `${outer.dir}/cache`, DENO_NO_UPDATE_CHECK: "1" },
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs wst, killed after a generous time: the tests assert that it returns at all. */
async function wst(args: string[], env: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

interface Listed {
  tasks: Array<{ name: string; source: string; description: string }>;
  problems: Array<{ file: string; message: string; kind: string }>;
}

async function list(ws: InspectWorkspace, env: Record<string, string> = {}): Promise<Listed> {
  const run = await wst(["list", "--root", ws.root, "--json"], { ...ws.env, ...env });
  assertEquals(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const local = (listed: Listed) =>
  listed.tasks.filter((t) => t.source === "local").map((t) => t.name).sort();

const misbehaving: Array<{ file: string; env: Record<string, string>; message: RegExp }> = [
  {
    file: "load_loop.ts",
    env: { WST_LOAD_TIMEOUT: "2" },
    message: /^The task module did not load within 2 s/,
  },
  {
    file: "load_never_settles.ts",
    env: { WST_LOAD_TIMEOUT: "2" },
    message: /^The task module did not load within 2 s/,
  },
  {
    // The time limit is far away: the memory limit must end it.
    file: "load_oom.ts",
    env: { WST_LOAD_MEMORY: "128", WST_LOAD_TIMEOUT: "60" },
    message: /^The task module exhausted its memory limit \(128 MB\)/,
  },
  { file: "load_exit.ts", env: {}, message: /^The task called Deno\.exit\(0\)/ },
  { file: "load_exit_node.ts", env: {}, message: /^The task called Deno\.exit\(0\)/ },
];

for (const { file, env, message } of misbehaving) {
  Deno.test(`inspection holds ${file.replace(".ts", "")}: listed as a problem, the good task still lists`, async () => {
    await using ws = await withModules({ [file]: (s) => s });
    const listed = await list(ws, env);
    assertEquals(local(listed), ["good"]);
    assertEquals(listed.problems.length, 1, JSON.stringify(listed.problems));
    assertEquals(listed.problems[0]!.file, `.wst/tasks/${file}`);
    assertMatch(listed.problems[0]!.message, message);
  });
}

Deno.test("inspection: --help with a looping module exits normally, lists the good task, names the bad one", async () => {
  await using ws = await withModules({ "load_loop.ts": (s) => s });
  const run = await wst(["--help", "--root", ws.root], { ...ws.env, WST_LOAD_TIMEOUT: "2" });
  assertEquals(run.code, 0, run.stderr);
  assertMatch(run.stdout, /\bgood\b.*A good task/);
  assertMatch(run.stderr, /\.wst\/tasks\/load_loop\.ts: The task module did not load within 2 s/);
  // Describing a task that is not there names the module that did not load, too.
  const describe = await wst(["describe", "load-loop", "--root", ws.root], {
    ...ws.env,
    WST_LOAD_TIMEOUT: "2",
  });
  assertEquals(describe.code, 2, describe.stderr);
  assertMatch(
    describe.stderr,
    /\.wst\/tasks\/load_loop\.ts: The task module did not load within 2 s/,
  );
});

Deno.test("inspection: when the loading process dies with several modules unanswered, each culprit is found", async () => {
  await using ws = await withModules({ "load_oom.ts": (s) => s, "load_oom_2.ts": (s) => s });
  const listed = await list(ws, { WST_LOAD_MEMORY: "128", WST_LOAD_TIMEOUT: "60" });
  assertEquals(local(listed), ["good"]);
  assertEquals(listed.problems.map((p) => p.file).sort(), [
    ".wst/tasks/load_oom.ts",
    ".wst/tasks/load_oom_2.ts",
  ]);
  for (const p of listed.problems) assertMatch(p.message, /exhausted its memory limit/);
});

/** A loopback proxy that records every connection made through it, and refuses them all. */
function recordingProxy(): { url: string; seen: string[] } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: string[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      const buffer = new Uint8Array(1024);
      const n = await conn.read(buffer).catch(() => null);
      seen.push(new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split("\r\n")[0] ?? "");
      conn.close();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    seen,
    [Symbol.asyncDispose]: async () => {
      listener.close();
      await accepting;
    },
  };
}

Deno.test("inspection: loading never reaches the network (npm, jsr, https imports)", async () => {
  await using proxy = recordingProxy();
  await using ws = await withModules({
    "load_npm_import.ts": (s) => s,
    "load_jsr_import.ts": (s) => s,
    "load_https_import.ts": (s) => s,
  });
  const listed = await list(ws, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
  assertEquals(proxy.seen, []);
  assert(local(listed).includes("good"));
  // The npm and jsr imports are awaited and caught: their modules load, with the import failed.
  const problem = listed.problems.find((p) => p.file === ".wst/tasks/load_https_import.ts");
  assert(problem !== undefined, JSON.stringify(listed));
});

Deno.test("inspection: loading never reads outside the root (literal relative JSON import, absolute import)", async () => {
  await using ws = await withModules({
    "load_outside_json.ts": (s) => s,
    "load_system_import.ts": (s) => s,
  });
  const outside = `${ws.dir}/outside.json`;
  // The absolute path is only known now: rewrite the module in place.
  const module = `${ws.root}/.wst/tasks/load_system_import.ts`;
  const source = await Deno.readTextFile(module);
  await Deno.writeTextFile(module, source.replace("/etc/wst-hostile-outside.json", outside));
  const run = await wst(["list", "--root", ws.root, "--json"], ws.env);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stdout.includes(SECRET), false, run.stdout);
  const listed: Listed = JSON.parse(run.stdout);
  const json = listed.problems.find((p) => p.file === ".wst/tasks/load_outside_json.ts");
  assertEquals(json?.kind, "sandbox-denied");
  assertMatch(json!.message, /read access to ".*\/outside\.json"/);
  assert(local(listed).includes("good"));
});

Deno.test("completion never waits on a module: built-ins without a cache, local tasks from it", async () => {
  await using ws = await withModules({ "load_loop.ts": (s) => s });
  const complete = () => wst(["__complete", "", "--root", ws.root], ws.env);
  const cold = await complete();
  assertEquals(cold.code, 0, cold.stderr);
  const proposals = cold.stdout.split("\n");
  assert(proposals.includes("list") && proposals.includes("validate-config"), cold.stdout);
  assertEquals(proposals.includes("good"), false);
  // A listing caches what loaded (not the timeout, which a busy machine can cause).
  await list(ws, { WST_LOAD_TIMEOUT: "2" });
  const warm = await complete();
  assertEquals(warm.code, 0, warm.stderr);
  assert(warm.stdout.split("\n").includes("good"), warm.stdout);
});

/** The one cache file of a test's workspace. */
async function cacheFile(ws: InspectWorkspace): Promise<string> {
  const dir = `${ws.env.WST_CACHE_DIR}/registry`;
  const names = await Array.fromAsync(Deno.readDir(dir), (e) => e.name);
  assertEquals(names.length, 1, names.join(", "));
  return `${dir}/${names[0]}`;
}

Deno.test("registry cache: list and runs take it while the .wst/ folder is unchanged; describe or a change inspects again", async () => {
  await using ws = await withModules({});
  await list(ws);
  const path = await cacheFile(ws);
  const cache = JSON.parse(await Deno.readTextFile(path));
  assertEquals(cache.root, ws.root);
  assertEquals(cache.modules[".wst/tasks/good.ts"].meta.name, "good");
  // A planted description is shown by list, which therefore did not load the module…
  cache.modules[".wst/tasks/good.ts"].meta.description = "From the cache";
  await Deno.writeTextFile(path, JSON.stringify(cache));
  const cached = await list(ws);
  assertEquals(cached.tasks.find((t) => t.name === "good")?.description, "From the cache");
  // …and so does a run; but permissions planted in the cache that reach beyond the root still
  // need the user's approval: the cache cannot widen a run unasked.
  const planted = JSON.parse(await Deno.readTextFile(path));
  planted.modules[".wst/tasks/good.ts"].meta.permissions = { read: ["/etc"] };
  await Deno.writeTextFile(path, JSON.stringify(planted));
  const state = { XDG_STATE_HOME: `${ws.root}/../state`, WST_TRUST: "0" };
  const run = await wst(["good", "--root", ws.root, "--json"], { ...ws.env, ...state });
  assertEquals(run.code, 3, run.stderr);
  assertEquals(JSON.parse(run.stdout).error.kind, "trust-required");
  // `describe` inspects the module again (its own: what it shows is the module's, not the cache's).
  const described = await wst(["describe", "good", "--root", ws.root, "--json"], ws.env);
  assertEquals(described.code, 0, described.stderr);
  assertEquals(JSON.parse(described.stdout).permissions.read ?? [], []);
  const refreshed = await list(ws);
  assertEquals(refreshed.tasks.find((t) => t.name === "good")?.description, "A good task");
  // Any change in the .wst/ folder inspects again.
  await Deno.writeTextFile(
    `${ws.root}/.wst/tasks/good.ts`,
    GOOD.replace("A good task", "A changed task"),
  );
  const changed = await list(ws);
  assertEquals(changed.tasks.find((t) => t.name === "good")?.description, "A changed task");
});

Deno.test("registry cache: describe and trust of one task inspect its module alone; the others' entries stay", async () => {
  // A module of another task that hangs while it loads cost every describe its 5 s time limit.
  const OTHER = GOOD.replace('name: "good"', 'name: "other"').replace("A good task", "Another");
  await using ws = await withModules({}, { "ws/.wst/tasks/other.ts": OTHER });
  await list(ws);
  const path = await cacheFile(ws);
  const cache = JSON.parse(await Deno.readTextFile(path));
  cache.modules[".wst/tasks/good.ts"].meta.description = "Planted for good";
  cache.modules[".wst/tasks/other.ts"].meta.description = "Planted for other";
  await Deno.writeTextFile(path, JSON.stringify(cache));
  for (const command of ["describe", "trust"]) {
    const run = await wst([command, "good", "--root", ws.root], ws.env);
    assertEquals(run.code, 0, run.stderr);
  }
  const after = await list(ws);
  const description = (name: string) => after.tasks.find((t) => t.name === name)?.description;
  assertEquals(description("good"), "A good task", "inspected again");
  assertEquals(description("other"), "Planted for other", "not inspected");
  // A name the cache does not know inspects every module.
  const unknown = await wst(["describe", "nothing", "--root", ws.root], ws.env);
  assertEquals(unknown.code, 2, unknown.stderr);
  assertEquals(local(await list(ws)), ["good", "other"]);
  assertEquals((await list(ws)).tasks.find((t) => t.name === "other")?.description, "Another");
});

Deno.test("registry cache: an entry is checked again (a planted name or description is a problem)", async () => {
  await using ws = await withModules({});
  await list(ws);
  const path = await cacheFile(ws);
  const cache = JSON.parse(await Deno.readTextFile(path));
  cache.modules[".wst/tasks/good.ts"].meta.name = "list";
  cache.modules[".wst/tasks/good.ts"].meta.description = "two\nlines";
  await Deno.writeTextFile(path, JSON.stringify(cache));
  const listed = await list(ws);
  assertEquals(local(listed), []);
  assertEquals(listed.problems.length, 1);
  assertMatch(listed.problems[0]!.message, /name: .*; description: /);
  // Garbage is no cache at all.
  await Deno.writeTextFile(path, "{ not json");
  assertEquals(local(await list(ws)), ["good"]);
});

Deno.test("inspection: a .wst folder that is a symbolic link out of the root is not loaded", async () => {
  await using ws = await withModules({}, {
    "elsewhere/tasks/linked.ts": GOOD.replace('"good"', '"linked"'),
  });
  await Deno.remove(`${ws.root}/.wst`, { recursive: true });
  await Deno.symlink(`${ws.dir}/elsewhere`, `${ws.root}/.wst`);
  const listed = await list(ws);
  assertEquals(local(listed), []);
  assertEquals(listed.problems.map((p) => [p.file, p.kind]), [[".wst", "sandbox-denied"]]);
  assertMatch(listed.problems[0]!.message, /^\.wst is a symbolic link/);
});
