import { assertEquals } from "../../tests/assert.ts";
import { escapeControls, escapeStream, safeJson } from "./escape.ts";

Deno.test("escapeControls() shows OSC 52, titles, hyperlinks, cursor moves and erases as text", () => {
  assertEquals(escapeControls("\x1b]52;c;cHduZWQ=\x07"), "\\x1b]52;c;cHduZWQ=\\x07");
  assertEquals(escapeControls("\x1b]0;title\x1b\\"), "\\x1b]0;title\\x1b\\");
  assertEquals(
    escapeControls("\x1b]8;;https://evil\x1b\\ok\x1b]8;;\x1b\\"),
    "\\x1b]8;;https://evil\\x1b\\ok\\x1b]8;;\\x1b\\",
  );
  assertEquals(escapeControls("\x1b[2J\x1b[1A\x1b[H"), "\\x1b[2J\\x1b[1A\\x1b[H");
  assertEquals(
    escapeControls("\x1bP1$r\x1b\\ \x1b_apc\x1b\\"),
    "\\x1bP1$r\\x1b\\ \\x1b_apc\\x1b\\",
  );
  assertEquals(escapeControls("a\x9b2Jb\x85"), "a\\x9b2Jb\\x85");
  assertEquals(escapeControls("bell\x07 nul\0 del\x7f"), "bell\\x07 nul\\x00 del\\x7f");
});

Deno.test("escapeControls() escapes a lone \\r (line overwrite) but keeps \\r\\n, \\n and \\t", () => {
  assertEquals(escapeControls("ok\rFAIL"), "ok\\x0dFAIL");
  assertEquals(escapeControls("a\r\nb\n\tc"), "a\r\nb\n\tc");
});

Deno.test("escapeControls() escapes bidi overrides and isolates (Trojan Source)", () => {
  assertEquals(
    escapeControls("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069",
  );
  assertEquals(escapeControls("café ✓ 日本"), "café ✓ 日本");
});

Deno.test("escapeControls() keeps colour but not concealed text (SGR 8)", () => {
  const colours = "\x1b[31mred\x1b[0m \x1b[1;38;5;8mgrey\x1b[m \x1b[48;2;8;8;8mbg\x1b[0m";
  assertEquals(escapeControls(colours), colours);
  assertEquals(escapeControls("\x1b[8msecret\x1b[0m"), "\\x1b[8msecret\x1b[0m");
  assertEquals(escapeControls("\x1b[1;8mx"), "\\x1b[1;8mx");
});

Deno.test("escapeControls() changes nothing in its own output", () => {
  const once = escapeControls("\x1b]52;c;x\x07\r\u202e\x9b\x1b[8m");
  assertEquals(escapeControls(once), once);
});

async function throughStream(chunks: Uint8Array[], maxPending?: number): Promise<string[]> {
  const stream = ReadableStream.from(chunks).pipeThrough(
    escapeStream(maxPending === undefined ? {} : { maxPending }),
  );
  const decoder = new TextDecoder();
  return (await Array.fromAsync(stream)).map((chunk) => decoder.decode(chunk));
}

Deno.test("escapeStream() escapes line by line, a sequence split across chunks included", async () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const out = await throughStream([
    bytes("ok \x1b[3"),
    bytes("1mred\x1b[0m\n\x1b]0;t"),
    bytes("\x07"),
  ]);
  assertEquals(out, ["ok \x1b[31mred\x1b[0m\n", "\\x1b]0;t\\x07"]);
});

Deno.test("escapeStream() keeps a character split across chunks whole", async () => {
  const bytes = new TextEncoder().encode("é\u202e\n");
  const out = await throughStream([bytes.slice(0, 1), bytes.slice(1, 3), bytes.slice(3)]);
  assertEquals(out.join(""), "é\\u202e\n");
});

Deno.test("escapeStream() passes on a long line without a newline (bounded memory)", async () => {
  const bytes = new TextEncoder().encode("x".repeat(10));
  const out = await throughStream([bytes, bytes, bytes], 16);
  assertEquals(out, ["x".repeat(20), "x".repeat(10)]);
});

Deno.test("safeJson() escapes C1 and bidi characters JSON leaves raw; the data is unchanged", () => {
  const value = { a: "\x1b]52;c;x\x07", b: "\x9b2J\u202eevil\u2066", c: [1, null] };
  const text = safeJson(value);
  // deno-lint-ignore no-control-regex
  assertEquals(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text), false);
  assertEquals(JSON.parse(text), value);
  assertEquals(safeJson(undefined), "null");
});
