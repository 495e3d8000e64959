import { parse } from "yaml";
import { assert, assertEquals } from "./assert.ts";
import { builtinTasks } from "../lib/registry/mod.ts";
import { flagName } from "../lib/errors/mod.ts";

const WORKFLOW = new URL("../templates/github/mr-checks.yml", import.meta.url);

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: unknown };
  steps: Step[];
}

Deno.test("the CI template discovers once, skips an empty matrix and fans out per target", async () => {
  const workflow = parse(await Deno.readTextFile(WORKFLOW)) as { jobs: Record<string, Job> };
  const { discover, check } = workflow.jobs;
  assert(discover && check);
  assertEquals(discover.outputs, {
    matrix: "${{ steps.discover.outputs.matrix }}",
    count: "${{ steps.discover.outputs.count }}",
  });
  assert(discover.steps.some((s) => s.run?.includes("discover-mr-targets --github-output")));
  assertEquals(check.needs, "discover");
  assertEquals(check.if, "needs.discover.outputs.count != '0'");
  assertEquals(check.strategy?.matrix, "${{ fromJSON(needs.discover.outputs.matrix) }}");
  assert(check.steps.some((s) => s.run?.includes('test-mr-all --target "${{ matrix.path }}"')));
  const cachedPaths = check.steps.filter((s) => s.uses?.startsWith("actions/cache@"))
    .map((s) => s.with?.path);
  assertEquals(cachedPaths, ["~/.local/bin/wst", ".wst/cache"]);
});

Deno.test("every wst command in the CI template uses a real task and real flags", async () => {
  const text = await Deno.readTextFile(WORKFLOW);
  const tasks = new Map(builtinTasks().map((t) => [t.name, t]));
  const commands = [...text.matchAll(/\/wst ([a-z-]+)((?:[^\n]|\\\n)*)/g)];
  assert(commands.length >= 3, "expected the template to run wst");
  for (const [, name, rest] of commands) {
    const task = tasks.get(name!);
    assert(task, `unknown task ${name}`);
    const props = Object.keys((task.argsSchema.properties ?? {}) as Record<string, unknown>);
    const known = new Set(props.map(flagName));
    for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) {
      assert(known.has(flag), `${name} has no flag ${flag}`);
    }
  }
});

Deno.test("the workspace dev container installs tools, then syncs, with real tasks and flags", async () => {
  const text = await Deno.readTextFile(
    new URL("../templates/devcontainer/devcontainer.json", import.meta.url),
  );
  // JSON with comments, as dev containers allow.
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
  const command: string = json.postCreateCommand;
  const install = command.indexOf("wst install-tools");
  const sync = command.indexOf("wst workspace-sync");
  assert(install > 0 && sync > install, "install-tools must run before workspace-sync");
  const tasks = new Map(builtinTasks().map((t) => [t.name, t]));
  for (const [, name, rest] of command.matchAll(/wst ([a-z-]+)((?: --?[a-z-]+(?: "[^"]*")?)*)/g)) {
    const task = tasks.get(name!);
    assert(task, `unknown task ${name}`);
    const known = new Set(Object.keys((task.argsSchema.properties ?? {}) as object).map(flagName));
    known.add("--root");
    for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) {
      assert(known.has(flag), `${name} has no flag ${flag}`);
    }
  }
});
