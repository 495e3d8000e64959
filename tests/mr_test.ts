// End-to-end: the merge-request tasks through the real CLI, on workspaces the tests build.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";

const TEST_MR = 'version: "3"\ntasks:\n  test:mr:\n    cmds: [echo ok]\n';

Deno.test("discover-mr-targets --json prints the GitHub Actions matrix", async () => {
  await using ws = await workspace({
    "repos/k8s-lab/components/clickhouse/Taskfile.yaml": TEST_MR,
    "repos/k8s-lab/components/traefik/kustomization.yaml": "resources: []\n",
    "apps/base/kustomization.yaml": "resources: []\n",
    "infra/base/kustomization.yaml": "resources: []\n",
  });
  const run = await wst(["discover-mr-targets", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), {
    include: [
      { name: "apps-base", path: "apps/base", type: "kustomization" },
      { name: "infra-base", path: "infra/base", type: "kustomization" },
      { name: "clickhouse", path: "repos/k8s-lab/components/clickhouse", type: "taskfile" },
      { name: "traefik", path: "repos/k8s-lab/components/traefik", type: "kustomization" },
    ],
  });
});

Deno.test("discover-mr-targets --github-output writes matrix= and count=, also when empty", async () => {
  await using ws = await workspace({ "README.md": "no targets\n" });
  const output = `${ws.dir}/github_output`;
  await Deno.writeTextFile(output, "earlier=1\n");
  const run = await wst(["discover-mr-targets", "--root", ws.dir, "--json", "--github-output"], {
    env: { GITHUB_OUTPUT: output },
  });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), { include: [] });
  assertEquals(await Deno.readTextFile(output), 'earlier=1\nmatrix={"include":[]}\ncount=0\n');
});

Deno.test("discover-mr-targets reports a Taskfile whose tasks is not a map (exit 2, no stack trace)", async () => {
  await using ws = await workspace({
    "svc/Taskfile.yaml": "version: '3'\ntasks:\n  - test:mr\n",
    "ok/kustomization.yaml": "resources: []\n",
  });
  const run = await wst(["discover-mr-targets", "--root", ws.dir]);
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /svc\/Taskfile\.yaml:3:3: tasks: Expected a mapping of task names/);
  assertEquals(run.stderr.includes("    at "), false, run.stderr);
});

Deno.test("discover-mr-targets --changed-since names a ref missing from a shallow clone", async () => {
  await using origin = await workspace({ "a/kustomization.yaml": "resources: []\n" });
  const git = async (cwd: string, ...args: string[]) => {
    const out = await new Deno.Command("git", {
      args: ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args],
      cwd,
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  };
  await git(origin.dir, "init", "-q");
  for (const n of [1, 2]) {
    await Deno.writeTextFile(`${origin.dir}/a/cm${n}.yaml`, "kind: ConfigMap\n");
    await git(origin.dir, "add", "-A");
    await git(origin.dir, "commit", "-qm", `c${n}`);
  }
  await using clone = await workspace({});
  await git(clone.dir, "clone", "-q", "--depth", "1", `file://${origin.dir}`, "repo");
  const root = `${clone.dir}/repo`;
  const shallow = await wst(["discover-mr-targets", "--root", root, "--changed-since", "HEAD~1"]);
  assertEquals(shallow.code, 2);
  assertMatch(shallow.stderr, /Cannot find "HEAD~1" in this shallow clone: fetch more history/);

  await Deno.writeTextFile(`${origin.dir}/a/new.yaml`, "kind: ConfigMap\n");
  const changed = await wst([
    "discover-mr-targets",
    "--root",
    origin.dir,
    "--changed-since",
    "HEAD~1",
    "--json",
  ]);
  assertEquals(changed.code, 0, changed.stderr);
  assertEquals(JSON.parse(changed.stdout).include.map((t: { path: string }) => t.path), ["a"]);
});

const CONFIGMAP = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

async function stubTask(dir: string): Promise<string> {
  // go-task cannot be installed on these machines: a stub `task` stands in for it. It prints
  // its arguments and folder, and fails where a `fail-mr` file exists.
  const bin = `${dir}/stub-bin`;
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    `${bin}/task`,
    '#!/bin/sh\necho "stub task $* in $(basename "$PWD")"\n' +
      'if [ -f fail-mr ]; then echo "test failed here" >&2; exit 3; fi\n',
  );
  await Deno.chmod(`${bin}/task`, 0o755);
  return bin;
}

