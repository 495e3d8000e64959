import { assertEquals, assertMatch, assertRejects, rejection } from "../../tests/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import {
  aiGatewayFileSchema,
  MAX_CONFIG_BYTES,
  parseConfig,
  projectMetadataSchema,
  readConfigFile,
  readConfigFileSync,
  workspacesFileSchema,
} from "./mod.ts";
import { AI_GATEWAY_YAML, METADATA_JSON, WORKSPACES_YAML } from "../../tests/fixtures.ts";

async function issuesOf(fn: () => unknown) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("parseConfig() accepts the spec's workspaces.yaml, ai-gateway.yaml and metadata.json", async () => {
  const ws = await parseConfig("workspaces.yaml", WORKSPACES_YAML, workspacesFileSchema);
  assertEquals(ws.warnings, []);
  assertEquals(ws.data.workspaces[1]?.internalFolder, "repos");
  assertEquals(ws.data.projects[1]?.desired_state, "present");
  const gw = await parseConfig("ai-gateway.yaml", AI_GATEWAY_YAML, aiGatewayFileSchema);
  assertEquals(gw.data.ai_gateway.guardrails.max_files_per_diff, 10);
  const meta = await parseConfig("metadata.json", METADATA_JSON, projectMetadataSchema, {
    format: "json",
  });
  assertEquals(meta.data.codevNumber, "0001");
});

Deno.test("parseConfig() warns about unknown keys at their line and keeps the rest", async () => {
  const text = WORKSPACES_YAML.replace(
    "    default_branch: main\n",
    "    default_branch: main\n    colour: blue\n",
  );
  const { data, warnings } = await parseConfig("workspaces.yaml", text, workspacesFileSchema);
  assertEquals(warnings.length, 1);
  assertEquals(warnings[0]!.line, 6);
  assertEquals(warnings[0]!.column, 5);
  assertEquals(warnings[0]!.path, "projects[0].colour");
  assertEquals(data.projects[0]?.name, "ai-dev");
  assertEquals("colour" in (data.projects[0] ?? {}), false);
});

Deno.test("parseConfig() reports a wrong value at the value's position with expected and found", async () => {
  const text = WORKSPACES_YAML.replace("desired_state: present ", "desired_state: gone    ");
  const [issue, ...rest] = await issuesOf(() =>
    parseConfig("workspaces.yaml", text, workspacesFileSchema)
  );
  assertEquals(rest, []);
  assertEquals([issue!.file, issue!.line, issue!.column], ["workspaces.yaml", 6, 20]);
  assertEquals(issue!.path, "projects[0].desired_state");
  assertEquals(issue!.message, 'Expected "present" or "absent", found "gone"');
});

Deno.test("parseConfig() reports a missing key at its parent", async () => {
  const text = "version: v1\nprojects:\n  - name: a\nworkspaces: []\n";
  const [issue] = await issuesOf(() => parseConfig("workspaces.yaml", text, workspacesFileSchema));
  assertEquals([issue!.line, issue!.column, issue!.path], [3, 5, "projects[0].repo"]);
  assertMatch(issue!.message, /^Missing required key: expected string/);
});

Deno.test("parseConfig() reports a missing version as missing, not as found undefined", async () => {
  const [issue] = await issuesOf(() =>
    parseConfig("workspaces.yaml", "projects: []\nworkspaces: []\n", workspacesFileSchema)
  );
  assertEquals(issue!.path, "version");
  assertEquals(issue!.message, 'Missing required key: expected "v1"');
});

