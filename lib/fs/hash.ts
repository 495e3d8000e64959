/**
 * The SHA-256 of some bytes, as 64 lower-case hex digits.
 *
 * @param bytes The data.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The SHA-256 of a file's content, read a chunk at a time: memory stays
 * small whatever the file's size.
 *
 * @param path The file (followed if a link: the caller decides whether to).
 * @returns 64 lower-case hex digits.
 */
export async function sha256FileHex(path: string): Promise<string> {
  // Loaded on first use: Node's compatibility layer is not part of every start.
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  const chunk = new Uint8Array(1 << 20);
  for (;;) {
    const read = await file.read(chunk);
    if (read === null) break;
    hash.update(chunk.subarray(0, read));
  }
  return hash.digest("hex");
}
