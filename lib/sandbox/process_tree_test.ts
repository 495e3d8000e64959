import { assertEquals } from "../../tests/assert.ts";
import {
  descendants,
  groupMembers,
  type ProcessInfo,
  ProcessReaper,
  processTable,
} from "./process_tree.ts";

const info = (pid: number, ppid: number, pgrp = 1, state = "S"): ProcessInfo => ({
  pid,
  ppid,
  pgrp,
  state,
  start: "0",
});

Deno.test("descendants() walks the tree below the roots, leaving out zombies and skipped subtrees", () => {
  const table = new Map(
    [
      info(10, 1),
      info(11, 10),
      info(12, 11),
      info(13, 10, 1, "Z"),
      info(14, 10),
      info(15, 14),
      info(20, 1),
    ]
      .map((p) => [p.pid, p]),
  );
  assertEquals(descendants(table, [10]).map((p) => p.pid), [11, 14, 12, 15]);
  assertEquals(descendants(table, [10], new Set([14])).map((p) => p.pid), [11, 12]);
});

Deno.test("groupMembers() is the root's process group, without its shell's other children or theirs, only when the root leads it", () => {
  // 10 leads group 10 (its shell is 5); 11 was left to init; 13 is its pipeline's `xargs`,
  // 14 the command xargs runs and 15 that command's child; 16 is wst's child's child.
  const table = new Map(
    [
      info(10, 5, 10),
      info(11, 1, 10),
      info(12, 1, 12),
      info(13, 5, 10),
      info(14, 13, 10),
      info(15, 14, 10),
      info(17, 10, 10),
      info(16, 17, 10),
    ].map((p) => [p.pid, p]),
  );
  assertEquals(groupMembers(table, 10).map((p) => p.pid), [11, 17, 16]);
  assertEquals(groupMembers(table, 12).map((p) => p.pid), []);
  const led = new Map([info(10, 1, 5), info(11, 10, 5)].map((p) => [p.pid, p]));
  assertEquals(groupMembers(led, 10), []);
});

Deno.test({
  name: "ProcessReaper ends a grandchild that its dying parent left to init",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const marker = `300.${crypto.getRandomValues(new Uint32Array(1))[0]}`;
    // sh starts a sleep that ignores SIGTERM in the background, says its pid, and waits.
    const child = new Deno.Command("sh", {
      args: ["-c", `trap '' TERM; sleep ${marker} & echo $!; wait`],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.getReader();
    const pid = Number(new TextDecoder().decode((await reader.read()).value).trim());
    const reaper = ProcessReaper.snapshot();
    assertEquals(processTable().get(pid)?.ppid, child.pid);
    // The parent dies: the sleep goes to init, out of this process's tree.
    child.kill("SIGKILL");
    await child.status;
    reaper.terminate();
    await reaper.kill({ graceMs: 200 });
    for (let i = 0; i < 40 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 25));
    assertEquals(isRunning(pid), false, `sleep ${marker} (pid ${pid}) is still running`);
    reader.releaseLock();
    await child.stdout.cancel();
  },
});

function isRunning(pid: number): boolean {
  const state = processTable().get(pid)?.state;
  return state !== undefined && state !== "Z";
}
