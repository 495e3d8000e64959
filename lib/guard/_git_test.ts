import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { parseRaw, pathText } from "./_git.ts";
import { GitError } from "../errors/mod.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p),
  );
const A = "a".repeat(40);
const B = "b".repeat(40);

Deno.test("parseRaw() reads modifications, renames and names that are not UTF-8", () => {
  const out = bytes(
    `:100644 100644 ${A} ${B} M\0dir/a b.md\0`,
    `:100644 100644 ${A} ${B} R087\0old\nname\0new\0`,
    `:000000 100644 ${"0".repeat(40)} ${B} A\0caf`,
    [0xe9],
    ".md\0",
  );
  assertEquals(parseRaw(out).map((e) => [e.status, e.path, e.oldPath]), [
    ["M", "dir/a b.md", undefined],
    ["R", "new", "old\nname"],
    ["A", "caf\\xE9.md", undefined],
  ]);
});

Deno.test("parseRaw() refuses output that ends inside an entry", () => {
  assertThrows(() => parseRaw(bytes(`:100644 100644 ${A} ${B} M\0dir/a`)), GitError);
  assertThrows(() => parseRaw(bytes(`:100644 100644 ${A} ${B} R100\0old\0`)), GitError);
  assertThrows(() => parseRaw(bytes("garbage\0")), GitError);
  assertEquals(parseRaw(new Uint8Array()), []);
});

Deno.test("pathText() keeps UTF-8 and shows other bytes as \\xNN", () => {
  assertEquals(pathText(bytes("é/ü")), "é/ü");
  assertEquals(pathText(bytes("a", [0xff, 0xc3], "b", [0xc3, 0xa9])), "a\\xFF\\xC3bé");
});

Deno.test("git() fails closed on output over its cap, never returns part of it", async () => {
  const { git } = await import("./_git.ts");
  const whole = await git(["version"], { cwd: "." });
  assertEquals(new TextDecoder().decode(whole.stdout).startsWith("git version "), true);
  const { rejects } = await import("node:assert/strict");
  await rejects(() => git(["version"], { cwd: ".", maxBytes: 5 }), (err: Error) => {
    return err instanceof GitError &&
      /printed more than .* too large to read completely/.test(err.message);
  });
  await rejects(() => git(["no-such-command"], { cwd: "." }), GitError);
});
