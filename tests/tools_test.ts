// End-to-end: check-tools and install-tools through the real CLI. Downloads come from an HTTP
// server this test starts on loopback; npm installs a real package into a temporary prefix;
// apt installs a real Debian package (root only).
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";

const FAKE_TOOL = "#!/bin/sh\necho fake-tool 1.0.0\n";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function config(tools: string): string {
  return `version: v1\nprojects: []\nworkspaces: []\ndevelopment_tools:\n${tools}`;
}

Deno.test("check-tools reports present and missing tools with version and path; exit 1 when any is missing", async () => {
  await using ws = await workspace({
    "workspaces.yaml": config("  system_packages: [git, no-such-tool-wst]\n"),
  });
  const run = await wst(["check-tools", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 1, run.stderr);
  const [gitTool, missing] = JSON.parse(run.stdout).tools;
  assertEquals([gitTool.name, gitTool.present], ["git", true]);
  assertMatch(gitTool.version, /^git version \d/);
  assertMatch(gitTool.path, /\/git$/);
  assertEquals([missing.name, missing.present, missing.path], ["no-such-tool-wst", false, null]);
});

Deno.test("install-tools downloads a pinned binary, checks its SHA-256 first, and installs nothing on a mismatch", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/fake-tool"
        ? new Response(FAKE_TOOL)
        : new Response("no", { status: 404 }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/fake-tool`;
  const lock = (sha: string) =>
    JSON.stringify({ version: 1, tools: { "fake-tool": { version: "1.0.0", url, sha256: sha } } });
  await using ws = await workspace({
    "workspaces.yaml": config("  kubernetes_tools: [fake-tool]\n"),
    "tools.lock.json": lock("0".repeat(64)),
  });
  const bin = `${ws.dir}/bin`;
  const env = { PATH: `${bin}:${Deno.env.get("PATH")}` };

  const bad = await wst(["install-tools", "--root", ws.dir, "--bin-dir", bin, "--json"], { env });
  assertEquals(bad.code, 1, bad.stderr);
  assertMatch(
    JSON.parse(bad.stdout).tools[0].detail,
    /Checksum mismatch for fake-tool 1\.0\.0.*nothing was installed/,
  );
  const leftovers = await Array.fromAsync(Deno.readDir(bin)).catch(() => []);
  assertEquals(leftovers, []);

  await Deno.writeTextFile(`${ws.dir}/tools.lock.json`, lock(await sha256(FAKE_TOOL)));
  const dry = await wst([
    "install-tools",
    "--root",
    ws.dir,
    "--bin-dir",
    bin,
    "--dry-run",
    "--json",
  ], { env });
  assertEquals(JSON.parse(dry.stdout).tools[0].status, "planned");
  const good = await wst(["install-tools", "--root", ws.dir, "--bin-dir", bin, "--json"], { env });
  assertEquals(good.code, 0, good.stderr);
  assertEquals(JSON.parse(good.stdout).tools[0].status, "installed");
  const out = await new Deno.Command(`${bin}/fake-tool`, { stdout: "piped" }).output();
  assertEquals(new TextDecoder().decode(out.stdout), "fake-tool 1.0.0\n");
  const again = await wst(["install-tools", "--root", ws.dir, "--bin-dir", bin, "--json"], { env });
  assertEquals(JSON.parse(again.stdout).tools[0].status, "present");
});

Deno.test("install-tools names a binary it has no download for, and where to pin one", async () => {
  await using ws = await workspace({
    "workspaces.yaml": config("  kubernetes_tools: [unpinned-tool]\n"),
  });
  const run = await wst([
    "install-tools",
    "--root",
    ws.dir,
    "--bin-dir",
    `${ws.dir}/bin`,
    "--locked",
    "--json",
  ]);
  assertEquals(run.code, 1);
  assertMatch(
    JSON.parse(run.stdout).tools[0].detail,
    /No download known for unpinned-tool: pin it in tools\.lock\.json/,
  );
});

Deno.test("install-tools installs an npm package for real (into a temporary prefix)", async () => {
  await using ws = await workspace({ "workspaces.yaml": config("  node_tools: [semver]\n") });
  const prefix = `${ws.dir}/npm-prefix`;
  // Both spellings: under `npm test` the environment already holds npm_config_prefix, which
  // would win over NPM_CONFIG_PREFIX and install into the machine's global prefix.
  const env = {
    NPM_CONFIG_PREFIX: prefix,
    npm_config_prefix: prefix,
    PATH: `${prefix}/bin:${Deno.env.get("PATH")}`,
  };
  const run = await wst(["install-tools", "--root", ws.dir, "--json"], { env });
  assertEquals(run.code, 0, run.stderr + run.stdout);
  assertEquals(JSON.parse(run.stdout).tools[0].status, "installed");
  const version = await new Deno.Command(`${prefix}/bin/semver`, {
    args: ["--help"],
    stdout: "piped",
  }).output();
  assertEquals(version.success, true);
});

Deno.test({
  name: "install-tools installs a Debian package for real with apt-get",
  ignore: Deno.uid() !== 0 || !(await Deno.stat("/usr/bin/apt-get").then(() => true, () => false)),
  fn: async () => {
    // `tree` is small; if it is already installed the run must say so and change nothing.
    await using ws = await workspace({ "workspaces.yaml": config("  system_packages: [tree]\n") });
    // apt needs real root (chown to _apt, setgroups), which a user namespace does not give: the
    // README's "What the sandbox does not cover" says to run this one unconfined.
    const run = await wst(["install-tools", "--root", ws.dir, "--json", "--confine", "off"]);
    assertEquals(run.code, 0, run.stderr + run.stdout);
    const [tree] = JSON.parse(run.stdout).tools;
    assert(["installed", "present"].includes(tree.status), tree.detail);
    const check = await wst(["check-tools", "--root", ws.dir, "--json"]);
    assertEquals(check.code, 0);
  },
});
