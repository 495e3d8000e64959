import { assertEquals } from "./assert.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { compileArgs } from "../scripts/compile.ts";

Deno.test("deno.json's wst task runs the entry point with exactly the runtime flags", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  const words = String(config.tasks.wst).split(/\s+/);
  assertEquals(words.slice(0, 2), ["deno", "run"]);
  assertEquals(words.at(-1), ENTRY_POINT);
  assertEquals(
    words.filter((w) =>
      w.startsWith("--allow") || w.startsWith("--no-prompt") || w.startsWith("--unstable") ||
      w.startsWith("--v8-flags")
    ),
    [...RUNTIME_FLAGS],
  );
});

Deno.test("compileArgs() uses the same flags, embeds the task modules and passes --target", () => {
  const args = compileArgs({ target: "aarch64-apple-darwin", output: "dist/wst" });
  assertEquals(args.slice(0, 1 + RUNTIME_FLAGS.length), ["compile", ...RUNTIME_FLAGS]);
  assertEquals(args.includes("tasks/"), true);
  assertEquals(args.slice(-5), [
    "--target",
    "aarch64-apple-darwin",
    "--output",
    "dist/wst",
    ENTRY_POINT,
  ]);
});
