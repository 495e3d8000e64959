import { assert, assertEquals } from "../../tests/assert.ts";
import { TaskDefinitionError, UsageError } from "../errors/mod.ts";
import { planRun, type PlanTask } from "./plan.ts";
import { qualifyTaskName } from "../task/names.ts";

function thrown<E extends Error>(fn: () => unknown, ErrorClass: new (...a: never[]) => E): E {
  try {
    fn();
  } catch (err) {
    assert(err instanceof ErrorClass, String(err));
    return err;
  }
  throw new Error("Expected an error");
}

function tasks(...list: [string, string[], string?][]): Map<string, PlanTask> {
  return new Map(list.map(([name, deps, namespace]) => [
    name,
    { name, deps, namespace: namespace ?? "", file: `.wst/tasks/${name}.ts` },
  ]));
}

Deno.test("planRun() puts each task once, after its deps, in levels", () => {
  const all = tasks(["a", []], ["b", ["a"]], ["c", ["a"]], ["d", ["b", "c", "a"]]);
  const plan = planRun(all.get("d")!, (n) => all.get(n));
  assertEquals(plan.order.map((s) => s.name), ["a", "b", "c", "d"]);
  assertEquals(plan.levels, [["a"], ["b", "c"], ["d"]]);
  assertEquals(plan.order.at(-1)!.deps, ["b", "c", "a"]);
});

Deno.test("planRun() resolves deps relative to the task's namespace, ':' from the top", () => {
  const all = tasks(
    ["seed:build", ["lint", ":lint"], "seed"],
    ["seed:lint", [], "seed"],
    ["lint", []],
  );
  const plan = planRun(all.get("seed:build")!, (n) => all.get(n));
  assertEquals(plan.order.map((s) => s.name), ["seed:lint", "lint", "seed:build"]);
});

Deno.test("planRun() names the cycle", () => {
  const all = tasks(["top", ["a"]], ["a", ["b"]], ["b", ["c"]], ["c", ["a"]]);
  const err = thrown(() => planRun(all.get("top")!, (n) => all.get(n)), UsageError);
  assertEquals(err.message, 'Dependency cycle: "a" -> "b" -> "c" -> "a": remove one of these deps');
});

Deno.test("planRun() names the task and the reference of an unknown dep", () => {
  const all = tasks(["seed:build", ["lnt"], "seed"]);
  const err = thrown(
    () => planRun(all.get("seed:build")!, (n) => all.get(n)),
    TaskDefinitionError,
  );
  assertEquals(err.file, ".wst/tasks/seed:build.ts");
  assertEquals(err.problems, [{
    field: "deps[0]",
    message:
      'Task "seed:build" depends on "lnt" ("seed:lnt"), which is not a task: run "wst list" to see the tasks',
  }]);
});

Deno.test("qualifyTaskName() is relative to the namespace; a leading ':' is from the top", () => {
  assertEquals(qualifyTaskName("", "lint"), "lint");
  assertEquals(qualifyTaskName("seed", "build"), "seed:build");
  assertEquals(qualifyTaskName("platform:ingress", "test:unit"), "platform:ingress:test:unit");
  assertEquals(qualifyTaskName("seed", ":lint"), "lint");
  assertEquals(qualifyTaskName("", ":seed:build"), "seed:build");
});
