import $ from "dax";
import { assertEquals, assertMatch, rejection } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import testMrAll from "./test_mr_all.ts";
import validate from "./validate_kustomizations.ts";

const TEST_MR = 'version: "3"\ntasks:\n  test:mr:\n    cmds: [echo ok]\n';
const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";

/** A `task` stand-in (go-task cannot be installed here): fails where `fail-mr` exists. */
async function withStubTask(dir: string): Promise<() => void> {
  await Deno.mkdir(`${dir}/bin`);
  await Deno.writeTextFile(
    `${dir}/bin/task`,
    '#!/bin/sh\necho "ran $*"\n[ -f fail-mr ] && { echo "it broke" >&2; exit 2; }\nexit 0\n',
  );
  await Deno.chmod(`${dir}/bin/task`, 0o755);
  const path = Deno.env.get("PATH") ?? "";
  Deno.env.set("PATH", `${dir}/bin:${path}`);
  return () => Deno.env.set("PATH", path);
}

Deno.test("test-mr-all runs taskfile and kustomization targets, with --fail-fast and --target", async () => {
  await using ws = await workspace({
    "a-svc/Taskfile.yml": TEST_MR,
    "a-svc/fail-mr": "",
    "b-k8s/kustomization.yaml": "resources: [cm.yaml]\n",
    "b-k8s/cm.yaml": CM,
    "c-svc/Taskfile.yml": TEST_MR,
  });
  const restore = await withStubTask(ws.dir);
  try {
    const all = await runTask(testMrAll, { jobs: 1 }, { root: ws.dir, $ });
    assertEquals(all.value.results.map((r) => [r.name, r.status]), [
      ["a-svc", "failed"],
      ["b-k8s", "passed"],
      ["c-svc", "passed"],
    ]);
    assertEquals(all.failed, true);
    assertMatch(all.value.results[0]!.message, /task test:mr exited with code 2:\nit broke/);
    assertEquals(all.logs.some((l) => l.message === "[c-svc] ran test:mr"), true);
    assertMatch(testMrAll.render!(all.value), /2 passed, 1 failed, 0 skipped \(0 from cache\)/);

    const fast = await runTask(testMrAll, { jobs: 1, failFast: true, cache: false }, {
      root: ws.dir,
      $,
    });
    assertEquals(fast.value.results.map((r) => r.status), ["failed", "skipped", "skipped"]);

    const one = await runTask(testMrAll, { target: "./c-svc/" }, { root: ws.dir, $ });
    assertEquals(one.value.results.map((r) => r.path), ["c-svc"]);
    assertEquals(one.failed, false);
    await rejection(() => runTask(testMrAll, { target: "nope" }, { root: ws.dir, $ }), UsageError);
    await rejection(() => runTask(testMrAll, { shard: "0/3" }, { root: ws.dir, $ }), UsageError);
  } finally {
    restore();
  }
});

Deno.test("validate-kustomizations reuses cached results until an input changes", async () => {
  await using ws = await workspace({
    "base/kustomization.yaml": "resources: [cm.yaml]\n",
    "base/cm.yaml": CM,
    "dev/kustomization.yaml": "resources: [../base]\n",
  });
  const run = () => runTask(validate, {}, { root: ws.dir, $ });
  assertEquals((await run()).value.totals, {
    total: 2,
    passed: 2,
    failed: 0,
    skipped: 0,
    cached: 0,
  });
  assertEquals((await run()).value.totals.cached, 2);
  await Deno.writeTextFile(`${ws.dir}/dev/extra.txt`, "touch\n");
  assertEquals((await run()).value.results.map((r) => r.cached), [true, false]);
  const junit = `${ws.dir}/report.xml`;
  await runTask(validate, { cache: false, junit }, { root: ws.dir, $ });
  assertMatch(
    await Deno.readTextFile(junit),
    /<testsuite name="Kustomization validation" tests="2" failures="0"/,
  );
});
