import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { workspace } from "../../tests/_cli.ts";
import fc from "fast-check";
import { affectedTargets, comparePaths, discoverTargets } from "./discover.ts";
import { uniqueNames } from "./names.ts";
import { readTaskfile } from "./taskfile.ts";

const TEST_MR = 'version: "3"\ntasks:\n  test:mr:\n    cmds: [echo ok]\n';
const KUSTOMIZATION = "resources: []\n";

Deno.test("discoverTargets() finds test:mr Taskfiles and uncovered kustomizations, sorted by path", async () => {
  await using ws = await workspace({
    "repos/k8s-lab/components/clickhouse/Taskfile.yaml": TEST_MR,
    "repos/k8s-lab/components/clickhouse/overlays/dev/kustomization.yaml": KUSTOMIZATION,
    "repos/k8s-lab/components/traefik/kustomization.yml": KUSTOMIZATION,
    "repos/k8s-lab/components/redis/Kustomization": KUSTOMIZATION,
    "other/Taskfile.yml": 'version: "3"\ntasks:\n  build: {cmds: [make]}\n',
    "other/kustomization.yaml": KUSTOMIZATION,
    "plain/README.md": "nothing to test\n",
  });
  const { targets, problems } = await discoverTargets(ws.dir);
  assertEquals(problems, []);
  assertEquals(targets.map((t) => [t.name, t.type, t.path]), [
    ["other", "kustomization", "other"],
    ["clickhouse", "taskfile", "repos/k8s-lab/components/clickhouse"],
    ["redis", "kustomization", "repos/k8s-lab/components/redis"],
    ["traefik", "kustomization", "repos/k8s-lab/components/traefik"],
  ]);
});

Deno.test("discoverTargets() skips kustomizations under a taskfile target, .git and node_modules", async () => {
  await using ws = await workspace({
    "Taskfile.yaml": TEST_MR,
    "apps/kustomization.yaml": KUSTOMIZATION,
  });
  assertEquals(discoverTargets(ws.dir).targets.map((t) => t.path), ["."]);
  await using ws2 = await workspace({
    "node_modules/pkg/kustomization.yaml": KUSTOMIZATION,
    ".git/hooks/kustomization.yaml": KUSTOMIZATION,
    "a/node_modules/Taskfile.yaml": TEST_MR,
  });
  assertEquals(discoverTargets(ws2.dir).targets, []);
});

Deno.test("discoverTargets() does not follow folder symlinks (no loops)", async () => {
  await using ws = await workspace({ "app/kustomization.yaml": KUSTOMIZATION });
  await Deno.symlink(ws.dir, `${ws.dir}/app/loop`);
  await Deno.symlink(`${ws.dir}/app`, `${ws.dir}/linked-app`);
  assertEquals(discoverTargets(ws.dir).targets.map((t) => t.path), ["app"]);
});

Deno.test("discoverTargets() reports malformed and non-UTF-8 Taskfiles with their place", async () => {
  await using ws = await workspace({
    "bad-yaml/Taskfile.yaml": "tasks:\n  test:mr: [unclosed\n",
    "list/Taskfile.yaml": "tasks:\n  - test:mr\n",
    "ok/Taskfile.yaml": TEST_MR,
  });
  await Deno.mkdir(`${ws.dir}/latin1`);
  await Deno.writeFile(
    `${ws.dir}/latin1/Taskfile.yaml`,
    new Uint8Array([...new TextEncoder().encode("tasks:\n  test:mr: {}\n# caf"), 0xe9]),
  );
  const { targets, problems } = await discoverTargets(ws.dir);
  assertEquals(targets.map((t) => t.path), ["ok"]);
  assertEquals(problems.map((p) => p.file), [
    "bad-yaml/Taskfile.yaml",
    "latin1/Taskfile.yaml",
    "list/Taskfile.yaml",
  ]);
  assertMatch(problems[0]!.message, /^Invalid YAML/);
  assertEquals(problems[1]!.message, "Cannot read the file: it is not valid UTF-8");
  assertEquals([problems[2]!.line, problems[2]!.path], [2, "tasks"]);
  assertMatch(problems[2]!.message, /Expected a mapping of task names, found a list/);
});

