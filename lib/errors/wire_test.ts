import { assert, assertEquals } from "../../tests/assert.ts";
import { InterruptedError, SandboxDeniedError, SubtaskFailedError } from "./mod.ts";
import { decodeError, encodeError } from "./wire.ts";

Deno.test("a SubtaskFailedError crosses the worker boundary with its class, task and kind", () => {
  const sent = new SubtaskFailedError({
    task: "lint",
    subtaskKind: "config",
    message: "workspaces.yaml:1:1: The file is empty",
  });
  const got = decodeError(encodeError(sent), (p) => p);
  assert(got instanceof SubtaskFailedError);
  assertEquals(got.task, "lint");
  assertEquals(got.subtaskKind, "config");
  assertEquals(got.message, 'Task "lint" failed: workspaces.yaml:1:1: The file is empty');
  assertEquals(got.exitCode, 1);
  assertEquals(got.toJSON(), sent.toJSON());
});

Deno.test("a denial and an interruption keep their own classes on the wire", () => {
  const denied = new SandboxDeniedError({ task: "t", operation: "x", scope: "read: none" });
  assert(decodeError(encodeError(denied), (p) => p) instanceof SandboxDeniedError);
  assert(
    decodeError(encodeError(new InterruptedError("stop")), (p) => p) instanceof InterruptedError,
  );
});
