import { assert, assertEquals } from "../../tests/assert.ts";
import {
  InterruptedError,
  SandboxDeniedError,
  SubtaskFailedError,
  UsageError,
  WstError,
} from "./mod.ts";
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

Deno.test("instanceof holds across copies of the errors module (a bundle's and a task's @wst/wst)", async () => {
  // A second copy of the module, as the worker runtime's bundle has its own.
  const copy: typeof import("./mod.ts") = await import(`./mod.ts?copy=${crypto.randomUUID()}`);
  assertEquals(copy.UsageError === UsageError, false);
  const foreign = new copy.UsageError("bad flag");
  assertEquals(foreign instanceof UsageError, true);
  assertEquals(foreign instanceof WstError, true);
  assertEquals(foreign instanceof SandboxDeniedError, false);
  const trust = new copy.TrustRequiredError({
    task: "t",
    file: "f.ts",
    root: "/r",
    needs: { read: [], write: [], run: [], env: [], net: [] } as never,
    grown: false,
    scope: "",
    command: null,
  });
  assertEquals(trust instanceof SandboxDeniedError, true);
  assertEquals(new UsageError("x") instanceof copy.WstError, true);
  // The wire keeps the class of a foreign copy's error.
  assertEquals(encodeError(foreign).kind, "usage");
  // Look-alikes are not wst errors: a plain object with the mark, a proxy that throws.
  const mark = Symbol.for("@wst/wst.error-classes");
  assertEquals({ [mark]: ["UsageError"] } instanceof UsageError, false);
  const hostile = new Proxy(new Error("x"), {
    get() {
      throw new Error("trap");
    },
  });
  assertEquals(hostile instanceof WstError, false);
});

Deno.test("encodeError() takes an error marked as wst's without a toJSON as a task failure", () => {
  const forged = Object.assign(new Error("forged"), {
    [Symbol.for("@wst/wst.error-classes")]: ["SandboxDeniedError", "WstError"],
  });
  // The mark alone makes it one of wst's errors, as a copy's would be…
  assert(forged instanceof WstError);
  // …and encoding it neither throws nor invents fields: the kind it does not carry is a failure.
  const wire = encodeError(forged);
  assertEquals([wire.kind, wire.message], ["task-failed", "forged"]);
});
