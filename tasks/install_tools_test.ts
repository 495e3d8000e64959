import $ from "dax";
import { assertEquals, assertMatch } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { runTask } from "../lib/task/testing.ts";
import { sha256File } from "../lib/tools/mod.ts";
import checkTools from "./check_tools.ts";
import installTools from "./install_tools.ts";

const SCRIPT = "#!/bin/sh\necho packed-tool 2.0\n";

Deno.test("install-tools unpacks a pinned tar.gz download into --bin-dir; check-tools then finds it", async () => {
  await using ws = await workspace({ "src/packed-tool": SCRIPT });
  await Deno.chmod(`${ws.dir}/src/packed-tool`, 0o755);
  await $`tar -czf ${ws.dir}/packed.tar.gz -C ${ws.dir}/src packed-tool`;
  const archive = await Deno.readFile(`${ws.dir}/packed.tar.gz`);
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(archive),
  );
  const url = `http://127.0.0.1:${server.addr.port}/packed-tool.tar.gz`;
  await Deno.writeTextFile(
    `${ws.dir}/workspaces.yaml`,
    "version: v1\nprojects: []\nworkspaces: []\ndevelopment_tools:\n  task_runner: [packed-tool]\n",
  );
  await Deno.writeTextFile(
    `${ws.dir}/tools.lock.json`,
    JSON.stringify({
      version: 1,
      tools: {
        "packed-tool": { version: "2.0", url, sha256: await sha256File(`${ws.dir}/packed.tar.gz`) },
      },
    }),
  );
  const bin = `${ws.dir}/bin`;
  const path = Deno.env.get("PATH");
  Deno.env.set("PATH", `${bin}:${path}`);
  try {
    const before = await runTask(checkTools, {}, { root: ws.dir, $ });
    assertEquals([before.failed, before.value.missing], [true, 1]);
    const plan = await runTask(installTools, { dryRun: true, binDir: bin }, { root: ws.dir, $ });
    assertMatch(
      plan.value.tools[0]!.detail,
      /^download http:\/\/127\.0\.0\.1:\d+\/packed-tool\.tar\.gz/,
    );
    const done = await runTask(installTools, { binDir: bin }, { root: ws.dir, $ });
    assertEquals(done.value.tools.map((t) => t.status), ["installed"]);
    assertMatch(
      installTools.render!(done.value),
      /1 installed, 0 already present, 0 planned, 0 failed/,
    );
    const after = await runTask(checkTools, {}, { root: ws.dir, $ });
    assertEquals(after.value.tools[0]!.version, "packed-tool 2.0");
    assertMatch(checkTools.render!(after.value), /1 present, 0 missing/);
  } finally {
    Deno.env.set("PATH", path ?? "");
  }
});
