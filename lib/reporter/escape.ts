// Text a task controls, made safe for a terminal or a CI log: the one
// function every log line, progress line, result text, error message and
// child output goes through before wst writes it (no imports: the start-up
// path loads this).

/**
 * What is escaped: every C0 control but `\n` and `\t` (`\r` too, except in
 * `\r\n`), DEL, every C1 control (U+0080–U+009F: `\x9b` is CSI on some
 * terminals) and the bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069, "Trojan Source": text shown in another order than it is).
 * A colour sequence (SGR, `ESC [ … m`) is matched first and kept; `\r\n`
 * is matched first and kept.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /\u001b\[[0-9;:]*m|\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text a task controls safe for a terminal or a CI log: control
 * characters are shown escaped (`\x1b`, `\x07`, `\x0d`, `\u202e`), so the
 * text cannot move the cursor, clear the screen, retitle the window, write
 * the clipboard (OSC 52), hide a link (OSC 8), overwrite a line with `\r` or
 * reorder what is shown (bidi overrides). Kept: newlines, tabs, `\r\n`, and
 * colour (SGR) sequences, except one that conceals text (SGR 8), which is
 * shown escaped. Escaping its own output changes nothing.
 *
 * @param text The text.
 * @returns The text with its control characters escaped.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (match) => {
    if (match === "\r\n") return match;
    if (match.length > 1) return conceals(match) ? `\\x1b${match.slice(1)}` : match;
    const code = match.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

/** Whether an SGR sequence (`ESC [ params m`) turns on concealed (invisible) text. */
function conceals(sgr: string): boolean {
  const params = sgr.slice(2, -1).split(";");
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    if (param === "38" || param === "48" || param === "58") {
      // An extended colour: 5;n (palette) or 2;r;g;b (direct); its numbers are not attributes.
      i += params[i + 1] === "5" ? 2 : params[i + 1] === "2" ? 4 : 0;
    } else if (param === "8" || param === "08") {
      return true;
    }
  }
  return false;
}

/** How long a line without a newline may get before {@linkcode escapeStream} passes it on. */
const MAX_PENDING = 16 * 1024;

/**
 * The escaping of {@linkcode escapeControls} as a stream transform, for a
 * child's stdout or stderr read through a pipe: bytes in, escaped UTF-8
 * bytes out. It works line by line, so a sequence split across two chunks is
 * treated as one; a line without a newline is passed on once it reaches
 * `maxPending` characters (16 Ki by default) and when the stream ends, so
 * memory stays bounded. Bytes that are not UTF-8 come out as U+FFFD.
 *
 * @param options `maxPending`: characters held back waiting for a newline.
 * @returns The transform.
 */
export function escapeStream(
  options: { maxPending?: number } = {},
): TransformStream<Uint8Array, Uint8Array> {
  const max = options.maxPending ?? MAX_PENDING;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const pass = (controller: TransformStreamDefaultController<Uint8Array>, text: string) => {
    if (text !== "") controller.enqueue(encoder.encode(escapeControls(text)));
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const end = pending.lastIndexOf("\n") + 1;
      if (end > 0) {
        pass(controller, pending.slice(0, end));
        pending = pending.slice(end);
      }
      if (pending.length >= max) {
        pass(controller, pending);
        pending = "";
      }
    },
    flush(controller) {
      pass(controller, pending + decoder.decode());
      pending = "";
    },
  });
}

/**
 * `JSON.stringify` for a terminal: JSON escapes C0 controls itself but not
 * C1 controls or bidi overrides, which this writes as `\u009b`, `\u202e`. The
 * document means exactly the same (those characters occur only inside JSON
 * strings); only its bytes differ.
 *
 * @param value A JSON-serialisable value.
 * @returns One line of JSON with no control or bidi characters.
 */
export function safeJson(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
