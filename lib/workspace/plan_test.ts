import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { workspacesFileSchema } from "../config/mod.ts";
import { codeWorkspace } from "./code_workspace.ts";
import { gitMessage } from "./git.ts";
import { placements } from "./plan.ts";

const config = workspacesFileSchema.parse({
  version: "v1",
  projects: [
    { name: "api", repo: "git@x:api.git", default_branch: "main" },
    { name: "web", repo: "git@x:web.git", desired_state: "absent" },
  ],
  workspaces: [
    { name: "solo", projects: ["api"], extensions: ["a.b"] },
    { name: "big", internalFolder: "repos", projects: ["api", "web"] },
    { name: "again", projects: ["api"] },
  ],
});

Deno.test("placements() puts projects at the root or under internalFolder, each path once", () => {
  assertEquals(placements(config).map((p) => [p.path, p.workspace, p.state, p.branch]), [
    ["api", "solo", "present", "main"],
    ["repos/api", "big", "present", "main"],
    ["repos/web", "big", "absent", null],
  ]);
  assertEquals(placements(config, "big").map((p) => p.path), ["repos/api", "repos/web"]);
  assertThrows(() => placements(config, "nope"), /No workspace named "nope" in workspaces\.yaml/);
});

Deno.test("codeWorkspace() generates folders and recommendations and keeps every other key", () => {
  assertEquals(JSON.parse(codeWorkspace(config, "big", null)), {
    folders: [{ name: "api", path: "../repos/api" }],
    extensions: { recommendations: [] },
    settings: {},
  });
  const edited = JSON.stringify({
    settings: { "editor.tabSize": 2 },
    folders: [{ path: "old" }],
    extensions: { recommendations: ["x"], unwantedRecommendations: ["y"] },
  });
  const next = JSON.parse(codeWorkspace(config, "solo", edited));
  assertEquals(next, {
    settings: { "editor.tabSize": 2 },
    folders: [{ name: "api", path: "../api" }],
    extensions: { recommendations: ["a.b"], unwantedRecommendations: ["y"] },
  });
  assertEquals(
    codeWorkspace(config, "solo", JSON.stringify(next, null, 2) + "\n"),
    JSON.stringify(next, null, 2) + "\n",
  );
  assertThrows(() => codeWorkspace(config, "solo", "{ // comment\n}"), SyntaxError);
});

Deno.test("gitMessage() keeps git's error lines", () => {
  assertEquals(
    gitMessage({
      code: 128,
      stdout: "",
      stderr:
        "fatal: 'x' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.",
    }),
    "fatal: 'x' does not appear to be a git repository fatal: Could not read from remote repository.",
  );
  assertEquals(gitMessage({ code: 1, stdout: "", stderr: "" }), "exit code 1");
});
