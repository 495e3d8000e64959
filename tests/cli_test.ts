// End-to-end runs of the real CLI on workspaces the tests build.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { CLI_COMMANDS } from "../lib/cli/_argv.ts";
import { AI_GATEWAY_YAML, METADATA_JSON, WORKSPACES_YAML } from "./fixtures.ts";

Deno.test("wst --help and wst validate-config --help match their snapshots", async (t) => {
  const top = await wst(["--help"]);
  assertEquals(top.code, 0);
  await t.assertSnapshot(top.stdout);
  const task = await wst(["validate-config", "--help"]);
  assertEquals(task.code, 0);
  await t.assertSnapshot(task.stdout);
});

Deno.test("wst list prints a table, and --json one document with every task", async (t) => {
  await using ws = await workspace({ "workspaces.yaml": WORKSPACES_YAML });
  const table = await wst(["list", "--root", ws.dir]);
  assertEquals(table.code, 0, table.stderr);
  await t.assertSnapshot(table.stdout);
  const json = await wst(["list", "--root", ws.dir, "--json"]);
  const doc = JSON.parse(json.stdout);
  assertEquals(doc.tasks.map((x: { name: string }) => x.name), [
    "check-tools",
    "create-project",
    "discover-mr-targets",
    "init",
    "install-tools",
    "list-projects",
    "migrate-projects",
    "pointers",
    "test-mr-all",
    "validate-config",
    "validate-kustomizations",
    "workspace-status",
    "workspace-sync",
  ]);
  assertEquals(doc.tasks.every((x: { source: string }) => x.source === "built-in"), true);
  assertEquals(doc.problems, []);
});

