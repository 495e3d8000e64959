import { assert, assertEquals } from "../../tests/assert.ts";
import {
  ConfigError,
  InterruptedError,
  SandboxDeniedError,
  SubtaskFailedError,
  TrustRequiredError,
  UsageError,
  WstError,
} from "../errors/mod.ts";
import { asSubtaskFailure, jobsFlag } from "./run_task.ts";

Deno.test("asSubtaskFailure() wraps a failure a caller may catch, with the task and its kind", () => {
  const cases: [unknown, string][] = [
    [new WstError("boom"), "task-failed"],
    [new Error("plain"), "task-failed"],
    [new ConfigError([{ file: "a.yaml", path: "", message: "The file is empty" }]), "config"],
    [new UsageError("bad flag"), "usage"],
    [
      new SubtaskFailedError({ task: "inner", subtaskKind: "task-failed", message: "x" }),
      "subtask-failed",
    ],
  ];
  for (const [err, kind] of cases) {
    const wrapped = asSubtaskFailure("lint", err);
    assert(wrapped instanceof SubtaskFailedError, String(err));
    assertEquals(wrapped.task, "lint");
    assertEquals(wrapped.subtaskKind, kind);
    assertEquals(wrapped.exitCode, 1);
  }
});

Deno.test("asSubtaskFailure() passes a denial, a trust refusal and an interruption on as they are", () => {
  const denied = new SandboxDeniedError({ task: "t", operation: "x", scope: "read: none" });
  const trust = new TrustRequiredError({
    task: "t",
    file: "t.ts",
    root: "/r",
    needs: { env: ["HOME"] },
    grown: false,
    scope: "env: [HOME]",
    command: null,
  });
  const stop = new InterruptedError("stop");
  for (const err of [denied, trust, stop]) assertEquals(asSubtaskFailure("lint", err), err);
});

Deno.test("jobsFlag() takes a whole number of at least 1; default the CPUs", () => {
  assertEquals(jobsFlag("3"), 3);
  assertEquals(jobsFlag(undefined), Math.max(1, navigator.hardwareConcurrency || 1));
  for (const bad of ["0", "-1", "1.5", "x"]) {
    let message = "";
    try {
      jobsFlag(bad);
    } catch (err) {
      assert(err instanceof UsageError);
      message = err.message;
    }
    assertEquals(
      message,
      `--jobs: expected a whole number of at least 1, found ${JSON.stringify(bad)}`,
    );
  }
});
