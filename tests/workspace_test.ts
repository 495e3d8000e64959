// End-to-end: workspace-sync and workspace-status through the real CLI, with real git
// repositories the test creates (bare "remotes" on disk, file:// URLs).
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst as run } from "./_cli.ts";
import { remote, sh } from "./_git.ts";
import { confineSupport } from "../lib/sandbox/confine.ts";

/**
 * These tests' remotes are bare repositories on disk, outside the workspace root: a confined run
 * rightly cannot see them (docs/adr/0009), so they run unconfined. The last test clones through
 * git's own protocol on loopback, confined.
 */
const wst = (args: string[], options: { env?: Record<string, string> } = {}) =>
  run(args, { env: { WST_CONFINE: "off", ...options.env } });

Deno.test("workspace-sync clones, fast-forwards clean clones, leaves changed ones alone, and writes .code-workspace files", async () => {
  await using base = await workspace({});
  const api = await remote(base, "api");
  const web = await remote(base, "web");
  const old = await remote(base, "old");
  const root = `${base.dir}/ws`;
  await Deno.mkdir(root);
  await Deno.writeTextFile(
    `${root}/workspaces.yaml`,
    `version: v1
projects:
  - { name: api, repo: "${api.url}", default_branch: main }
  - { name: web, repo: "${web.url}" }
  - { name: old, repo: "${old.url}", desired_state: absent }
  - { name: broken, repo: "file://${base.dir}/remotes/missing.git" }
workspaces:
  - name: solo
    projects: [api]
    extensions: [ms-python.python]
  - name: big
    internalFolder: repos
    projects: [api, web, old, broken]
`,
  );
  const first = await wst(["workspace-sync", "--root", root, "--json"]);
  assertEquals(first.code, 1, first.stderr); // "broken" cannot be reached
  const status = (r: { stdout: string }) =>
    Object.fromEntries(
      JSON.parse(r.stdout).projects.map((
        p: { path: string; status: string },
      ) => [p.path, p.status]),
    );
  assertEquals(status(first), {
    "api": "cloned",
    "repos/api": "cloned",
    "repos/broken": "failed",
    "repos/old": "absent",
    "repos/web": "cloned",
  });
  assertMatch(
    JSON.parse(first.stdout).projects.find((p: { path: string }) => p.path === "repos/broken")
      .message,
    /missing\.git|not appear to be a git repository|does not exist/,
  );

  // New upstream commits: clean clones fast-forward; a clone with local changes is not touched.
  const head = await api.commit("feature.txt");
  await web.commit("page.txt");
  await Deno.writeTextFile(`${root}/repos/web/local.txt`, "work in progress\n");
  await sh(`${root}/api`, "checkout", "--quiet", "-b", "topic");
  const second = await wst(["workspace-sync", "--root", root, "--json", "--workspace", "big"]);
  assertEquals(status(second)["repos/api"], "updated");
  assertEquals(status(second)["repos/web"], "skipped");
  assertEquals(await sh(`${root}/repos/api`, "rev-parse", "HEAD"), head);
  const third = await wst(["workspace-sync", "--root", root, "--json", "--workspace", "solo"]);
  assertEquals(status(third), { "api": "skipped" }); // on branch topic

  const big = JSON.parse(await Deno.readTextFile(`${root}/.vscode/big.code-workspace`));
  assertEquals(big.folders, [
    { name: "api", path: "../repos/api" },
    { name: "web", path: "../repos/web" },
    { name: "broken", path: "../repos/broken" },
  ]);
  const solo = JSON.parse(await Deno.readTextFile(`${root}/.vscode/solo.code-workspace`));
  assertEquals(solo.extensions.recommendations, ["ms-python.python"]);

  // Settings edited by hand survive the next sync.
  solo.settings = { "editor.tabSize": 2 };
  await Deno.writeTextFile(`${root}/.vscode/solo.code-workspace`, JSON.stringify(solo));
  await wst(["workspace-sync", "--root", root, "--workspace", "solo"]);
  const kept = JSON.parse(await Deno.readTextFile(`${root}/.vscode/solo.code-workspace`));
  assertEquals(kept.settings, { "editor.tabSize": 2 });

  const st = await wst(["workspace-status", "--root", root, "--json"]);
  assertEquals(st.code, 0, st.stderr);
  const rows = JSON.parse(st.stdout).projects as Array<Record<string, unknown>>;
  const web2 = rows.find((r) => r.path === "repos/web")!;
  assertEquals([web2.presence, web2.branch, web2.dirty, web2.behind], ["ok", "main", true, 1]);
  assertEquals(rows.find((r) => r.path === "repos/broken")!.presence, "missing");
  assertEquals(rows.find((r) => r.path === "api")!.branch, "topic");
});

