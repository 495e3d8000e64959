import { assertEquals, assertMatch, rejection } from "../../tests/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { readNamespaceConfig } from "./_config.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-config-" }));
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return dir;
}

Deno.test("readNamespaceConfig(): docs/formats.md's example is accepted as written", async () => {
  const formats = await Deno.readTextFile(new URL("../../docs/formats.md", import.meta.url));
  const section = formats.slice(formats.indexOf("## .wst/config.json"));
  const example = /```json\n([\s\S]*?)```/.exec(section)![1]!;
  const root = await tree({ ".wst/config.json": example });
  try {
    assertEquals(readNamespaceConfig(root).entries, [
      ["seed", "platform/kustomize/seed"],
      ["ingress", "platform/ingress"],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("readNamespaceConfig(): an issue names the key's line and column", async () => {
  const root = await tree({
    ".wst/config.json": `{\n  "namespaces": {\n    "seed": "/abs"\n  }\n}\n`,
  });
  try {
    const error = await rejection(
      () => Promise.resolve().then(() => readNamespaceConfig(root)),
      ConfigError,
    );
    assertEquals(error.issues[0]?.line, 3);
    assertEquals(error.issues[0]?.column, 5);
    assertMatch(
      error.message,
      /^\.wst\/config\.json:3:5: namespaces\.seed: Expected a folder inside the root/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
