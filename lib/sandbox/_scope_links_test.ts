import { assertEquals } from "../../tests/assert.ts";
import { linkedOutOfRoot } from "./_scope_links.ts";

Deno.test("linkedOutOfRoot() finds a declared path, or the folder a missing one would be written in, that links out of the root", async () => {
  const tmp = await Deno.realPath(await Deno.makeTempDir());
  try {
    const root = `${tmp}/ws`;
    await Deno.mkdir(`${root}/inside`, { recursive: true });
    await Deno.mkdir(`${tmp}/outside`);
    await Deno.symlink(`${tmp}/outside`, `${root}/out`);
    await Deno.symlink(`${root}/inside`, `${root}/in`);
    const env = () => undefined;
    assertEquals(
      linkedOutOfRoot({ read: [".", "in", "in/new.txt", "missing/x"] }, root, env),
      undefined,
    );
    assertEquals(linkedOutOfRoot({ write: ["in", "out/new/file.txt"] }, root, env), {
      kind: "write",
      declared: "out/new/file.txt",
      real: `${tmp}/outside/new/file.txt`,
    });
    // Paths declared outside the root are not the repository's to steer.
    assertEquals(linkedOutOfRoot({ read: [`${tmp}/outside`, "$UNSET/x"] }, root, env), undefined);
    // The root itself may be reached through a link.
    await Deno.symlink(root, `${tmp}/alias`);
    assertEquals(linkedOutOfRoot({ read: ["in"] }, `${tmp}/alias`, env), undefined);
    assertEquals(linkedOutOfRoot({ read: ["out"] }, `${tmp}/alias`, env)?.real, `${tmp}/outside`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
