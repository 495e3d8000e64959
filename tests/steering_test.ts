// Built-ins and subtasks a repository could steer: a tool "name" in workspaces.yaml that is a
// path into the repository, a ctx.runTask root that is a symlink out of the caller's root, and a
// helper task whose permissions grow from arguments its caller chooses.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";

function config(tools: string): string {
  return `version: v1\nprojects: []\nworkspaces: []\ndevelopment_tools:\n${tools}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

for (const task of ["check-tools", "install-tools"]) {
  Deno.test(`${task}: a tool named by a path into the repository is a config error at its line and column, and nothing runs`, async () => {
    const marker = await Deno.makeTempFile({ prefix: "wst-steered-" });
    await Deno.remove(marker);
    await using ws = await workspace({
      "workspaces.yaml": config("  system_packages:\n    - git\n    - ./tools/lint\n"),
      // What the repository wants run with the user's rights.
      "tools/lint": `#!/bin/sh\necho steered > ${JSON.stringify(marker)}\necho lint 1.0\n`,
    });
    await Deno.chmod(`${ws.dir}/tools/lint`, 0o755);
    const args = task === "install-tools" ? ["--dry-run"] : [];
    const run = await wst([task, "--root", ws.dir, ...args, "--json"]);
    const ran = await exists(marker);
    if (ran) await Deno.remove(marker);
    assertEquals(ran, false, "the repository's ./tools/lint ran");
    assertEquals(run.code, 2, run.stderr);
    const { error } = JSON.parse(run.stdout);
    assertEquals(error.kind, "config");
    assertMatch(
      run.stderr,
      /workspaces\.yaml:7:7: development_tools\.system_packages\[1\]: .*"\.\/tools\/lint".*PATH/,
    );
  });
}

Deno.test("validate-config: tool names with a path separator or a leading dot or dash are refused", async () => {
  await using ws = await workspace({
    "workspaces.yaml": config(
      "  system_packages: [git, ../x, 'a\\\\b', -rf, .hidden]\n  node_tools: [semver, bin/x]\n",
    ),
  });
  const run = await wst(["validate-config", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 2, run.stderr);
  const { error } = JSON.parse(run.stdout);
  assertEquals(
    error.issues.map((i: { path: string }) => i.path),
    [1, 2, 3, 4].map((i) => `development_tools.system_packages[${i}]`)
      .concat("development_tools.node_tools[1]"),
  );
  assertMatch(error.issues[0].message, /^Cannot use tool "\.\.\/x": expected a command name/);
});
