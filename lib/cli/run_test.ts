import { assertEquals } from "../../tests/assert.ts";
import { workspace } from "../../tests/_cli.ts";
import { AI_GATEWAY_YAML, WORKSPACES_YAML } from "../../tests/fixtures.ts";
import { openInvocation } from "./_invocation.ts";
import { parseArgv } from "./_argv.ts";
import { runApp } from "./main.ts";
import { directEntry } from "./_direct.ts";
import { main } from "./run.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("parseArgv takes the global flags anywhere before --, and leaves the rest in order", () => {
  const cwd = Deno.cwd();
  const inv = parseArgv(
    ["test-mr-all", "--json", "--target", "a", "--root=ws", "--verbose"],
    env({}),
  );
  assertEquals(inv.command, "test-mr-all");
  assertEquals(inv.rest, ["--target", "a"]);
  assertEquals([inv.root, inv.json, inv.verbose, inv.help], ["ws", true, true, false]);
  assertEquals(inv.base, cwd);
  assertEquals(parseArgv(["--root", "ws", "list"], env({})).command, "list");
  assertEquals(parseArgv(["x", "--", "--json"], env({})).rest, []);
  // Everything after the first `--` is the task's ctx.argv, as given (a second `--` included).
  assertEquals(parseArgv(["x", "-v", "--", "-k", "a b", "--", "--root"], env({})).argv, [
    "-k",
    "a b",
    "--",
    "--root",
  ]);
  assertEquals(parseArgv(["x", "-v", "--", "-k"], env({})).rest, ["-v"]);
  assertEquals(parseArgv(["x", "--", "--json"], env({})).json, false);
  assertEquals(parseArgv(["--help"], env({})).command, undefined);
  assertEquals(parseArgv(["x", "-h"], env({})).help, true);
  // A flag of the task comes after its name: what follows it is not the command.
  assertEquals(parseArgv(["--target", "a", "x"], env({})).command, undefined);
  assertEquals(parseArgv(["x"], env({ INIT_CWD: "/somewhere/else" })).base, "/somewhere/else");
  assertEquals(parseArgv(["x", "--root"], env({})).error, "--root needs a folder: --root <dir>");
  assertEquals(
    parseArgv(["x", "--json=1"], env({})).error?.startsWith("--json takes no value"),
    true,
  );
});

Deno.test("directEntry: a built-in task without a positional, given global flags only", () => {
  const direct = (...argv: string[]) => directEntry(parseArgv(argv, env({})))?.name;
  assertEquals(direct("validate-config", "--json"), "validate-config");
  assertEquals(direct("validate-config", "--strict"), undefined);
  assertEquals(direct("validate-config", "--help"), undefined);
  assertEquals(direct("create-project"), undefined, "its name is a positional");
  assertEquals(direct("greet"), undefined, "not a built-in");
  assertEquals(direct("list"), undefined);
  assertEquals(direct(), undefined);
});

Deno.test("a relative --root resolves against INIT_CWD, where the user ran the command", async () => {
  await using ws = await workspace({ "sub/workspaces.yaml": WORKSPACES_YAML });
  const inv = parseArgv(["validate-config", "--root", "sub", "--json"], env({ INIT_CWD: ws.dir }));
  const out = capture();
  const opened = openInvocation(inv, out.options);
  assertEquals(opened.ctx?.root, `${ws.dir}/sub`);
});

Deno.test("a direct run prints exactly what the full parser's run prints", async () => {
  await using ws = await workspace({
    "workspaces.yaml": WORKSPACES_YAML,
    "ai-gateway.yaml": AI_GATEWAY_YAML.replace("ai_gateway:\n", "ai_gateway:\n  extra: 1\n"),
  });
  await using empty = await workspace({});
  const cases = [
    ["validate-config", "--root", ws.dir],
    ["validate-config", `--root=${ws.dir}`, "--json"],
    ["validate-config", "--verbose", "--root", ws.dir],
    ["validate-config", "--json", "--root", empty.dir],
    ["validate-config", "--root", empty.dir],
  ];
  for (const argv of cases) {
    const invocation = parseArgv(argv);
    assertEquals(directEntry(invocation)?.name, "validate-config", "the case must be direct");
    const direct = capture();
    const directCode = await main(argv, direct.options);
    // The same command line through the full command tree.
    const parsed = capture();
    const opened = openInvocation(invocation, parsed.options);
    const parsedCode = await runApp(invocation, opened.ctx!);
    assertEquals(
      { code: directCode, stdout: direct.stdout(), stderr: direct.stderr() },
      { code: parsedCode, stdout: parsed.stdout(), stderr: parsed.stderr() },
      argv.join(" "),
    );
  }
});

function capture() {
  let stdout = "";
  let stderr = "";
  return {
    options: {
      stdout: (text: string) => (stdout += text),
      stderr: (text: string) => (stderr += text),
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
