import { assertEquals } from "../../tests/assert.ts";
import { discoverNamespaces } from "./_namespaces.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-ns-" }));
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return dir;
}

const TASK = ".wst/tasks/t.ts";

Deno.test("discoverNamespaces(): a nested .gitignore re-includes what the root's ignores, nearest wins", async () => {
  const root = await tree({
    ".gitignore": "gen*/\n",
    [`generated/${TASK}`]: "",
    "apps/.gitignore": "!generated-ok/\nlocal/\n",
    [`apps/generated-ok/${TASK}`]: "",
    [`apps/gen-other/${TASK}`]: "",
    [`apps/local/${TASK}`]: "",
    [`apps/web/${TASK}`]: "",
    [`apps/web/deep/er/${TASK}`]: "",
  });
  try {
    const { namespaces, problems } = await discoverNamespaces(root);
    assertEquals(namespaces, [
      { name: "apps:generated-ok", dir: "apps/generated-ok" },
      { name: "apps:web", dir: "apps/web" },
      { name: "apps:web:deep:er", dir: "apps/web/deep/er" },
    ]);
    assertEquals(problems, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("discoverNamespaces(): an alias renames a folder, and may include a gitignored one", async () => {
  const root = await tree({
    ".gitignore": "vendor/\n",
    [TASK]: "",
    ".wst/config.json": `{"namespaces": {"seed": "platform/seed", "v": "vendor/tool"}}`,
    [`platform/seed/${TASK}`]: "",
    [`vendor/tool/${TASK}`]: "",
  });
  try {
    const { namespaces } = await discoverNamespaces(root);
    assertEquals(namespaces, [
      { name: "", dir: "" },
      { name: "seed", dir: "platform/seed" },
      { name: "v", dir: "vendor/tool" },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
