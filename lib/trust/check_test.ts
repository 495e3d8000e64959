import { assert, assertEquals, assertMatch, rejection } from "../../tests/assert.ts";
import { TrustRequiredError } from "../errors/mod.ts";
import { ensureTrusted, selfCommand, trustCommand, trustState } from "./check.ts";
import type { PromptIO } from "./prompt.ts";
import { readTrustFile, trustFilePath } from "./store.ts";

const TASK = { name: "deploy", source: "local", file: ".wst/tasks/deploy.ts" } as const;

function answering(...answers: string[]): PromptIO & { asked: number } {
  const io = {
    asked: 0,
    write: () => {},
    readLine: () => {
      io.asked++;
      return Promise.resolve(answers.shift() ?? null);
    },
  };
  return io;
}

Deno.test("ensureTrusted() asks once for parallel runs of a task, records a yes, then asks no more", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const trustFile = `${dir}/state/trust.json`;
    const prompt = answering("y");
    const permissions = { net: ["api.test"] };
    await Promise.all(
      [1, 2, 3].map(() =>
        ensureTrusted(TASK, permissions, dir, { trusted: false, trustFile, prompt })
      ),
    );
    assertEquals(prompt.asked, 1);
    assertEquals(readTrustFile(trustFile).roots[dir]?.deploy?.reach, { net: ["api.test"] });
    const approvals = readTrustFile(trustFile).roots[dir];
    assertEquals(trustState(TASK, permissions, dir, approvals), "approved");
    assertEquals(trustState(TASK, { net: ["other.test"] }, dir, approvals), "grown");
    assertEquals(trustState(TASK, { env: ["X"] }, dir, undefined), "needs approval");
    assertEquals(trustState(TASK, { read: ["."] }, dir, undefined), "not needed");
    assertEquals(trustState(TASK, null, dir, undefined), "per run");
    assertEquals(
      trustState({ ...TASK, source: "built-in" }, { env: ["X"] }, dir, undefined),
      "built-in",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureTrusted() refuses on a no, without a terminal, and names what grew", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const trustFile = `${dir}/trust.json`;
    const no = answering("n");
    const error = await rejection(
      () => ensureTrusted(TASK, { env: ["A"] }, dir, { trusted: false, trustFile, prompt: no }),
      TrustRequiredError,
    );
    assertEquals([error.exitCode, error.grown, error.needs], [3, false, { env: ["A"] }]);
    assertEquals(error.command, trustCommand("deploy", dir));
    await ensureTrusted(TASK, { env: ["A"] }, dir, {
      trusted: false,
      trustFile,
      prompt: answering("yes"),
    });
    const grown = await rejection(
      () =>
        ensureTrusted(TASK, { env: ["A", "B"] }, dir, {
          trusted: false,
          trustFile,
          prompt: undefined,
        }),
      TrustRequiredError,
    );
    assertEquals([grown.grown, grown.needs], [true, { env: ["B"] }]);
    // --trust: no question, nothing read or recorded.
    await ensureTrusted(TASK, { env: ["C"] }, dir, { trusted: true, trustFile: "/nonexistent/x" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trustCommand() quotes a root a shell would split", () => {
  assertEquals(trustCommand("t", "/a/b", "wst"), "wst trust t --root /a/b");
  assertEquals(trustCommand("t", "/a b/it's", "wst"), `wst trust t --root '/a b/it'\\''s'`);
  assert(trustCommand("t", "/$(x)").endsWith("'/$(x)'"));
});

Deno.test("trustFilePath() is under XDG_STATE_HOME when it is absolute, else under HOME", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(trustFilePath(env({ XDG_STATE_HOME: "/s/", HOME: "/h" })), "/s/wst/trust.json");
  if (Deno.build.os !== "windows") {
    assertEquals(
      trustFilePath(env({ XDG_STATE_HOME: "rel", HOME: "/h" })),
      "/h/.local/state/wst/trust.json",
    );
  }
});

Deno.test("selfCommand(): wst on PATH, else how npm or deno runs this checkout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const env = (vars: Record<string, string>) => (name: string) => vars[name];
    assertMatch(selfCommand(env({ PATH: dir })), /^deno task --cwd \S+ wst$/);
    assertMatch(
      selfCommand(env({ PATH: dir, npm_lifecycle_event: "wst" })),
      /^npm --prefix \S+ run --silent wst --$/,
    );
    await Deno.writeTextFile(`${dir}/wst`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/wst`, 0o755);
    assertEquals(selfCommand(env({ PATH: `/nowhere:${dir}` })), "wst");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
