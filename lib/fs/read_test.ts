import { assertEquals } from "../../tests/assert.ts";
import { decodeUtf8 } from "./read.ts";

Deno.test("decodeUtf8() decodes UTF-8 and says where the first byte that is not UTF-8 is", () => {
  const bytes = (...parts: (string | number[])[]) =>
    new Uint8Array(
      parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p),
    );
  assertEquals(decodeUtf8(bytes("café ✓\n")), { ok: true, text: "café ✓\n" });
  assertEquals(decodeUtf8(bytes("a: 1\nb: caf", [0xe9], "\n")), {
    ok: false,
    at: { line: 2, column: 7 },
  });
  // A character cut off at the end is invalid too; a valid multi-byte one before it is not.
  assertEquals(decodeUtf8(bytes("é", [0xe2, 0x9c])), { ok: false, at: { line: 1, column: 3 } });
  assertEquals(decodeUtf8(bytes([0xff])), { ok: false, at: { line: 1, column: 1 } });
  assertEquals(decodeUtf8(bytes("é", [0x80])), { ok: false, at: { line: 1, column: 3 } });
});
