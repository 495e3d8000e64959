import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { WstError } from "../errors/mod.ts";
import { moveFile } from "./migrate_apply.ts";

// /dev/shm is a tmpfs on Linux: a rename from there into the temporary folder crosses file systems.
const OTHER_FS = "/dev/shm";

function otherFileSystem(dir: string): boolean {
  try {
    return Deno.statSync(OTHER_FS).dev !== Deno.statSync(dir).dev;
  } catch {
    return false;
  }
}

Deno.test("moveFile moves the bytes, leaves no source, and is a no-op once done", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.md`, "bytes");
    await moveFile(`${dir}/a.md`, `${dir}/b.md`);
    await moveFile(`${dir}/a.md`, `${dir}/b.md`);
    assertEquals(await Deno.readTextFile(`${dir}/b.md`), "bytes");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["b.md"]);
    await Deno.writeTextFile(`${dir}/c.md`, "other");
    await assertRejects(() => moveFile(`${dir}/c.md`, `${dir}/b.md`), WstError);
    assertEquals(await Deno.readTextFile(`${dir}/c.md`), "other", "the source is kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "moveFile across file systems copies, verifies, then removes the source",
  ignore: !otherFileSystem(Deno.env.get("TMPDIR") ?? "/tmp"),
  async fn() {
    const source = await Deno.makeTempDir({ dir: OTHER_FS });
    const target = await Deno.makeTempDir();
    try {
      const bytes = crypto.getRandomValues(new Uint8Array(65_536));
      await Deno.writeFile(`${source}/spec.md`, bytes);
      await moveFile(`${source}/spec.md`, `${target}/spec.md`);
      assertEquals(await Deno.readFile(`${target}/spec.md`), bytes);
      assertEquals([...Deno.readDirSync(source)], []);
      assertEquals([...Deno.readDirSync(target)].map((e) => e.name), ["spec.md"], "no copy left");
    } finally {
      await Deno.remove(source, { recursive: true });
      await Deno.remove(target, { recursive: true });
    }
  },
});
