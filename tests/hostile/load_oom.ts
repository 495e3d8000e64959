// Allocates until the heap is exhausted at load time: in a Worker this kills the whole process.
import { defineTask } from "@wst/wst";
import { z } from "zod";
const hoard: unknown[] = [];
while (hoard.length >= 0) hoard.push(new Array(1_000_000).fill(hoard.length + 0.5));
export default defineTask({
  name: "load-oom",
  description: "Hostile: exhausts memory at load time",
  args: z.object({}),
  permissions: {},
  run: () => hoard.length,
});