Deno.test("validate-kustomizations builds each target with kubectl, names failures, caches passes", async () => {
  await using ws = await workspace({
    "apps/base/kustomization.yaml": "resources:\n  - cm.yaml\n",
    "apps/base/cm.yaml": CONFIGMAP("base"),
    "apps/dev/kustomization.yaml": "resources:\n  - ../base\nnamePrefix: dev-\n",
    "broken/kustomization.yaml": "resources:\n  - cm.yaml\n  - gone.yaml\n",
    "broken/cm.yaml": CONFIGMAP("broken"),
  });
  const junit = `${ws.dir}/junit.xml`;
  const cold = await wst([
    "validate-kustomizations",
    "--root",
    ws.dir,
    "--json",
    "--junit",
    junit,
  ]);
  assertEquals(cold.code, 1, cold.stderr);
  const result = JSON.parse(cold.stdout);
  assertMatch(result.tool, /^(kubectl|kustomize) /);
  assertEquals(
    result.results.map((r: { path: string; status: string; cached: boolean }) => [
      r.path,
      r.status,
      r.cached,
    ]),
    [["apps/base", "passed", false], ["apps/dev", "passed", false], ["broken", "failed", false]],
  );
  const broken = result.results[2];
  assertMatch(
    broken.message,
    /broken\/kustomization\.yaml:3:5: resources\[1\]: Cannot read "gone.yaml"/,
  );
  assertMatch(broken.message, /gone\.yaml/);
  assertMatch(await Deno.readTextFile(junit), /<testcase name="broken"[^>]*>\s*<failure/);

  const warm = await wst(["validate-kustomizations", "--root", ws.dir, "--json"]);
  assertEquals(
    JSON.parse(warm.stdout).results.map((r: { cached: boolean }) => r.cached),
    [true, true, false],
  );
  // Changing the base invalidates the overlay that refers to it.
  await Deno.writeTextFile(`${ws.dir}/apps/base/cm.yaml`, CONFIGMAP("base2"));
  const changed = await wst(["validate-kustomizations", "--root", ws.dir, "--json"]);
  assertEquals(
    JSON.parse(changed.stdout).results.map((r: { cached: boolean }) => r.cached),
    [false, false, false],
  );
});

Deno.test("validate-kustomizations says plainly when a Helm kustomization has no helm", async () => {
  await using ws = await workspace({
    "chart/kustomization.yaml":
      "helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n    version: 1.0.0\n",
  });
  const run = await wst(["validate-kustomizations", "--root", ws.dir, "--json"], {
    env: { PATH: "/usr/bin:/bin" },
  });
  assertEquals(run.code, 1, run.stderr);
  const [chart] = JSON.parse(run.stdout).results;
  assertMatch(
    chart.message,
    /inflates Helm charts \(helmCharts\): it needs --enable-helm and a `helm` binary/,
  );
});

const HELM_GENERATOR = "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n" +
  "  name: redis\nname: redis\nrepo: https://charts.example.com\n";

