import { assert, assertEquals, assertMatch } from "../../tests/assert.ts";
import { REPO_ROOT } from "../../scripts/runtime_flags.ts";
import { ConfigError } from "../errors/mod.ts";
import { dotenvPathProblem, envDefaultProblems, envFlagValue, parseDotenv } from "./dotenv.ts";
import { firstLine, scriptFolder } from "../sandbox/_script.ts";

/** The ConfigError a call throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert(err instanceof ConfigError, String(err));
    return err;
  }
  throw new Error("Expected a ConfigError, nothing was thrown");
}

Deno.test("parseDotenv() reads the example of docs/formats.md as the page says", async () => {
  const formats = await Deno.readTextFile(`${REPO_ROOT}/docs/formats.md`);
  const section = formats.slice(formats.indexOf("## dotenv files"));
  const example = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  assertEquals(parseDotenv(example, ".env"), {
    DEPLOY_HOST: "seed.example.internal",
    KUBECONFIG: "/home/me/.kube/seed",
    GREETING: "kept $AS written",
    MOTD: 'two\nlines, a "quote" and a $',
    CERT: "-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----",
  });
});

Deno.test("parseDotenv(): the last value wins, nothing is expanded, CRLF and a BOM are fine", () => {
  assertEquals(
    parseDotenv("\uFEFFA=1\r\nB=${A}\r\nA = 2 \r\nEMPTY=\r\nHASH=a#b\n", "x.env"),
    { A: "2", B: "${A}", EMPTY: "", HASH: "a#b" },
  );
});

Deno.test("parseDotenv() names the file, line and column of a bad line and of an open quote", () => {
  const bad = configError(() => parseDotenv("A=1\n  not a var\n", ".env"));
  assertEquals(bad.issues[0]?.line, 2);
  assertEquals(bad.issues[0]?.column, 3);
  assertMatch(bad.message, /^\.env:2:3: Expected NAME=value/);
  const open = configError(() => parseDotenv('A="never closed\nB=2\n', ".env"));
  assertMatch(open.message, /^\.env:1:3: A: Expected a closing " for the value of "A"$/);
  const after = configError(() => parseDotenv("A='x' y\n", ".env"));
  assertMatch(after.message, /Expected nothing after the closing quote, found "y"/);
  configError(() => parseDotenv("1A=x\n", ".env"));
});

Deno.test("dotenvPathProblem() takes relative paths inside the root only", () => {
  assertEquals(dotenvPathProblem(".env"), undefined);
  assertEquals(dotenvPathProblem("config/../.env.local"), undefined);
  assertMatch(dotenvPathProblem("../secret.env")!, /inside the task's root/);
  assertMatch(dotenvPathProblem("/etc/environment")!, /inside the task's root/);
  assertMatch(dotenvPathProblem("a/../..")!, /inside the task's root/);
  assertMatch(dotenvPathProblem(".")!, /inside the task's root/);
});

Deno.test("envFlagValue() parses a var's value as its flag would", () => {
  assertEquals(envFlagValue("5", { type: "number" }, "N"), { value: 5 });
  assertEquals(envFlagValue("x", { type: "integer" }, "N"), {
    error: '$N: expected a number, found "x"',
  });
  assertEquals(envFlagValue("yes", { type: "boolean" }, "B"), { value: true });
  assertEquals(envFlagValue("0", { type: "boolean" }, "B"), { value: false });
  assertEquals("error" in envFlagValue("maybe", { type: "boolean" }, "B"), true);
  assertEquals(envFlagValue('["a","b"]', { type: "array" }, "L"), { value: ["a", "b"] });
  assertEquals(envFlagValue("a", { type: "array" }, "L"), { value: ["a"] });
  assertEquals(envFlagValue("prod", { enum: ["dev", "prod"] }, "E"), { value: "prod" });
  assertEquals(envFlagValue("7", { anyOf: [{ type: "number" }, { type: "null" }] }, "N"), {
    value: 7,
  });
});

Deno.test("envDefaultProblems() wants an argument and a declared var (unknown for computed permissions)", () => {
  assertEquals(envDefaultProblems({ host: "HOST" }, ["host"], ["HOST"]), []);
  assertEquals(envDefaultProblems({ host: "HOST" }, ["host"], undefined), []);
  const problems = envDefaultProblems({ host: "HOST", port: "PORT" }, ["host"], []);
  assertEquals(problems.map((p) => p.field), ["envDefaults.host", "envDefaults.port"]);
  assertMatch(problems[0]!.message, /"HOST" to be declared in permissions\.env/);
  assertMatch(problems[1]!.message, /Expected the name of an argument \("host"\), found "port"/);
});

Deno.test("scriptFolder() keeps a script's cwd inside the root; firstLine() names the script", () => {
  assertEquals(scriptFolder("/ws", undefined), "/ws");
  assertEquals(scriptFolder("/ws", "a/b"), "/ws/a/b");
  assertEquals(scriptFolder("/ws", "a/../b"), "/ws/b");
  assertEquals(scriptFolder("/ws", ".."), undefined);
  assertEquals(scriptFolder("/ws", "/etc"), undefined);
  assertEquals(scriptFolder("/ws", "/ws/sub"), "/ws/sub");
  assertEquals(scriptFolder("/ws", "../wsx"), undefined);
  assertEquals(firstLine("\n\n   make all  \nmake test"), "make all");
  assertEquals(firstLine("x".repeat(100)).length, 80);
});