Deno.test("discoverTargets() reports a folder it cannot read and keeps walking", {
  ignore: Deno.uid() === 0, // root reads everything
}, async () => {
  await using ws = await workspace({
    "locked/kustomization.yaml": KUSTOMIZATION,
    "open/kustomization.yaml": KUSTOMIZATION,
  });
  await Deno.chmod(`${ws.dir}/locked`, 0o000);
  try {
    const { targets, problems } = await discoverTargets(ws.dir);
    assertEquals(targets.map((t) => t.path), ["open"]);
    assertEquals(problems.map((p) => [p.file, p.message]), [[
      "locked",
      "Cannot read the folder: permission denied",
    ]]);
  } finally {
    await Deno.chmod(`${ws.dir}/locked`, 0o755);
  }
});

Deno.test("uniqueNames() disambiguates clashing folder names by path, deterministically", () => {
  assertEquals(
    uniqueNames(["apps/base", "infra/base", "base", "x/apps/base", "clickhouse", "."], "ws"),
    ["apps-base", "infra-base", "base", "x-apps-base", "clickhouse", "ws"],
  );
  assertEquals(uniqueNames(["a-b", "a/b", "x/a/b"], "ws"), ["a-b", "a-b-2", "x-a-b"]);
});

Deno.test("readTaskfile() needs test:mr as a key of the tasks map", () => {
  assertEquals(readTaskfile("T", TEST_MR), { testMr: true });
  assertEquals(readTaskfile("T", "tasks:\n  build:\n    cmds: [echo test:mr]\n"), {
    testMr: false,
  });
  assertEquals(readTaskfile("T", "# test:mr someday\nversion: '3'\n"), { testMr: false });
  assertEquals(readTaskfile("T", "tasks:\n  'test:mr': {}\n"), { testMr: true });
});

Deno.test("affectedTargets() follows kustomization references transitively", async () => {
  await using ws = await workspace({
    "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "base/deployment.yaml": "kind: Deployment\n",
    "shared/patch.yaml": "kind: Deployment\n",
    "shared/settings.env": "A=1\n",
    "overlays/dev/kustomization.yaml":
      "resources:\n  - ../../base\npatches:\n  - path: ../../shared/patch.yaml\n",
    "overlays/prod/kustomization.yaml":
      "resources:\n  - ../dev\nconfigMapGenerator:\n  - name: s\n    envs: [../../shared/settings.env]\n",
    "lonely/kustomization.yaml": KUSTOMIZATION,
    "svc/Taskfile.yaml": TEST_MR,
    "svc/src/main.go": "package main\n",
  });
  const all = await discoverTargets(ws.dir);
  const affected = (changed: string[]) =>
    affectedTargets(ws.dir, all, changed).targets.map((t) => t.path);
  assertEquals(affected(["base/deployment.yaml"]), ["base", "overlays/dev", "overlays/prod"]);
  assertEquals(affected(["shared/patch.yaml"]), ["overlays/dev", "overlays/prod"]);
  assertEquals(affected(["shared/settings.env"]), ["overlays/prod"]);
  assertEquals(affected(["svc/src/main.go"]), ["svc"]);
  assertEquals(affected(["README.md"]), []);
});

Deno.test("affectedTargets() reports a reference to a missing file with its line", async () => {
  await using ws = await workspace({
    "app/kustomization.yaml": "resources:\n  - service.yaml\n  - missing.yaml\n",
    "app/service.yaml": "kind: Service\n",
  });
  const { problems } = affectedTargets(ws.dir, await discoverTargets(ws.dir), ["app/service.yaml"]);
  assertEquals(problems.map((p) => [p.file, p.line, p.column, p.path]), [[
    "app/kustomization.yaml",
    3,
    5,
    "resources[1]",
  ]]);
  assertMatch(problems[0]!.message, /Cannot read "missing.yaml": not found/);
});

Deno.test("comparePaths() orders segment by segment", () => {
  const bySegments = (a: string, b: string) => {
    const x = a.split("/");
    const y = b.split("/");
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    }
    return x.length - y.length;
  };
  const segment = fc.string({ unit: fc.constantFrom("a", "b", "-", ".", "0", "é"), maxLength: 3 });
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
  fc.assert(
    fc.property(path, path, (a, b) => {
      assertEquals(Math.sign(comparePaths(a, b)), Math.sign(bySegments(a, b)));
    }),
    { numRuns: 2000 },
  );
  assertEquals(["a-b", "a/b/c", "a/b", "a"].sort(comparePaths), ["a", "a/b", "a/b/c", "a-b"]);
});
