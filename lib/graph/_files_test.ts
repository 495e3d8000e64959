import { assertEquals } from "../../tests/assert.ts";
import { localModuleGraph, matchFiles, missingOutput } from "./_files.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-files-" }));
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, text);
  }
  return dir;
}

Deno.test("matchFiles() matches globs and plain paths, never .git or .wst/cache", async () => {
  const dir = await tree({
    "src/a.ts": "",
    "src/deep/b.ts": "",
    "src/c.js": "",
    "src/.hidden.ts": "",
    ".git/x.ts": "",
    ".wst/cache/s.json": "",
    "README.md": "",
  });
  try {
    assertEquals(await matchFiles(dir, ["src/**/*.ts"]), [
      "src/.hidden.ts",
      "src/a.ts",
      "src/deep/b.ts",
    ]);
    assertEquals(await matchFiles(dir, ["README.md", "src/deep"]), ["README.md", "src/deep/b.ts"]);
    assertEquals(await matchFiles(dir, ["**/*.ts"]), [
      "src/.hidden.ts",
      "src/a.ts",
      "src/deep/b.ts",
    ]);
    assertEquals(await matchFiles(dir, ["**/*.json"]), []);
    assertEquals(await missingOutput(dir, ["src/*.js", "src"]), undefined);
    assertEquals(await missingOutput(dir, ["src/*.js", "dist/*.js"]), "dist/*.js");
    assertEquals(await missingOutput(dir, ["out.txt"]), "out.txt");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("matchFiles() never follows a symbolic link out of the root, on a glob's folder or a plain path's", async () => {
  const dir = await tree({ "src/a.ts": "" });
  const outside = await tree({ "secret.ts": "", "deep/key.ts": "" });
  try {
    await Deno.symlink(outside, `${dir}/out`);
    await Deno.symlink(`${outside}/secret.ts`, `${dir}/src/link.ts`);
    // The link itself is listed (its target text is hashed); nothing behind it is.
    assertEquals(await matchFiles(dir, ["**/*.ts"]), ["src/a.ts", "src/link.ts"]);
    assertEquals(await matchFiles(dir, ["out/**/*.ts"]), []);
    assertEquals(await matchFiles(dir, ["out/deep/*.ts"]), []);
    assertEquals(await matchFiles(dir, ["out/secret.ts", "out/deep"]), []);
    assertEquals(await matchFiles(dir, ["out"]), ["out"]);
    assertEquals(await missingOutput(dir, ["out/secret.ts"]), "out/secret.ts");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("localModuleGraph() follows relative imports inside the boundary only", async () => {
  const dir = await tree({
    "ws/.wst/tasks/build.ts":
      `import { a } from "./_a.ts";\nimport type { T } from "../../lib/t.ts";\nimport "npm:zod";\nexport * from "./_b.ts";\nconst x = await import("./_c.ts");\nimport { out } from "${
        "../".repeat(3)
      }outside.ts";\n`,
    "ws/.wst/tasks/_a.ts":
      `export { z } from "./_b.ts";\nimport data from "./data.json" with { type: "json" };\n`,
    "ws/.wst/tasks/_b.ts": "export const b = 1;\n",
    "ws/.wst/tasks/_c.ts": "export const c = 1;\n",
    "ws/.wst/tasks/data.json": "{}",
    "ws/lib/t.ts": "export type T = 1;\n",
    "outside.ts": "export const out = 1;\n",
  });
  try {
    const graph = await localModuleGraph(`${dir}/ws/.wst/tasks/build.ts`, `${dir}/ws`);
    assertEquals(graph.map((p) => p.slice(dir.length + 4)).sort(), [
      ".wst/tasks/_a.ts",
      ".wst/tasks/_b.ts",
      ".wst/tasks/_c.ts",
      ".wst/tasks/build.ts",
      ".wst/tasks/data.json",
      "lib/t.ts",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