Deno.test("wst describe --json gives the arguments as JSON Schema and the permissions", async () => {
  const run = await wst(["describe", "validate-config", "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assertEquals(doc.args.type, "object");
  assertEquals(doc.args.properties.strict.type, "boolean");
  assertEquals(doc.args.properties.strict.default, false);
  assertEquals(doc.permissions.read, ["workspaces.yaml", "ai-gateway.yaml", ".ai/projects"]);
});

Deno.test("wst validate-config accepts the spec's files and reports unknown keys as warnings", async () => {
  await using ws = await workspace({
    "workspaces.yaml": WORKSPACES_YAML.replace(
      "  - name: k8s-lab\n",
      "  - name: k8s-lab\n    colour: blue\n",
    ),
    "ai-gateway.yaml": AI_GATEWAY_YAML,
    ".ai/projects/simple-xml-response/metadata.json": METADATA_JSON,
  });
  const run = await wst(["validate-config", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assertEquals(doc.files.map((f: { file: string }) => f.file), [
    "workspaces.yaml",
    "ai-gateway.yaml",
    ".ai/projects/simple-xml-response/metadata.json",
  ]);
  assertEquals(doc.files[0].warnings[0].path, "projects[1].colour");
  assertMatch(
    run.stderr,
    /warning: workspaces\.yaml:10:5: projects\[1\]\.colour: Unknown key "colour" is ignored/,
  );
  const strict = await wst(["validate-config", "--strict", "--root", ws.dir]);
  assertEquals(strict.code, 2);
});

Deno.test("wst validate-config fails with exit 2 and file:line:column for each problem", async () => {
  await using ws = await workspace({
    "workspaces.yaml": WORKSPACES_YAML.replace("internalFolder: repos", 'internalFolder: "../x"'),
    ".ai/projects/other-name/metadata.json": METADATA_JSON,
  });
  const run = await wst(["validate-config", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 2);
  const { error } = JSON.parse(run.stdout);
  assertEquals(error.kind, "config");
  assertEquals(
    error.issues.map((i: { file: string; line: number; path: string }) => [i.file, i.line, i.path]),
    [
      ["workspaces.yaml", 21, "workspaces[1].internalFolder"],
      [".ai/projects/other-name/metadata.json", 1, "name"],
    ],
  );
  assertMatch(
    run.stderr,
    /workspaces\.yaml:21:21: workspaces\[1\]\.internalFolder: Cannot use internalFolder "\.\.\/x": it must not contain "\.\."/,
  );
  assert(!run.stderr.includes("    at "), "no stack trace for a user's mistake");
});

Deno.test("wst validate-config in a folder without config files is a usage error", async () => {
  await using ws = await workspace({ "README.md": "x\n" });
  const run = await wst(["validate-config", "--root", ws.dir]);
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /No configuration file found/);
});

Deno.test("unknown tasks and bad flags exit 2; with --json stdout holds one error object", async () => {
  const unknown = await wst(["lsit", "--json"]);
  assertEquals(unknown.code, 2);
  assertEquals(JSON.parse(unknown.stdout).error.kind, "usage");
  // The parser's message reads as every other error does, once.
  assertEquals(unknown.stderr.trim().split("\n"), [
    "error: No command registered for `lsit`, did you mean `list`? (wst list shows every task)",
  ]);
  // An option where a task's name goes is not taken for a task's name.
  const badOption = await wst(["--nope", "validate-config"]);
  assertEquals(badOption.code, 2);
  assertMatch(
    badOption.stderr,
    /^error: Unknown option "--nope": before a task's name wst takes --root <folder>, .*--trust.* \(wst --help\)\n$/,
  );
  const badFlag = await wst(["validate-config", "--nope"]);
  assertEquals(badFlag.code, 2);
  assertMatch(badFlag.stderr, /^error: No flag registered for --nope/);
  const badRoot = await wst(["list", "--root", "/definitely/not/here", "--json"]);
  assertEquals(badRoot.code, 2);
  assertMatch(JSON.parse(badRoot.stdout).error.message, /does not exist/);
  // The same through a direct run (a built-in task with global flags only).
  const directBadRoot = await wst(["validate-config", "--root", "/definitely/not/here", "--json"]);
  assertEquals(directBadRoot.code, 2);
  assertMatch(JSON.parse(directBadRoot.stdout).error.message, /does not exist/);
});

Deno.test("the workspace root comes from --root, else INIT_CWD, else the current directory", async () => {
  await using ws = await workspace({ "workspaces.yaml": WORKSPACES_YAML });
  await using other = await workspace({ "README.md": "x\n" });
  const fromInit = await wst(["validate-config"], { env: { INIT_CWD: ws.dir }, cwd: other.dir });
  assertEquals(fromInit.code, 0, fromInit.stderr);
  const fromCwd = await wst(["validate-config"], { env: { INIT_CWD: "" }, cwd: ws.dir });
  assertEquals(fromCwd.code, 0, fromCwd.stderr);
  const elsewhere = await wst(["validate-config"], { env: { INIT_CWD: "" }, cwd: other.dir });
  assertEquals(elsewhere.code, 2, "no config in the current directory");
  const fromFlag = await wst(["validate-config", "--root", ws.dir], {
    env: { INIT_CWD: other.dir },
  });
  assertEquals(fromFlag.code, 0, fromFlag.stderr);
});

Deno.test("wst schema prints JSON Schema an editor can use", async () => {
  const run = await wst(["schema", "workspaces"]);
  assertEquals(run.code, 0, run.stderr);
  const schema = JSON.parse(run.stdout);
  assertEquals(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assertEquals(schema.properties.version.const, "v1");
  assert(schema.properties.workspaces.items.properties.internalFolder);
  const bad = await wst(["schema", "nope"]);
  assertEquals(bad.code, 2);
});

Deno.test("wst completions prints scripts, and __complete proposes tasks and flags", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const run = await wst(["completions", shell]);
    assertEquals(run.code, 0);
    assertMatch(run.stdout, /wst __complete/);
  }
  const tasks = await wst(["__complete", "val"]);
  assertEquals(tasks.stdout.trim(), "validate-config\nvalidate-kustomizations");
  const flags = await wst(["__complete", "validate-config", "--st"]);
  assertEquals(flags.stdout.trim(), "--strict");
  // --confine's modes, as the next word or after "=".
  const modes = await wst(["__complete", "validate-config", "--confine", ""]);
  assertEquals([modes.code, modes.stdout], [0, "auto\nrequire\noff\n"]);
  assertEquals((await wst(["__complete", "--confine=r"])).stdout, "require\n");
  // A fixed command's values.
  assertEquals((await wst(["__complete", "schema", "ai"])).stdout, "ai-gateway\n");
  assertEquals((await wst(["__complete", "completions", "z"])).stdout, "zsh\n");
  // A `--` being typed is the start of a flag, not the end of wst's arguments.
  const dashes = await wst(["__complete", "validate-config", "--"]);
  assertEquals(dashes.stdout.split("\n").includes("--strict"), true, dashes.stdout);
  assertEquals(dashes.stdout.split("\n").includes("validate-config"), false, dashes.stdout);
});

Deno.test("wst trust <TAB> proposes the local tasks, not the built-in ones", async () => {
  await using ws = await workspace({
    ".wst/tasks/deploy.ts": `import { defineTask } from "@wst/wst";
export default defineTask({ name: "deploy", description: "Deploys", run: () => {} });
`,
    ".wst/tasks/docs_site.ts": `import { defineTask } from "@wst/wst";
export default defineTask({ name: "docs-site", description: "Builds the site", run: () => {} });
`,
  });
  const list = await wst(["list", "--root", ws.dir]); // fills the registry cache completion reads
  assertEquals(list.code, 0, list.stderr);
  const all = await wst(["__complete", "trust", "", "--root", ws.dir]);
  const names = all.stdout.split("\n").filter((w) => w !== "" && !w.startsWith("-"));
  assertEquals(names.sort(), ["deploy", "docs-site"]);
  const d = await wst(["__complete", "trust", "de", "--root", ws.dir]);
  assertEquals(d.stdout, "deploy\n");
});

Deno.test("a local task from .wst/tasks runs with typed flags; one shadowing a built-in is refused", async () => {
  await using ws = await workspace({
    ".wst/tasks/greet.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "greet",
  description: "Greet someone",
  args: z.object({
    name: z.string().describe("Who to greet"),
    times: z.number().int().positive().default(1),
    tone: z.enum(["plain", "loud"]).default("plain"),
  }),
  permissions: {},
  run: (ctx, args) => {
    ctx.log.info("greeting");
    const text = "hello " + args.name;
    return Array(args.times).fill(args.tone === "loud" ? text.toUpperCase() : text);
  },
});
`,
    ".wst/tasks/validate.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({ name: "validate-config", description: "Imposter", args: z.object({}), permissions: {}, run: () => 1 });
`,
  });
  const run = await wst([
    "greet",
    "--name",
    "ada",
    "--times",
    "2",
    "--tone",
    "loud",
    "--root",
    ws.dir,
    "--json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), ["HELLO ADA", "HELLO ADA"]);
  assertMatch(run.stderr, /greeting/);
  const invalid = await wst(["greet", "--name", "ada", "--times", "0", "--root", ws.dir]);
  assertEquals(invalid.code, 2);
  assertMatch(invalid.stderr, /--times: Too small/);
  const missing = await wst(["greet", "--root", ws.dir]);
  assertEquals(missing.code, 2);
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  const doc = JSON.parse(list.stdout);
  const names = doc.tasks.map((t: { name: string; source: string }) => `${t.name}:${t.source}`);
  assertEquals(
    names.filter((n: string) => n.startsWith("greet") || n.startsWith("validate-config")),
    [
      "greet:local",
      "validate-config:built-in",
    ],
  );
  assertMatch(doc.problems[0].message, /already taken by the built-in task/);
  assertMatch(list.stderr, /warning: \.wst\/tasks\/validate\.ts/);
});

Deno.test("a task that throws fails with exit 1 and its message; with --json an error object", async () => {
  await using ws = await workspace({
    ".wst/tasks/boom.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({ name: "boom", description: "Fails", args: z.object({}), permissions: {},
  run: () => { throw new Error("target \\"traefik\\" failed"); } });
`,
  });
  const run = await wst(["boom", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 1);
  assertEquals(JSON.parse(run.stdout).error.message, 'target "traefik" failed');
  assertEquals(run.stdout.trim().split("\n").length, 1, "exactly one JSON document on stdout");
});

Deno.test("templates/workspaces.yaml is a valid workspaces.yaml", async () => {
  const template = await Deno.readTextFile(
    new URL("../templates/workspaces.yaml", import.meta.url),
  );
  await using ws = await workspace({ "workspaces.yaml": template });
  const run = await wst(["validate-config", "--strict", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
});

Deno.test("a relative --root is where the user is, under npm run and deno task --cwd", async () => {
  await using ws = await workspace({
    "sub/workspaces.yaml": WORKSPACES_YAML,
  });
  const repo = new URL("../", import.meta.url).pathname;
  const runners = [
    // The README's quick start, from the user's own folder.
    ["npm", ["run", "--silent", "--prefix", repo, "wst", "--"]],
    // A wst checkout used from elsewhere.
    [Deno.execPath(), ["task", "--quiet", "--cwd", repo, "wst"]],
  ] as const;
  for (const [program, args] of runners) {
    const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" };
    delete env.INIT_CWD;
    const out = await new Deno.Command(program, {
      args: [...args, "validate-config", "--root", "sub", "--json"],
      cwd: ws.dir,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, `${program}: ${stderr}`);
    const doc = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals(doc.files.map((f: { file: string }) => f.file), ["workspaces.yaml"], program);
  }
});

Deno.test("wst --version answers without looking at the folder's task modules", async () => {
  await using ws = await workspace({
    ".wst/tasks/spin.ts": "while (true) {}\n", // would hold a listing for the load time limit
  });
  const { VERSION } = await import("../lib/cli/_version.ts");
  for (const flag of ["--version", "-v"]) {
    const run = await wst([flag, "--root", ws.dir], { env: { WST_LOAD_TIMEOUT: "60000" } });
    assertEquals([run.code, run.stdout, run.stderr], [0, `${VERSION}\n`, ""]);
  }
});

Deno.test("wst describe lists each argument as it is given, with its type and default", async () => {
  await using ws = await workspace({
    ".wst/tasks/greet.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "greet",
  description: "Greets",
  args: z.object({
    name: z.string().default("world").describe("Who to greet"),
    loud: z.boolean().default(false).describe("Shout"),
    dryRun: z.boolean().default(true).describe("Only say it"),
    times: z.number().int().describe("How many times"),
    mode: z.enum(["a", "b"]).default("a").describe("Mode"),
  }),
  run: (_ctx, a) => a,
});
`,
    ".wst/tasks/bare.ts": `import { defineTask } from "@wst/wst";
export default defineTask({ name: "bare", description: "No arguments", run: () => 1 });
`,
  });
  const greet = await wst(["describe", "greet", "--root", ws.dir]);
  assertEquals(greet.code, 0, greet.stderr);
  assertEquals(greet.stdout.slice(greet.stdout.indexOf("arguments:")).trimEnd().split("\n"), [
    "arguments:",
    '  --name <string>  Who to greet (default: "world")',
    "  --loud  Shout",
    "  --dry-run  Only say it (default: true)",
    "  --times <integer>  How many times (required)",
    '  --mode a|b  Mode (default: "a")',
  ]);
  const bare = await wst(["describe", "bare", "--root", ws.dir]);
  assertMatch(bare.stdout, /^arguments: none$/m);
});

Deno.test("CLI_COMMANDS names exactly the commands wst --help lists (with __complete, the shells' hook)", async () => {
  await using ws = await workspace({ "workspaces.yaml": WORKSPACES_YAML });
  const help = await wst(["--help", "--root", ws.dir]);
  assertEquals(help.code, 0, help.stderr);
  const section = help.stdout.split("COMMANDS\n")[1]!.split("\n\n")[0]!;
  const listed = section.split("\n").map((line) => line.trim().split(/\s+/)[0]!).filter(Boolean);
  const builtins = JSON.parse((await wst(["list", "--json", "--root", ws.dir])).stdout).tasks
    .map((t: { name: string }) => t.name);
  const commands = listed.filter((name) => !builtins.includes(name));
  assertEquals([...commands, "__complete"].sort(), [...CLI_COMMANDS].sort());
});
