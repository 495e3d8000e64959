import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { writeTextFileAtomic } from "./atomic.ts";

Deno.test("writeTextFileAtomic replaces the file whole and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/state.json`;
    await Deno.writeTextFile(path, "old");
    await writeTextFileAtomic(path, "new", { durable: true });
    assertEquals(await Deno.readTextFile(path), "new");
    await writeTextFileAtomic(path, "newer");
    assertEquals(await Deno.readTextFile(path), "newer");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["state.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeTextFileAtomic that cannot rename leaves the file as it was", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A folder where the file should be: the rename fails after the temporary file was written.
    await Deno.mkdir(`${dir}/taken/inside`, { recursive: true });
    await assertRejects(() => writeTextFileAtomic(`${dir}/taken`, "text", { durable: true }));
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["taken"]);
    assertEquals(Deno.statSync(`${dir}/taken`).isDirectory, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
