import $ from "dax";
import { assertEquals } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { remote, sh } from "../tests/_git.ts";
import { runTask } from "../lib/task/testing.ts";
import sync from "./workspace_sync.ts";
import status from "./workspace_status.ts";

Deno.test("workspace-sync then workspace-status, in-process", async () => {
  await using base = await workspace({});
  const api = await remote(base, "api");
  const root = `${base.dir}/ws`;
  await Deno.mkdir(`${root}/repos/stray`, { recursive: true });
  await sh(`${root}/repos/stray`, "init", "--quiet");
  await Deno.writeTextFile(
    `${root}/workspaces.yaml`,
    `version: v1\nprojects:\n  - { name: api, repo: "${api.url}" }\n  - { name: gone, repo: "${api.url}", desired_state: absent }\nworkspaces:\n  - { name: w, internalFolder: repos, projects: [api, gone] }\n`,
  );
  const first = await runTask(sync, {}, { root, $ });
  assertEquals(first.value.projects.map((p) => [p.path, p.status]), [
    ["repos/api", "cloned"],
    ["repos/gone", "absent"],
  ]);
  assertEquals(first.value.files, [{
    path: ".vscode/w.code-workspace",
    status: "written",
    message: "",
  }]);
  await api.commit("b.txt");
  const second = await runTask(sync, {}, { root, $ });
  assertEquals(second.value.projects[0]!.status, "updated");
  assertEquals(second.value.files[0]!.status, "unchanged");
  assertEquals(second.failed, false);

  const { value } = await runTask(status, {}, { root, $ });
  assertEquals(value.projects.map((p) => [p.path, p.presence, p.branch, p.dirty]), [
    ["repos/api", "ok", "main", false],
    ["repos/gone", "absent", null, null],
    ["repos/stray", "extra", "main", false],
  ]);
});
