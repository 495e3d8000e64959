import $ from "dax";
import { assert, assertEquals, assertMatch, rejection } from "../tests/assert.ts";
import { workspace, wst } from "../tests/_cli.ts";
import { sh } from "../tests/_git.ts";
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import { readTextFileOrNull } from "../lib/fs/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import task, { HOOK_MARKER, hookScript, workspaceTasks } from "./init.ts";

Deno.test("init creates deno.json, is idempotent, and replaces tasks only with --force", async () => {
  await using ws = await workspace({});
  const first = await runTask(task, {}, { root: ws.dir });
  assertEquals(first.value.action, "created");
  assertEquals(JSON.parse(await Deno.readTextFile(`${ws.dir}/deno.json`)), {
    tasks: workspaceTasks("wst"),
  });
  assertEquals((await runTask(task, {}, { root: ws.dir })).value.action, "unchanged");
  await rejection(() => runTask(task, { command: "./wst" }, { root: ws.dir }), UsageError);
  const forced = await runTask(task, { command: "./wst", force: true }, { root: ws.dir });
  assertEquals(forced.value.tasks?.["test:mr:all"], './wst test-mr-all --root "$PWD"');
});

Deno.test("init leaves a deno.json it cannot parse untouched", async () => {
  const original = '{\n  // comments\n  "tasks": {}\n}\n';
  await using ws = await workspace({ "deno.json": original });
  await rejection(() => runTask(task, {}, { root: ws.dir }), ConfigError);
  assertEquals(await Deno.readTextFile(`${ws.dir}/deno.json`), original);
  for await (const entry of Deno.readDir(ws.dir)) assertEquals(entry.name, "deno.json");
});