Deno.test("validate-kustomizations passes --enable-helm when a base or component it refers to inflates Helm charts", async () => {
  // Charts come from what the targets refer to: a base whose generator file is a
  // HelmChartInflationGenerator, a component with an inline one, a base with helmCharts that
  // only a component refers to. Each chart folder is local, so nothing is pulled.
  const chart = (dir: string) => ({
    [`${dir}/charts/redis/Chart.yaml`]: "apiVersion: v2\nname: redis\nversion: 1.0.0\n",
    [`${dir}/charts/redis/values.yaml`]: "",
  });
  await using ws = await workspace({
    "gen/base/kustomization.yaml": "generators:\n  - redis.yaml\n",
    "gen/base/redis.yaml": HELM_GENERATOR,
    ...chart("gen/base"),
    "gen/overlay/kustomization.yaml": "resources:\n  - ../base\nnamePrefix: prod-\n",
    "inline/component/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\n" +
      "kind: Component\ngenerators:\n  - |\n" + HELM_GENERATOR.replace(/^/gm, "    "),
    ...chart("inline/component"),
    "inline/app/kustomization.yaml": "components:\n  - ../component\n",
  });
  // helm is not installed on these machines and cannot be fetched: a stub stands in for it. It
  // logs its arguments and renders one ConfigMap per `helm template`.
  await using bin = await workspace({
    "helm": '#!/bin/sh\necho "$*" >> "$(dirname "$0")/helm.log"\ncase "$1" in\n' +
      "  version) echo v3.15.2+gstub ;;\n" +
      "  template) printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: chart\\n' ;;\n" +
      "esac\n",
  });
  await Deno.chmod(`${bin.dir}/helm`, 0o755);
  const args = ["validate-kustomizations", "--root", ws.dir, "--json", "--no-cache"];
  // Unconfined: the stub logs next to itself, a folder a confined run rightly cannot write.
  const env = { PATH: `${bin.dir}:${Deno.env.get("PATH")}`, WST_CONFINE: "off" };
  const run = await wst(args, { env });
  assertEquals(run.code, 0, run.stdout);
  assertEquals(
    JSON.parse(run.stdout).results.map((r: { path: string; status: string }) => [r.path, r.status]),
    [
      ["gen/base", "passed"],
      ["gen/overlay", "passed"],
      ["inline/app", "passed"],
      ["inline/component", "passed"],
    ],
  );
  const templated = (await Deno.readTextFile(`${bin.dir}/helm.log`)).split("\n")
    .filter((l) => l.startsWith("template ")).map((l) => l.split(" ")[2]!.slice(ws.dir.length));
  assertEquals(templated.sort(), [
    "/gen/base/charts/redis",
    "/gen/base/charts/redis",
    "/inline/component/charts/redis",
    "/inline/component/charts/redis",
  ]);

  // Without helm, the overlay says so and names where its charts come from.
  const missing = await wst(args, { env: { PATH: "/usr/bin:/bin" } });
  assertEquals(missing.code, 1, missing.stderr);
  const messages = JSON.parse(missing.stdout).results.map((r: { message: string }) => r.message);
  assertEquals(messages[1].split("\n"), [
    "This kustomization inflates Helm charts (helmCharts): it needs --enable-helm and a `helm` " +
    "binary, and no helm is installed. Install helm and run again",
    "Helm charts at gen/base/redis.yaml:2:1: kind: HelmChartInflationGenerator",
  ]);
  assertEquals(
    messages[2].split("\n")[1],
    "Helm charts at inline/component/kustomization.yaml:4:5: generators[0]",
  );
});

Deno.test("validate-kustomizations in GitHub Actions annotates failures and writes a step summary", async () => {
  await using ws = await workspace({ "bad/kustomization.yaml": "resources:\n  - nope.yaml\n" });
  const summary = `${ws.dir}/summary.md`;
  const run = await wst(["validate-kustomizations", "--root", ws.dir, "--no-cache"], {
    env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
  });
  assertEquals(run.code, 1);
  assertMatch(
    run.stderr,
    /^::error file=bad\/kustomization\.yaml,title=bad \(kustomization\) failed::/m,
  );
  assertMatch(await Deno.readTextFile(summary), /\| ❌ \| bad \| kustomization \| `bad` \|/);
});

