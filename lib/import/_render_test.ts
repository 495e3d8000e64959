import { assert, assertEquals } from "../../tests/assert.ts";
import type { TaskPlan } from "./_plan.ts";
import { comment, renderTask } from "./_render.ts";

const NO_PERMISSIONS = {
  read: [],
  write: [],
  run: [],
  env: [],
  net: [],
  tasks: [],
  interactive: false,
};

function plan(overrides: Partial<TaskPlan>): TaskPlan {
  return {
    name: "t",
    dir: "",
    namespace: "",
    file: ".wst/tasks/t.ts",
    at: "Taskfile.yml:1",
    description: "",
    args: [],
    deps: [],
    sources: [],
    outputs: [],
    dotenv: [],
    steps: [],
    computed: [],
    permissions: NO_PERMISSIONS,
    todos: [],
    notes: [],
    ...overrides,
  };
}

Deno.test("comment() keeps every JavaScript line break out of a // comment", () => {
  assertEquals(comment("a\nb\rc\u2028d\u2029e"), "a\\u000ab\\u000dc\\u2028d\\u2029e");
  assertEquals(comment("Taskfile.yml:3"), "Taskfile.yml:3");
});

Deno.test("renderTask() never lets a hostile file name, message or folder become code", () => {
  // What a hostile repository controls: the names of its files and folders, its messages.
  const evil = "x\nglobalThis.PWNED = 1;\u2028globalThis.PWNED = 2;\r//";
  const source = renderTask(
    plan({
      at: `${evil}:1`,
      todos: [{ at: evil, message: evil }],
      notes: [evil],
      computed: [{
        name: "HOST",
        at: `${evil}:2`,
        source: "hostname",
        cwd: "a`${globalThis.PWNED = 3}`b",
        env: {},
      }],
      steps: [{
        kind: "script",
        source: "true",
        at: `${evil}:3`,
        env: {},
        argv: false,
        ignoreError: false,
        echo: false,
      }],
    }),
    { tool: "wst import taskfile", depth: 0 },
  );
  for (const line of source.split(/\r\n|[\n\r\u2028\u2029]/)) {
    if (line.includes("PWNED")) {
      assert(line.trimStart().startsWith("//") || line.includes(".cwd("), line);
    }
  }
  // The folder stays inside the template literal: its backtick and `${` are escaped.
  assert(source.includes(".cwd(`${ctx.root}/a\\`\\${globalThis.PWNED = 3}\\`b`)"), source);
});