/** A git repository in a temporary folder, and a `wst` stand-in on PATH that logs its arguments. */
async function repo(files: Record<string, string> = {}) {
  const ws = await workspace(files);
  await sh(ws.dir, "init", "--quiet");
  const bin = await Deno.makeTempDir({ prefix: "wst-stub-" });
  const log = `${bin}/calls`;
  // Exits with the code in `exit-code` (0 when there is none), as wst guard would.
  await Deno.writeTextFile(
    `${bin}/wst`,
    `#!/bin/sh\necho "$*" >> "${log}"\nexit "$(cat "${bin}/exit-code" 2>/dev/null || echo 0)"\n`,
    { mode: 0o755 },
  );
  const commit = async (file: string) => {
    await Deno.writeTextFile(`${ws.dir}/${file}`, `${file}\n`);
    await sh(ws.dir, "add", file);
    const out = await new Deno.Command("git", {
      args: ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", file],
      cwd: ws.dir,
      env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return out.code;
  };
  return {
    dir: ws.dir,
    commit,
    calls: async () => (await readTextFileOrNull(log) ?? "").split("\n").filter(Boolean),
    failNext: (code: number) => Deno.writeTextFile(`${bin}/exit-code`, `${code}\n`),
    async [Symbol.asyncDispose]() {
      await ws[Symbol.asyncDispose]();
      await Deno.remove(bin, { recursive: true });
    },
  };
}

async function isExecutable(path: string): Promise<boolean> {
  return ((await Deno.stat(path)).mode! & 0o111) === 0o111;
}

Deno.test("init --pre-commit-hook installs an executable hook that runs wst guard --staged before each commit", async () => {
  await using r = await repo();
  const first = await runTask(task, { preCommitHook: true }, { root: r.dir, $ });
  assertEquals(first.value.action, "created", "deno.json is still written");
  assertEquals(first.value.hook, {
    file: ".git/hooks/pre-commit",
    action: "created",
    command: 'wst guard --staged --root "$PWD"',
  });
  const hook = `${r.dir}/.git/hooks/pre-commit`;
  assertEquals(await Deno.readTextFile(hook), hookScript('wst guard --staged --root "$PWD"'));
  assertMatch(await Deno.readTextFile(hook), /^#!\/bin\/sh\n# Added by `wst init/);
  assert(await isExecutable(hook), "the hook is executable");

  // git runs it at the top of the work tree; a guard that fails stops the commit.
  assertEquals(await r.commit("a.ts"), 0);
  assertEquals(await r.calls(), [`guard --staged --root ${r.dir}`]);
  await r.failNext(1);
  assertEquals(await r.commit("b.ts"), 1, "a violation stops the commit");
  assertEquals(await sh(r.dir, "log", "--format=%s"), "a.ts");
  assertEquals((await r.calls()).length, 2);

  // Where wst is not on the committer's PATH, the hook says how to fix it (not "wst: not found").
  await Deno.writeTextFile(`${r.dir}/c.ts`, "c\n");
  await sh(r.dir, "add", "c.ts");
  const missing = await new Deno.Command("git", {
    args: ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "c"],
    cwd: r.dir,
    env: { PATH: "/usr/bin:/bin" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(missing.code, 1, "no guard, no commit");
  assertMatch(
    new TextDecoder().decode(missing.stderr),
    /wst guard did not run: wst is not on PATH\..*\n.*wst init --pre-commit-hook --force --command/,
  );
  assertEquals(await sh(r.dir, "log", "--format=%s"), "a.ts");
  await sh(r.dir, "reset", "--quiet");

  // A second run leaves everything as it is.
  const second = await runTask(task, { preCommitHook: true }, { root: r.dir, $ });
  assertEquals(second.value.action, "unchanged");
  assertEquals(second.value.hook?.action, "unchanged");
});

Deno.test("init --pre-commit-hook leaves someone else's hook byte for byte and says what line to add", async () => {
  await using r = await repo();
  const theirs = "#!/bin/sh\n# lint-staged\nnpx lint-staged\n";
  const hook = `${r.dir}/.git/hooks/pre-commit`;
  await Deno.writeTextFile(hook, theirs, { mode: 0o755 });
  const err = await rejection(
    () => runTask(task, { preCommitHook: true }, { root: r.dir, $ }),
    UsageError,
  );
  assertEquals(
    err.message,
    `.git/hooks/pre-commit is not wst's (it has no "${HOOK_MARKER}" line) and was left as it is: ` +
      'to check each commit with wst guard, add this line to it: wst guard --staged --root "$PWD" || exit $?',
  );
  assertEquals(await Deno.readTextFile(hook), theirs);
  assertEquals(await readTextFileOrNull(`${r.dir}/deno.json`), null, "nothing is written");

  // Once the user adds the line, init is content, and the commit runs the guard.
  await Deno.writeTextFile(hook, `${theirs}wst guard --staged --root "$PWD" || exit $?\n`);
  const again = await runTask(task, { preCommitHook: true, denoJson: false }, {
    root: r.dir,
    $,
  });
  assertEquals(again.value, {
    hook: {
      file: ".git/hooks/pre-commit",
      action: "unchanged",
      command: 'wst guard --staged --root "$PWD"',
    },
  });
  assertEquals(await readTextFileOrNull(`${r.dir}/deno.json`), null, "--no-deno-json");
});

Deno.test("init --pre-commit-hook honours core.hooksPath and refuses a hooks folder outside the root", async () => {
  await using r = await repo();
  await sh(r.dir, "config", "core.hooksPath", ".githooks");
  const run = await runTask(task, { preCommitHook: true, denoJson: false }, {
    root: r.dir,
    $,
  });
  assertEquals(run.value.hook?.file, ".githooks/pre-commit");
  assert(await isExecutable(`${r.dir}/.githooks/pre-commit`));
  assertEquals(await readTextFileOrNull(`${r.dir}/.git/hooks/pre-commit`), null);
  assertEquals(await r.commit("a.ts"), 0);
  assertEquals(await r.calls(), [`guard --staged --root ${r.dir}`]);

  const elsewhere = await Deno.makeTempDir({ prefix: "wst-hooks-" });
  try {
    await sh(r.dir, "config", "core.hooksPath", elsewhere);
    const err = await rejection(
      () => runTask(task, { preCommitHook: true, denoJson: false }, { root: r.dir, $ }),
      UsageError,
    );
    assertMatch(err.message, /^The hooks folder ".*" is outside the workspace root/);
    assertMatch(err.message, /runs: wst guard --staged --root "\$PWD" \|\| exit \$\?$/);
    assertEquals([...Deno.readDirSync(elsewhere)], []);
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("init --pre-commit-hook replaces only its own hook, and only with --force", async () => {
  await using r = await repo();
  await runTask(task, { preCommitHook: true, denoJson: false }, { root: r.dir, $ });
  const hook = `${r.dir}/.git/hooks/pre-commit`;
  const args = { preCommitHook: true, denoJson: false, command: "./wst" };
  await rejection(() => runTask(task, args, { root: r.dir, $ }), UsageError);
  assertEquals(await Deno.readTextFile(hook), hookScript('wst guard --staged --root "$PWD"'));
  const forced = await runTask(task, { ...args, force: true }, { root: r.dir, $ });
  assertEquals(forced.value.hook?.action, "updated");
  assertEquals(await Deno.readTextFile(hook), hookScript('./wst guard --staged --root "$PWD"'));
  assert(await isExecutable(hook));
});

Deno.test("init --pre-commit-hook outside a git repository fails and writes nothing", async () => {
  await using ws = await workspace({});
  const err = await rejection(
    () => runTask(task, { preCommitHook: true }, { root: ws.dir, $ }),
    UsageError,
  );
  assertMatch(err.message, /is not in a git work tree/);
  assertEquals([...Deno.readDirSync(ws.dir)], []);
  await rejection(() => runTask(task, { denoJson: false }, { root: ws.dir }), UsageError);
});

Deno.test("wst init --pre-commit-hook installs the hook under the task's declared permissions", async () => {
  await using r = await repo();
  const run = await wst(["init", "--pre-commit-hook", "--root", r.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout).hook.file, ".git/hooks/pre-commit");
  assert(await isExecutable(`${r.dir}/.git/hooks/pre-commit`));
  const again = await wst(["init", "--pre-commit-hook", "--no-deno-json", "--root", r.dir]);
  assertEquals(again.code, 0, again.stderr);
  assertMatch(again.stdout, /The pre-commit hook \.git\/hooks\/pre-commit already runs the guard/);
});

Deno.test("wst init --pre-commit-hook in a linked worktree (confined) names the git folder and the line to add", async () => {
  await using r = await repo();
  await sh(r.dir, "commit", "--quiet", "--allow-empty", "-m", "first");
  await using other = await workspace({});
  const tree = `${other.dir}/tree`;
  await sh(r.dir, "worktree", "add", "--quiet", tree, "-b", "side");
  const run = await wst(["init", "--pre-commit-hook", "--no-deno-json", "--root", tree]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(run.stderr, /\.git" points to ".*\.git\/worktrees\/tree" \(a linked worktree/);
  assertMatch(run.stderr, /runs: wst guard --staged --root "\$PWD" \|\| exit \$\?/);
  assertEquals(
    await Deno.lstat(`${r.dir}/.git/hooks/pre-commit`).then(() => true, () => false),
    false,
  );
});

Deno.test("init --pre-commit-hook in a folder of the repository gives the guard that folder as root", async () => {
  await using r = await repo({ "it's here/deno.json": "{}\n" });
  const root = `${r.dir}/it's here`;
  await sh(r.dir, "config", "core.hooksPath", "it's here/.githooks");
  const run = await runTask(task, { preCommitHook: true, denoJson: false }, { root, $ });
  assertEquals(run.value.hook, {
    file: ".githooks/pre-commit",
    action: "created",
    command: `wst guard --staged --root "$PWD"/'it'\\''s here'`,
  });
  assertEquals(await r.commit("a.ts"), 0);
  assertEquals(await r.calls(), [`guard --staged --root ${root}`]);
});