Deno.test("test-mr-all runs test:mr with go-task (a stub here), validates kustomizations, exits 1 on a failure", async () => {
  await using ws = await workspace({
    "svc/Taskfile.yml": TEST_MR,
    "svc/k8s/kustomization.yaml": "resources: []\n",
    "flaky/Taskfile.yml": TEST_MR,
    "flaky/fail-mr": "",
    "infra/kustomization.yaml": "resources: []\n",
  });
  const bin = await stubTask(ws.dir);
  const run = await wst(["test-mr-all", "--root", ws.dir], {
    env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
  });
  assertEquals(run.code, 1, run.stderr);
  assertMatch(run.stderr, /^\[svc\] stub task test:mr in svc$/m);
  assertMatch(run.stderr, /^\[flaky\] test failed here$/m);
  assertMatch(run.stdout, /FAIL +flaky +taskfile/);
  assertMatch(run.stdout, /ok +infra +kustomization/);
  assertMatch(run.stdout, /2 passed, 1 failed, 0 skipped/);
});

Deno.test("test-mr-all without go-task names the target it cannot run", async () => {
  await using ws = await workspace({ "svc/Taskfile.yml": TEST_MR });
  const run = await wst(["test-mr-all", "--root", ws.dir, "--json"], {
    env: { PATH: "/usr/bin:/bin" },
  });
  assertEquals(run.code, 1);
  assertMatch(
    JSON.parse(run.stdout).results[0].message,
    /Cannot run test:mr of target "svc" \(svc\): go-task's `task` binary is not installed/,
  );
});

Deno.test("test-mr-all --shard i/n splits the targets without overlap or gaps", async () => {
  const files: Record<string, string> = {};
  for (const name of ["a", "b", "c", "d", "e"]) {
    files[`${name}/kustomization.yaml`] = "resources: []\n";
  }
  await using ws = await workspace(files);
  const paths: string[][] = [];
  for (const shard of ["1/2", "2/2"]) {
    const run = await wst(["test-mr-all", "--root", ws.dir, "--json", "--shard", shard]);
    assertEquals(run.code, 0, run.stderr);
    paths.push(JSON.parse(run.stdout).results.map((r: { path: string }) => r.path));
  }
  assertEquals(paths, [["a", "c", "e"], ["b", "d"]]);
  const bad = await wst(["test-mr-all", "--root", ws.dir, "--shard", "3/2"]);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /Expected --shard i\/n with 1 <= i <= n \(e\.g\. 2\/4\), found "3\/2"/);
});

Deno.test("init adds test:mr:all to the workspace's deno.json, and deno task runs it", async () => {
  await using ws = await workspace({
    "deno.json": '{ "fmt": { "lineWidth": 90 } }\n',
    "apps/kustomization.yaml": "resources: []\n",
  });
  const command = `${Deno.execPath()} run -A --no-prompt --unstable-worker-options ${
    new URL("../cli.ts", import.meta.url).pathname
  }`;
  const init = await wst(["init", "--root", ws.dir, "--command", command]);
  assertEquals(init.code, 0, init.stderr);
  const config = JSON.parse(await Deno.readTextFile(`${ws.dir}/deno.json`));
  assertEquals(config.fmt, { lineWidth: 90 });
  assertEquals(config.tasks["test:mr:all"], `${command} test-mr-all --root "$PWD"`);
  const again = await wst(["init", "--root", ws.dir, "--command", "wst"]);
  assertEquals(again.code, 2);
  assertMatch(again.stderr, /already has different "wst", "test:mr:all".* --force/);

  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "test:mr:all"],
    cwd: `${ws.dir}/apps`,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  assertMatch(stdout, /1 passed, 0 failed/);
});

const TYPED_TEST_MR = (body: string, permissions: string) =>
  `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "test-mr",
  description: "A target's typed test:mr",
  args: z.object({}),
  permissions: ${permissions},
  async run(ctx) {
    ${body}
  },
});
`;

