import { assertEquals } from "../../tests/assert.ts";
import { workspace } from "../../tests/_cli.ts";
import { AI_GATEWAY_YAML, WORKSPACES_YAML } from "../../tests/fixtures.ts";
import { ExitCode } from "../errors/mod.ts";
import { createConsoleReporter, detectOutputEnvironment } from "../reporter/mod.ts";
import { loadRegistry } from "../registry/mod.ts";
import { resolveRoot } from "./_root.ts";
import { mainDirect } from "./direct.ts";
import { main, runApp } from "./main.ts";
import { directRun, globalFlagsOnly } from "./prestart.ts";

Deno.test("globalFlagsOnly takes each global flag once, in either form, and nothing else", () => {
  assertEquals(globalFlagsOnly([]), {});
  assertEquals(globalFlagsOnly(["--json", "--verbose"]), { json: true, verbose: true });
  assertEquals(globalFlagsOnly(["--root", "ws", "--json"]), { root: "ws", json: true });
  assertEquals(globalFlagsOnly(["--root=ws"]), { root: "ws" });
  assertEquals(globalFlagsOnly(["--root="]), { root: "" });
  for (
    const args of [
      ["--strict"], // a task flag
      ["--json", "--json"], // twice
      ["--json=true"], // a boolean with a value
      ["--root"], // no value
      ["--root", "--json"], // a flag where the value should be
      ["--root", "a", "--root", "b"],
      ["-h"],
      ["--help"],
      ["name"], // a positional
      ["--", "--json"],
    ]
  ) {
    assertEquals(globalFlagsOnly(args), undefined, args.join(" "));
  }
});

Deno.test("directRun: a built-in task without a positional, given global flags only", () => {
  assertEquals(directRun(["validate-config", "--json"])?.entry.name, "validate-config");
  assertEquals(directRun(["validate-config", "--json"])?.flags, { json: true });
  assertEquals(directRun(["validate-config", "--strict"]), undefined);
  assertEquals(directRun(["create-project"]), undefined, "its name is a positional");
  assertEquals(directRun(["greet"]), undefined, "not a built-in");
  assertEquals(directRun(["list"]), undefined);
  assertEquals(directRun([]), undefined);
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
    assertEquals(directRun(argv)?.entry.name, "validate-config", "the case must be direct");
    const direct = capture();
    const directCode = await main(argv, direct.options);
    // What cli.ts runs for a direct run: the same, without loading the full CLI.
    const alone = capture();
    const aloneCode = await mainDirect(argv, directRun(argv)!, alone.options);
    assertEquals(
      { code: aloneCode, stdout: alone.stdout(), stderr: alone.stderr() },
      { code: directCode, stdout: direct.stdout(), stderr: direct.stderr() },
      `mainDirect: ${argv.join(" ")}`,
    );
    const parsed = capture();
    const root = resolveRoot(argv);
    const registry = await loadRegistry(root);
    const parsedCode = await runApp(argv, {
      process: {
        stdout: { write: parsed.options.stdout },
        stderr: { write: parsed.options.stderr },
      },
      root,
      reporter: createConsoleReporter({
        write: parsed.options.stderr,
        ...detectOutputEnvironment(),
        verbose: argv.includes("--verbose"),
      }),
      registry,
      signal: new AbortController().signal,
      exit: ExitCode.Success,
    });
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
