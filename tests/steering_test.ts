// Built-ins and subtasks a repository could steer: a tool "name" in workspaces.yaml that is a
// path into the repository, a ctx.runTask root that is a symlink out of the caller's root, and a
// helper task whose permissions grow from arguments its caller chooses.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { sh } from "./_git.ts";
import { pathExists as exists } from "../lib/fs/read.ts";

function config(tools: string): string {
  return `version: v1\nprojects: []\nworkspaces: []\ndevelopment_tools:\n${tools}`;
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

const HOSTILE = new URL("./hostile/", import.meta.url);

/** A local helper that reads the file its caller names, with read access to the path it is given. */
const READ_PATH = `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "read-path",
  description: "Reads the file it is given",
  args: z.object({ path: z.string(), file: z.string() }),
  permissions: (a) => ({ read: [a.path] }),
  run: async (_ctx, a) => await Deno.readTextFile(a.file),
});
`;

/** A task of another repository that reads its own secret: harmless where it belongs. */
const LEAK = `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "leak",
  description: "Reads secret.txt",
  args: z.object({}),
  permissions: { read: ["."] },
  run: async (ctx) => await Deno.readTextFile(ctx.root + "/secret.txt"),
});
`;

Deno.test("ctx.runTask refuses a root that is a symbolic link out of the caller's root (exit 3)", async () => {
  const module = await Deno.readTextFile(new URL("run_task_symlink_root.ts", HOSTILE));
  await using tmp = await workspace({
    "ws/.wst/tasks/run_task_symlink_root.ts": module,
    "other/.wst/tasks/leak.ts": LEAK,
    "other/secret.txt": "the other repository's secret\n",
  });
  await Deno.symlink(`${tmp.dir}/other`, `${tmp.dir}/ws/sub`);
  const run = await wst(["run-task-symlink-root", "--root", `${tmp.dir}/ws`, "--json"]);
  assertEquals(run.code, 3, `${run.stdout}\n${run.stderr}`);
  const { error } = JSON.parse(run.stdout);
  assertEquals(error.task, "run-task-symlink-root");
  assertEquals(
    error.operation,
    `starting a task at "sub", a symbolic link to ${
      JSON.stringify(`${tmp.dir}/other`)
    }, outside the root`,
  );

  // A real folder inside the root is fine, and a missing one is a plain error naming it.
  await Deno.remove(`${tmp.dir}/ws/sub`);
  const missing = await wst(["run-task-symlink-root", "--root", `${tmp.dir}/ws`, "--json"]);
  assertEquals(missing.code, 1, missing.stderr);
  assertMatch(
    JSON.parse(missing.stdout).error.message,
    /^Cannot start task "leak": its root "sub" does not exist/,
  );
  await Deno.mkdir(`${tmp.dir}/ws/sub/.wst/tasks`, { recursive: true });
  await Deno.writeTextFile(`${tmp.dir}/ws/sub/.wst/tasks/leak.ts`, LEAK);
  await Deno.writeTextFile(`${tmp.dir}/ws/sub/secret.txt`, "mine\n");
  const inside = await wst(["run-task-symlink-root", "--root", `${tmp.dir}/ws`, "--json"]);
  assertEquals([inside.code, JSON.parse(inside.stdout)], [0, "mine\n"], inside.stderr);
});

Deno.test("ctx.runTask: a helper whose permissions come from its caller's arguments gets no more than the caller (exit 3)", async () => {
  const module = await Deno.readTextFile(new URL("widening_helper.ts", HOSTILE));
  await using ws = await workspace({
    ".wst/tasks/widening_helper.ts": module,
    ".wst/tasks/read_path.ts": READ_PATH,
  });
  const run = await wst(["widening-helper", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 3, `${run.stdout}\n${run.stderr}`);
  const { error } = JSON.parse(run.stdout);
  assertEquals(error.task, "read-path");
  assertEquals(error.operation, 'read access to "/etc/hostname"');
  assertEquals(
    error.scope,
    'read: none, write: none, run: none, env: none, net: none (its own permissions intersected with those of its caller "widening-helper")',
  );
  // Run directly, the same helper reads what its own arguments grant.
  const direct = await wst([
    "read-path",
    "--root",
    ws.dir,
    "--path",
    "/etc",
    "--file",
    "/etc/hostname",
    "--json",
  ]);
  assertEquals(direct.code, 0, direct.stderr);
});

Deno.test("sandbox refuses declared-link: a declared path inside the root that links out of it (exit 3)", async () => {
  const module = await Deno.readTextFile(new URL("declared_link.ts", HOSTILE));
  await using ws = await workspace({ ".wst/tasks/declared_link.ts": module });
  await Deno.symlink("/etc", `${ws.dir}/docs`);
  const run = await wst(["declared-link", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 3, `${run.stdout}\n${run.stderr}`);
  const { error } = JSON.parse(run.stdout);
  assertEquals(error.task, "declared-link");
  assertEquals(
    error.operation,
    'read access to "docs", a symbolic link to "/etc", outside the root',
  );
  // A link that stays inside the root is fine.
  await Deno.remove(`${ws.dir}/docs`);
  await Deno.mkdir(`${ws.dir}/real`);
  await Deno.writeTextFile(`${ws.dir}/real/hostname`, "inside\n");
  await Deno.symlink(`${ws.dir}/real`, `${ws.dir}/docs`);
  const inside = await wst(["declared-link", "--root", ws.dir, "--json"]);
  assertEquals([inside.code, JSON.parse(inside.stdout)], [0, "inside\n"], inside.stderr);
});

Deno.test("a repository's git config cannot make wst's git run a program: fsmonitor and hooks are overridden", async () => {
  // `--confine off`: git's own settings are what must hold here, not the OS sandbox.
  await using ws = await workspace({ "README.md": "x\n", ".wst/.keep": "" });
  const marker = `${ws.dir}.fsmonitor-ran`;
  const hook = `${ws.dir}.hook-ran`;
  await sh(ws.dir, "init", "-q");
  await sh(ws.dir, "add", ".");
  await sh(ws.dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init");
  await Deno.writeTextFile(`${ws.dir}/.git/hooks/post-index-change`, `#!/bin/sh\ntouch ${hook}\n`, {
    mode: 0o755,
  });
  await sh(ws.dir, "config", "core.fsmonitor", `sh -c 'touch ${marker}; echo'`);
  // The repository's setting is live: the user's own git runs it.
  await sh(ws.dir, "status", "--porcelain");
  assertEquals(await exists(marker), true, "the fsmonitor probe did not run under plain git");
  await Deno.remove(marker);
  await Deno.remove(hook).catch(() => {}); // git status may or may not have touched the index
  const run = await wst([
    "discover-mr-targets",
    "--root",
    ws.dir,
    "--changed-since",
    "HEAD",
    "--confine",
    "off",
    "--json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(await exists(marker), false, "wst's git ran the repository's fsmonitor");
  assertEquals(await exists(hook), false, "wst's git ran the repository's hook");
});