Deno.test("test-mr-all runs a target's typed test-mr module in its own sandbox instead of go-task", async () => {
  await using ws = await workspace({
    "svc/Taskfile.yml": TEST_MR,
    "svc/.wst/tasks/test_mr.ts": TYPED_TEST_MR(
      'await Deno.readTextFile(`${ctx.root}/Taskfile.yml`); ctx.log.info("checked"); return { ok: true };',
      '{ read: ["Taskfile.yml"] }',
    ),
    // A target runs with the intersection of its permissions and test-mr-all's, which writes no
    // target's files.
    "writer/Taskfile.yml": TEST_MR,
    "writer/.wst/tasks/test_mr.ts": TYPED_TEST_MR(
      'await Deno.writeTextFile(`${ctx.root}/checked.txt`, "ok\\n"); return { ok: true };',
      '{ write: ["checked.txt"] }',
    ),
    "nosy/Taskfile.yml": TEST_MR,
    "nosy/.wst/tasks/test_mr.ts": TYPED_TEST_MR(
      "return await Deno.readTextFile(`${ctx.root}/../svc/Taskfile.yml`);",
      '{ read: ["."] }',
    ),
  });
  // No go-task on PATH: typed modules do not need it.
  const run = await wst(["test-mr-all", "--root", ws.dir, "--json"], {
    env: { PATH: "/usr/bin:/bin" },
  });
  assertEquals(run.code, 1, run.stderr);
  const results = JSON.parse(run.stdout).results;
  assertEquals(
    results.map((r: { name: string; status: string; tool: string }) => [r.name, r.status, r.tool]),
    [
      ["nosy", "failed", "wst"],
      ["svc", "passed", "wst"],
      ["writer", "failed", "wst"],
    ],
  );
  assertMatch(
    results[0].message,
    /Task "test-mr" was refused read access to ".*svc\/Taskfile\.yml": it declares read: \[.*\/nosy\], .* \(its own permissions intersected with those of its caller "test-mr-all"\)/,
  );
  assertMatch(
    results[2].message,
    /Task "test-mr" was refused write access to ".*writer\/checked\.txt": it declares read: none, write: none, .* \(its own permissions intersected with those of its caller "test-mr-all"\)/,
  );
  assertEquals(
    await Deno.lstat(`${ws.dir}/writer/checked.txt`).then(() => true, () => false),
    false,
  );
  assertMatch(run.stderr, /^\[svc:test-mr\] checked$/m);
});

Deno.test("ctx.runTask refuses a task the caller did not declare, and a root outside its own", async () => {
  const caller = (permissions: string, root: string) =>
    `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "caller",
  description: "Starts another task",
  args: z.object({}),
  permissions: ${permissions},
  run: async (ctx) => (await ctx.runTask("helper", { root: ${JSON.stringify(root)} })).value,
});
`;
  const helper = TYPED_TEST_MR("return 1;", "{}").replace('"test-mr"', '"helper"');
  for (
    const [permissions, root, operation] of [
      ["{}", ".", /refused starting task "helper"/],
      ['{ tasks: ["helper"] }', "..", /refused starting a task at ".*", outside the root/],
    ] as const
  ) {
    await using ws = await workspace({
      ".wst/tasks/caller.ts": caller(permissions, root),
      ".wst/tasks/helper.ts": helper,
    });
    const run = await wst(["caller", "--root", ws.dir]);
    assertEquals(run.code, 3, run.stderr);
    assertMatch(run.stderr, operation);
  }
  await using ok = await workspace({
    ".wst/tasks/caller.ts": caller('{ tasks: ["helper"] }', "."),
    ".wst/tasks/helper.ts": helper,
  });
  const run = await wst(["caller", "--root", ok.dir, "--json"]);
  assertEquals([run.code, run.stdout.trim()], [0, "1"]);
});
