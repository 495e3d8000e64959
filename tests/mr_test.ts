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
