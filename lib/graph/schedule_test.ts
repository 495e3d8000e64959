import { assertEquals } from "../../tests/assert.ts";
import type { Plan } from "./plan.ts";
import { runPlan } from "./schedule.ts";

const plan: Plan = {
  target: "top",
  order: [
    { name: "a", deps: [] },
    { name: "b", deps: [] },
    { name: "c", deps: ["a"] },
    { name: "top", deps: ["b", "c"] },
  ],
  levels: [["a", "b"], ["c"], ["top"]],
};

/** A runner whose tasks end when the test says so, recording what ran at once. */
function controlled(fail: Set<string> = new Set()) {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  const run = (name: string, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      started.push(name);
      most = Math.max(most, ++running);
      const end = () => {
        running--;
        if (fail.has(name)) reject(new Error(`${name} failed`));
        else resolve();
      };
      release.set(name, end);
      signal.addEventListener("abort", () => {
        running--;
        reject(new Error(`${name} aborted`));
      }, { once: true });
    });
  return { run, started, release, most: () => most };
}

/** Releases tasks as they start, in the order given, until the run ends. */
async function drive(c: ReturnType<typeof controlled>, order: string[]): Promise<void> {
  for (const name of order) {
    while (!c.release.has(name)) await new Promise((r) => setTimeout(r, 1));
    c.release.get(name)!();
  }
}

Deno.test("runPlan() starts a task once its deps are done, at most `jobs` at once", async () => {
  const c = controlled();
  const done = runPlan(plan, {
    jobs: 1,
    failFast: false,
    run: c.run,
    signal: new AbortController().signal,
  });
  await drive(c, ["a", "b", "c", "top"]);
  const outcomes = await done;
  assertEquals(c.started, ["a", "b", "c", "top"]);
  assertEquals(c.most(), 1);
  assertEquals([...outcomes.values()].every((o) => o.status === "done"), true);

  const two = controlled();
  const done2 = runPlan(plan, {
    jobs: 2,
    failFast: false,
    run: two.run,
    signal: new AbortController().signal,
  });
  await drive(two, ["a", "c", "b", "top"]);
  await done2;
  assertEquals(two.most(), 2);
  assertEquals(two.started.slice(0, 2), ["a", "b"]);
});

Deno.test("runPlan() runs what does not depend on a failure; its dependents do not run", async () => {
  const c = controlled(new Set(["a"]));
  const done = runPlan(plan, {
    jobs: 2,
    failFast: false,
    run: c.run,
    signal: new AbortController().signal,
  });
  await drive(c, ["a", "b"]);
  const outcomes = await done;
  assertEquals(outcomes.get("a")!.status, "failed");
  assertEquals(outcomes.get("b"), { status: "done" });
  assertEquals(outcomes.get("c"), { status: "not-run", dep: "a" });
  assertEquals(outcomes.get("top"), { status: "not-run", dep: "c" });
});

Deno.test("runPlan() with failFast aborts the running tasks and starts no other", async () => {
  const c = controlled(new Set(["a"]));
  const done = runPlan(plan, {
    jobs: 2,
    failFast: true,
    run: c.run,
    signal: new AbortController().signal,
  });
  await drive(c, ["a"]);
  const outcomes = await done;
  assertEquals(c.started, ["a", "b"]);
  assertEquals(outcomes.get("b")!.status, "failed"); // aborted while running
  assertEquals(outcomes.get("c")!.status, "not-run");
  assertEquals(outcomes.get("top")!.status, "not-run");
});
