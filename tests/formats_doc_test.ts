// docs/formats.md follows the code: its examples are what wst accepts and
// writes, and it names every key of every configuration schema.
import { assertEquals } from "./assert.ts";
import { METADATA_JSON } from "./fixtures.ts";
import { REPO_ROOT } from "../scripts/runtime_flags.ts";
import { CONFIG_KINDS, configJsonSchema, parseConfig } from "../lib/config/mod.ts";
import { CODEV_KINDS, renderPointer } from "../lib/projects/mod.ts";
import { SCHEMA_NAMES } from "../lib/cli/schema.ts";

const FORMATS = await Deno.readTextFile(`${REPO_ROOT}/docs/formats.md`);

/** The text of a section: from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = heading.indexOf(" ");
  const lines = FORMATS.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/formats.md has no heading ${JSON.stringify(heading)}`);
  let inFence = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    const line = lines[end]!;
    if (line.startsWith("```")) inFence = !inFence;
    else if (!inFence && new RegExp(`^#{1,${level}} `).test(line)) break;
  }
  return lines.slice(start + 1, end).join("\n") + "\n";
}

/** The fenced code blocks of some Markdown, by language. */
function codeBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm");
  return [...markdown.matchAll(fence)].map((m) => m[1]!);
}

/** Every property name of a JSON Schema, at any depth. */
function propertyNames(schema: unknown, names = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== "object") return names;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value !== null && typeof value === "object") {
      for (const name of Object.keys(value)) names.add(name);
    }
    propertyNames(value, names);
  }
  return names;
}

const SECTIONS: Record<string, string> = {
  "workspaces": "## workspaces.yaml",
  "ai-gateway": "## ai-gateway.yaml",
  "project-metadata": "### metadata.json",
};

Deno.test("docs/formats.md shows the pointer file renderPointer() writes, byte for byte", () => {
  const [block] = section("### Codev pointer files").split("```text\n").slice(1);
  const shown = block!.slice(0, block!.indexOf("```\n"));
  assertEquals(shown, renderPointer(JSON.parse(METADATA_JSON), CODEV_KINDS[0]!));
});

Deno.test("docs/formats.md's example files are valid and raise no warning", async () => {
  const examples = [
    ["workspaces.yaml", codeBlocks(section(SECTIONS.workspaces!), "yaml")[0]!, "yaml"],
    ["ai-gateway.yaml", codeBlocks(section(SECTIONS["ai-gateway"]!), "yaml")[0]!, "yaml"],
    ["metadata.json", codeBlocks(section(SECTIONS["project-metadata"]!), "json")[0]!, "json"],
  ] as const;
  for (const [file, text, format] of examples) {
    const kind = CONFIG_KINDS.find((k) => k.file.endsWith(file))!;
    assertEquals((await parseConfig(file, text, kind.schema, { format })).warnings, [], file);
  }
  assertEquals(JSON.parse(examples[2][1]), JSON.parse(METADATA_JSON));
});

Deno.test("docs/formats.md names every key of every configuration schema in its file's section", () => {
  const missing: string[] = [];
  for (const kind of CONFIG_KINDS) {
    const text = section(SECTIONS[kind.name]!);
    const code = [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).join("\n") +
      codeBlocks(text, "\\w*").join("\n");
    for (const key of propertyNames(configJsonSchema(kind))) {
      if (!new RegExp(`(?<![\\w-])${key}(?![\\w-])`).test(code)) {
        missing.push(`${kind.name}: ${key}`);
      }
    }
  }
  assertEquals(missing, []);
  const table = section("## JSON Schemas for editors");
  assertEquals(SCHEMA_NAMES.filter((name) => !table.includes(`| \`${name}\``)), []);
});
