import { assertEquals } from "../../tests/assert.ts";
import { findRoot, resolveRoot } from "./_root.ts";

async function tree(paths: string[]): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-root-" }));
  for (const path of paths) await Deno.mkdir(`${dir}/${path}`, { recursive: true });
  return dir;
}

Deno.test("findRoot() takes the outermost .wst/ up to the top of the git work tree", async () => {
  const dir = await tree([
    ".wst",
    "repo/.git",
    "repo/.wst",
    "repo/platform/seed/.wst/tasks",
    "repo/platform/seed/sub",
  ]);
  try {
    assertEquals(findRoot(`${dir}/repo/platform/seed/sub`, undefined), `${dir}/repo`);
    assertEquals(findRoot(`${dir}/repo/platform/seed`, undefined), `${dir}/repo`);
    assertEquals(findRoot(`${dir}/repo`, undefined), `${dir}/repo`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findRoot() without git stops below the home folder; none found is undefined", async () => {
  const dir = await tree(["home/.wst", "home/work/.wst", "home/work/a/b", "home/other"]);
  try {
    const home = `${dir}/home`;
    assertEquals(findRoot(`${home}/work/a/b`, home), `${home}/work`);
    assertEquals(findRoot(`${home}/other`, home), undefined);
    assertEquals(findRoot(home, home), home);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveRoot(): --root wins over the walk; without a marker the folder itself", async () => {
  const dir = await tree([".git", ".wst", "a/b", "c/.git"]);
  try {
    assertEquals(resolveRoot({ base: `${dir}/a/b`, root: undefined }), dir);
    assertEquals(resolveRoot({ base: `${dir}/a/b`, root: "." }), `${dir}/a/b`);
    assertEquals(resolveRoot({ base: `${dir}/c`, root: undefined }), `${dir}/c`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findRoot() never climbs into a folder others may write to, nor takes another user's .wst/", async () => {
  const dir = await tree([
    ".wst/tasks",
    "shared/.wst/tasks",
    "shared/mine/.wst/tasks",
    "shared/mine/a",
  ]);
  try {
    const home = `${dir}/home-elsewhere`;
    // A sticky, world-writable folder (as /tmp is) above the user's project: not searched.
    await Deno.chmod(`${dir}/shared`, 0o1777);
    assertEquals(findRoot(`${dir}/shared/mine/a`, home), `${dir}/shared/mine`);
    await Deno.chmod(`${dir}/shared`, 0o755);
    assertEquals(findRoot(`${dir}/shared/mine/a`, home), dir);
    if (Deno.uid() === 0) {
      // Someone else's .wst/ (here: nobody's) is never the root, nor is a folder of theirs climbed.
      await Deno.chown(`${dir}/shared/.wst`, 65534, 65534);
      await Deno.chown(dir, 65534, 65534);
      assertEquals(findRoot(`${dir}/shared/mine/a`, home), `${dir}/shared/mine`);
      await Deno.chown(dir, 0, 0);
      assertEquals(findRoot(`${dir}/shared/mine/a`, home), dir);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
