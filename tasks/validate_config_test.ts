import { assertEquals, rejection } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { AI_GATEWAY_YAML, METADATA_JSON, WORKSPACES_YAML } from "../tests/fixtures.ts";
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import task from "./validate_config.ts";

Deno.test("validate-config accepts the spec's files and reports each one", async () => {
  await using ws = await workspace({
    "workspaces.yaml": WORKSPACES_YAML,
    "ai-gateway.yaml": AI_GATEWAY_YAML,
    ".ai/projects/simple-xml-response/metadata.json": METADATA_JSON,
  });
  const { value, logs } = await runTask(task, {}, { root: ws.dir });
  assertEquals(value.files.map((f) => f.file), [
    "workspaces.yaml",
    "ai-gateway.yaml",
    ".ai/projects/simple-xml-response/metadata.json",
  ]);
  assertEquals(logs, []);
  assertEquals(
    task.render!(value),
    "✓ workspaces.yaml\n✓ ai-gateway.yaml\n✓ .ai/projects/simple-xml-response/metadata.json",
  );
});

Deno.test("validate-config warns about unknown keys, and --strict makes them errors", async () => {
  await using ws = await workspace({
    "workspaces.yaml": WORKSPACES_YAML.replace("version: v1", "version: v1\nlegacy: true"),
  });
  const { value, logs } = await runTask(task, {}, { root: ws.dir });
  assertEquals(value.files[0]!.warnings.length, 1);
  assertEquals(logs.map((l) => l.level), ["warn"]);
  assertEquals(logs[0]!.message.startsWith("workspaces.yaml:2:1:"), true, logs[0]!.message);
  const err = await rejection(() => runTask(task, { strict: true }, { root: ws.dir }), ConfigError);
  assertEquals(err.issues[0]!.line, 2);
  // An error, so not "ignored".
  assertEquals(err.issues[0]!.message, 'Unknown key "legacy"');
});

Deno.test("validate-config names a metadata file whose name differs from its folder", async () => {
  await using ws = await workspace({ ".ai/projects/other/metadata.json": METADATA_JSON });
  const err = await rejection(() => runTask(task, {}, { root: ws.dir }), ConfigError);
  const [issue] = err.issues;
  assertEquals(issue!.file, ".ai/projects/other/metadata.json");
  assertEquals(issue!.path, "name");
});

Deno.test("validate-config with no configuration file is a usage error", async () => {
  await using ws = await workspace({});
  const err = await rejection(() => runTask(task, {}, { root: ws.dir }), UsageError);
  assertEquals(err.message.includes("No configuration file found"), true);
});

Deno.test("validate-config refuses a file that is not UTF-8 instead of reading it with U+FFFD", async () => {
  await using ws = await workspace({ "ai-gateway.yaml": AI_GATEWAY_YAML });
  const bytes = new TextEncoder().encode(WORKSPACES_YAML.replace("ai-dev", "ai-d\u0000ev"));
  bytes[bytes.indexOf(0)] = 0xff; // a byte that is never UTF-8
  await Deno.writeFile(`${ws.dir}/workspaces.yaml`, bytes);
  const error = await rejection(() => runTask(task, {}, { root: ws.dir }), ConfigError);
  assertEquals(error.issues.map((i) => [i.file, i.message]), [
    ["workspaces.yaml", "Expected UTF-8 text, found bytes that are not"],
  ]);
});

Deno.test("validate-config reports an alias bomb as invalid YAML in its file (exit 2)", async () => {
  const bomb = ["version: v1", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 8; i++) {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    bomb.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(", ")}]`);
  }
  await using ws = await workspace({ "workspaces.yaml": `${bomb.join("\n")}\n` });
  const error = await rejection(() => runTask(task, {}, { root: ws.dir }), ConfigError);
  assertEquals(error.issues[0]?.file, "workspaces.yaml");
  assertEquals(error.exitCode, 2);
});