Deno.test("parseConfig() checks internalFolder rules with the spec's wording", async () => {
  const cases: Array<[string, RegExp]> = [
    ['""', /non-empty/],
    ['"../x"', /must not contain "\.\."/],
    ['"a/b"', /without "\/"/],
    ['"a\\\\b"', /without "\/" or "\\"/],
    ['"a\\0b"', /NUL/],
  ];
  for (const [value, expected] of cases) {
    const text =
      `version: v1\nprojects: []\nworkspaces:\n  - name: w\n    internalFolder: ${value}\n    projects: []\n`;
    const [issue] = await issuesOf(() =>
      parseConfig("workspaces.yaml", text, workspacesFileSchema)
    );
    assertEquals(issue!.path, "workspaces[0].internalFolder", value);
    assertEquals([issue!.line, issue!.column], [5, 21], value);
    assertMatch(issue!.message, expected, value);
  }
});

Deno.test("parseConfig() flags a workspace that names an unknown project", async () => {
  const text =
    "version: v1\nprojects:\n  - { name: a, repo: r }\nworkspaces:\n  - name: w\n    projects: [a, b]\n";
  const [issue] = await issuesOf(() => parseConfig("workspaces.yaml", text, workspacesFileSchema));
  assertEquals([issue!.line, issue!.column, issue!.path], [6, 19, "workspaces[0].projects[1]"]);
  assertEquals(
    issue!.message,
    'Unknown project "b": expected one of the names under projects ("a")',
  );
});

Deno.test("parseConfig() flags a project or workspace name defined twice, where it was first", async () => {
  const text = "version: v1\nprojects:\n  - { name: a, repo: r }\n  - { name: a, repo: s }\n" +
    "workspaces:\n  - { name: w, projects: [a] }\n  - { name: v, projects: [] }\n" +
    "  - { name: w, projects: [a] }\n";
  const issues = await issuesOf(() => parseConfig("workspaces.yaml", text, workspacesFileSchema));
  assertEquals(issues.map((i) => [i.line, i.path, i.message]), [
    [4, "projects[1].name", 'Duplicate project name "a": first defined at projects[0]'],
    [8, "workspaces[2].name", 'Duplicate workspace name "w": first defined at workspaces[0]'],
  ]);
});

Deno.test("parseConfig() reports malformed YAML and JSON with line and column", async () => {
  const [yamlIssue] = await issuesOf(() =>
    parseConfig("workspaces.yaml", "version: v1\nprojects: [a\n", workspacesFileSchema)
  );
  assertMatch(yamlIssue!.message, /^Invalid YAML/);
  assertEquals(yamlIssue!.file, "workspaces.yaml");
  const [jsonIssue] = await issuesOf(() =>
    parseConfig("m.json", '{\n  "name": "x",\n  oops\n}', projectMetadataSchema, { format: "json" })
  );
  assertMatch(jsonIssue!.message, /^Invalid JSON/);
  assertEquals(jsonIssue!.line, 3);
});

Deno.test("parseConfig() refuses an empty file and a codev project without a number", async () => {
  await assertRejects(() => parseConfig("workspaces.yaml", "", workspacesFileSchema), ConfigError);
  const text = METADATA_JSON.replace('  "codevNumber": "0001",\n', "");
  const [issue] = await issuesOf(() =>
    parseConfig("metadata.json", text, projectMetadataSchema, { format: "json" })
  );
  assertEquals(issue!.path, "codevNumber");
});

Deno.test("parseConfig() lists the first 200 problems and counts the rest; too many for zod is an error, not a crash", async () => {
  const many = `version: v1\nprojects:\n${
    Array.from({ length: 300 }, (_, i) => `  - { name: p${i}, repo: r, desired_state: gone }\n`)
      .join("")
  }workspaces: []\n`;
  const issues = await issuesOf(() => parseConfig("workspaces.yaml", many, workspacesFileSchema));
  assertEquals(issues.length, 201);
  assertEquals(issues[200]!.message, "100 more problems from here on, not listed");
  assertEquals(issues[200]!.line, issues[199]!.line! + 1);
  // A million problems in 2 MB: zod runs out of stack gathering them.
  const dense = `version: v1\nprojects: [${"1,".repeat(1_000_000)}1]\nworkspaces: []\n`;
  const [overflow, ...none] = await issuesOf(() =>
    parseConfig("workspaces.yaml", dense, workspacesFileSchema)
  );
  assertEquals(none, []);
  assertMatch(overflow!.message, /^Has too many problems to check/);
});

