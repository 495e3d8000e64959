import $ from "dax";
import { assertEquals, assertMatch, rejection } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import task from "./discover_mr_targets.ts";

const TEST_MR = 'version: "3"\ntasks:\n  test:mr:\n    cmds: [echo ok]\n';

Deno.test("discover-mr-targets returns the matrix and renders a table", async () => {
  await using ws = await workspace({
    "svc/Taskfile.yml": TEST_MR,
    "apps/base/kustomization.yaml": "resources: []\n",
  });
  const { value } = await runTask(task, {}, { root: ws.dir });
  assertEquals(value, {
    include: [
      { name: "base", path: "apps/base", type: "kustomization" },
      { name: "svc", path: "svc", type: "taskfile" },
    ],
  });
  assertMatch(task.render!(value), /^NAME +TYPE +PATH\nbase +kustomization +apps\/base\n/);
  assertMatch(task.render!(value), /2 target\(s\): 1 taskfile, 1 kustomization$/);
  assertEquals(task.render!({ include: [] }), "No merge-request targets found");
});

Deno.test("discover-mr-targets declares git, GITHUB_OUTPUT and its file only when asked to", () => {
  const perms = task.permissions as (a: unknown) => Record<string, unknown>;
  assertEquals(perms({ githubOutput: false }), { read: ["."], run: [], env: [], write: [] });
  assertEquals(perms({ githubOutput: true, changedSince: "main" }), {
    read: ["."],
    run: ["git"],
    env: ["GITHUB_OUTPUT"],
    write: ["$GITHUB_OUTPUT"],
  });
});

Deno.test("discover-mr-targets --changed-since keeps affected targets; bad refs are usage errors", async () => {
  await using ws = await workspace({
    "a/kustomization.yaml": "resources: [cm.yaml]\n",
    "a/cm.yaml": "kind: ConfigMap\n",
    "b/kustomization.yaml": "resources: []\n",
  });
  const git = (...args: string[]) =>
    $`git -c user.email=t@example.com -c user.name=t ${args}`.cwd(ws.dir).quiet();
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-qm", "init");
  await Deno.writeTextFile(`${ws.dir}/a/cm.yaml`, "kind: ConfigMap\ndata: {}\n");
  const { value, logs } = await runTask(task, { changedSince: "HEAD" }, { root: ws.dir, $ });
  assertEquals(value.include.map((t) => t.path), ["a"]);
  assertEquals(logs, [{ level: "debug", message: "1 path(s) changed since HEAD" }]);
  await rejection(
    () => runTask(task, { changedSince: "no-such-ref" }, { root: ws.dir, $ }),
    UsageError,
  );
});

Deno.test("discover-mr-targets fails on problems, listing each with its place", async () => {
  await using ws = await workspace({ "x/Taskfile.yaml": "tasks: [test:mr]\n" });
  const err = await rejection(() => runTask(task, {}, { root: ws.dir }), ConfigError);
  assertEquals(err.issues.map((i) => [i.file, i.line, i.path]), [["x/Taskfile.yaml", 1, "tasks"]]);
});

Deno.test("discover-mr-targets --github-output appends to $GITHUB_OUTPUT, or says it is missing", async () => {
  await using ws = await workspace({ "k/kustomization.yaml": "resources: []\n" });
  const file = `${ws.dir}/out`;
  Deno.env.set("GITHUB_OUTPUT", file);
  try {
    await runTask(task, { githubOutput: true }, { root: ws.dir });
    assertEquals(
      await Deno.readTextFile(file),
      'matrix={"include":[{"name":"k","path":"k","type":"kustomization"}]}\ncount=1\n',
    );
  } finally {
    Deno.env.delete("GITHUB_OUTPUT");
  }
  const err = await rejection(
    () => runTask(task, { githubOutput: true }, { root: ws.dir }),
    ConfigError,
  );
  assertMatch(err.message, /--github-output needs the GITHUB_OUTPUT env var/);
});
