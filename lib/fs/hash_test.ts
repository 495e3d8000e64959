import { assertEquals } from "../../tests/assert.ts";
import { sha256FileHex, sha256Hex } from "./hash.ts";

Deno.test("sha256FileHex() reads a file in chunks and gives sha256Hex() of its whole content", async () => {
  const file = await Deno.makeTempFile({ prefix: "wst-hash-" });
  try {
    // Over two chunks and not a multiple of one; then an empty file.
    const content = new Uint8Array(2 * (1 << 20) + 17).map((_, i) => (i * 31) % 251);
    await Deno.writeFile(file, content);
    assertEquals(await sha256FileHex(file), await sha256Hex(content));
    await Deno.writeFile(file, new Uint8Array());
    assertEquals(
      await sha256FileHex(file),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  } finally {
    await Deno.remove(file);
  }
});