Deno.test("readConfigFileSync() and readConfigFile() read a regular file only, of at most 2 MiB", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wst-config-read-" });
  try {
    assertEquals(readConfigFileSync(`${dir}/none.yaml`, "none.yaml"), null);
    assertEquals(await readConfigFile(`${dir}/none.yaml`, "none.yaml"), null);
    await Deno.writeTextFile(`${dir}/ok.yaml`, "version: v1\n");
    assertEquals(readConfigFileSync(`${dir}/ok.yaml`, "ok.yaml"), "version: v1\n");
    const made = await new Deno.Command("mkfifo", { args: [`${dir}/fifo.yaml`] }).output();
    assertEquals(made.code, 0);
    const [fifo] = await issuesOf(() => readConfigFileSync(`${dir}/fifo.yaml`, "fifo.yaml"));
    assertEquals(fifo!.file, "fifo.yaml");
    assertMatch(fifo!.message, /^Is not a regular file \(a FIFO, a socket or a device\)/);
    await Deno.mkdir(`${dir}/folder.yaml`);
    const [folder] = await issuesOf(() => readConfigFile(`${dir}/folder.yaml`, "folder.yaml"));
    assertMatch(folder!.message, /^Is not a regular file \(a folder\)/);
    await Deno.writeTextFile(`${dir}/big.yaml`, "#".repeat(MAX_CONFIG_BYTES + 1));
    const [big] = await issuesOf(() => readConfigFile(`${dir}/big.yaml`, "big.yaml"));
    assertMatch(big!.message, /^Is 2\.0 MiB: wst reads configuration files of up to 2 MiB$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readConfigFile() follows a link inside the workspace and refuses one out of it, naming its target", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/ws/conf`, { recursive: true });
    await Deno.writeTextFile(`${dir}/ws/conf/w.yaml`, "version: v1\n");
    await Deno.writeTextFile(`${dir}/secret.txt`, "TOPSECRET\n");
    await Deno.symlink("conf/w.yaml", `${dir}/ws/workspaces.yaml`);
    assertEquals(
      await readConfigFile(`${dir}/ws/workspaces.yaml`, "workspaces.yaml"),
      "version: v1\n",
    );
    assertEquals(
      readConfigFileSync(`${dir}/ws/workspaces.yaml`, "workspaces.yaml"),
      "version: v1\n",
    );
    await Deno.remove(`${dir}/ws/workspaces.yaml`);
    await Deno.symlink(`${dir}/secret.txt`, `${dir}/ws/workspaces.yaml`);
    for (const read of [readConfigFile, readConfigFileSync]) {
      const err = await rejection(
        async () => await read(`${dir}/ws/workspaces.yaml`, "workspaces.yaml"),
        ConfigError,
      );
      assertMatch(err.message, /Is a symbolic link to ".*secret\.txt", outside the workspace/);
    }
    await Deno.remove(`${dir}/ws/workspaces.yaml`);
    await Deno.symlink(`${dir}/gone.yaml`, `${dir}/ws/workspaces.yaml`);
    await assertRejects(
      () => readConfigFile(`${dir}/ws/workspaces.yaml`, "workspaces.yaml"),
      ConfigError,
      "outside the workspace",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseConfig() quotes a long string it found only in part", async () => {
  const text = `root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n`;
  const err = await rejection(
    () => parseConfig("workspaces.yaml", text.repeat(3), workspacesFileSchema),
    ConfigError,
  );
  assertMatch(
    err.message,
    /found "root:x:0:0:root:\/root:\/bin\/bash daemon:x:1:1:daemon:\/usr\/sbi"… \(239 characters\)/,
  );
});
