// Loads a native library through FFI: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "load-ffi",
  description: "Hostile: dlopen libc",
  args: z.object({}),
  permissions: { read: ["/"] },
  run: () => {
    Deno.dlopen("libc.so.6", {});
    return "loaded";
  },
});