Deno.test("workspace-sync --prune removes a clean, pushed clone of an absent project and refuses a changed one", async () => {
  await using base = await workspace({});
  const gone = await remote(base, "gone");
  const kept = await remote(base, "kept");
  const root = `${base.dir}/ws`;
  await Deno.mkdir(root);
  const config = (state: string) =>
    `version: v1
projects:
  - { name: gone, repo: "${gone.url}", desired_state: ${state} }
  - { name: kept, repo: "${kept.url}", desired_state: ${state} }
workspaces:
  - { name: w, internalFolder: repos, projects: [gone, kept] }
`;
  await Deno.writeTextFile(`${root}/workspaces.yaml`, config("present"));
  assertEquals((await wst(["workspace-sync", "--root", root])).code, 0);
  await Deno.writeTextFile(`${root}/repos/kept/notes.txt`, "mine\n");
  await sh(`${root}/repos/kept`, "add", "-A");
  await sh(`${root}/repos/kept`, "-c", "user.name=t", "commit", "--quiet", "-m", "local only");
  await Deno.writeTextFile(`${root}/workspaces.yaml`, config("absent"));

  const report = await wst(["workspace-sync", "--root", root, "--json"]);
  assertEquals(report.code, 0);
  assert(JSON.parse(report.stdout).projects.every((p: { status: string }) => p.status === "extra"));

  const pruned = await wst(["workspace-sync", "--root", root, "--json", "--prune"]);
  assertEquals(pruned.code, 1); // one clone could not be removed
  const byPath = Object.fromEntries(
    JSON.parse(pruned.stdout).projects.map((p: { path: string }) => [p.path, p]),
  );
  assertEquals(byPath["repos/gone"].status, "pruned");
  assertEquals(byPath["repos/kept"].status, "refused");
  assertMatch(byPath["repos/kept"].message, /branch main has unpushed commits/);
  assertEquals(await Deno.lstat(`${root}/repos/gone`).then(() => true, () => false), false);
  assertEquals(await Deno.readTextFile(`${root}/repos/kept/notes.txt`), "mine\n");
});

Deno.test("workspace-sync never waits for a password: a remote asking for one fails at once", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response("auth required", {
        status: 401,
        headers: { "WWW-Authenticate": 'Basic realm="git"' },
      }),
  );
  await using base = await workspace({});
  const root = `${base.dir}/ws`;
  await Deno.mkdir(root);
  await Deno.writeTextFile(
    `${root}/workspaces.yaml`,
    `version: v1
projects:
  - { name: private, repo: "http://127.0.0.1:${server.addr.port}/private.git" }
workspaces:
  - { name: w, projects: [private] }
`,
  );
  // With a prompt allowed, git would wait here forever for a username.
  const run = await wst(["workspace-sync", "--root", root, "--json"]);
  assertEquals(run.code, 1);
  const [entry] = JSON.parse(run.stdout).projects;
  assertEquals(entry.status, "failed");
  assertMatch(
    entry.message,
    /terminal prompts disabled|Authentication failed|could not read Username/,
  );
});

Deno.test({
  name: "workspace-sync clones over the network confined (git:// on loopback)",
  ignore: confineSupport().bwrap === undefined,
  async fn() {
    await using base = await workspace({});
    await remote(base, "api");
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = probe.addr.port;
    probe.close();
    const daemon = new Deno.Command("git", {
      args: [
        "daemon",
        "--export-all",
        "--reuseaddr",
        "--listen=127.0.0.1",
        `--port=${port}`,
        `--base-path=${base.dir}/remotes`,
        `${base.dir}/remotes`,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const root = `${base.dir}/ws`;
      await Deno.mkdir(root);
      await Deno.writeTextFile(
        `${root}/workspaces.yaml`,
        `version: v1
projects:
  - { name: api, repo: "git://127.0.0.1:${port}/api.git" }
workspaces:
  - { name: w, projects: [api] }
`,
      );
      // The daemon takes a moment to listen: a few tries.
      let result = await run(["workspace-sync", "--root", root, "--json", "--confine", "require"]);
      for (let i = 0; i < 20 && result.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        await Deno.remove(`${root}/api`, { recursive: true }).catch(() => {});
        result = await run(["workspace-sync", "--root", root, "--json", "--confine", "require"]);
      }
      assertEquals(result.code, 0, result.stdout + result.stderr);
      assertEquals(JSON.parse(result.stdout).projects[0].status, "cloned");
      assert(await Deno.stat(`${root}/api/.git`));
    } finally {
      daemon.kill();
      await daemon.status;
    }
  },
});
