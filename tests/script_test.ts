// Scripts, arguments and env (issue #14 parts 4 and 5) through the real CLI:
// `ctx.script` (bash, set -e, pipefail, cwd, env, ignoreError, output), `ctx.argv`
// (everything after `--`), `envDefaults`, `dotenv`, and two permission
// blockers: a binary the task creates while it runs, and an undeclared binary
// reported as a sandbox denial (exit 3), not "command not found" (exit 1).
// Where confinement applies, each runs confined (`require`) and with
// `WST_CONFINE=off`.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { confineSupport } from "../lib/sandbox/confine.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const support = confineSupport();
const MODES: Array<{ mode: "require" | "off"; ignore: boolean; note: string }> = [
  {
    mode: "require",
    ignore: support.bwrap === undefined,
    note: support.bwrap === undefined ? ` (skipped: ${support.reason})` : "",
  },
  { mode: "off", ignore: false, note: "" },
];

/** A local task module: `run` is the body of `async run(ctx, args)`. */
function task(options: {
  name: string;
  args?: string;
  permissions: string;
  extra?: string;
  run: string;
}): string {
  return `import { defineTask, ScriptFailedError } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: ${JSON.stringify(options.name)},
  description: "A test task",
  args: z.object({ ${options.args ?? ""} }),
  permissions: ${options.permissions},
  ${options.extra ?? ""}
  async run(ctx, args) {
    void ScriptFailedError; void args;
    ${options.run}
  },
});
`;
}

/** Twenty lines of bash as a Taskfile holds them: heredoc, if, for, a pipeline, $(). */
const SCRIPT = `
name=$(printf '%s' "world" | tr a-z A-Z)
cat > out/greeting.txt <<EOF
hello $name
from $(basename "$PWD")
EOF
count=0
for word in alpha beta gamma; do
  if [ "$word" = "beta" ]; then
    echo "skip $word"
    continue
  fi
  count=$((count + 1))
  echo "item $count: $word"
done
lines=$(wc -l < out/greeting.txt | tr -d ' ')
if [ "$lines" -eq 2 ]; then
  echo "greeting has $lines lines"
else
  echo "unexpected: $lines" >&2
  exit 7
fi
echo "to stderr" >&2
`;

for (const { mode, ignore, note } of MODES) {
  const env = { WST_CONFINE: mode };

  Deno.test(
    `ctx.script runs a 20-line bash script unchanged, streams its output (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        "out/.keep": "",
        ".wst/tasks/scripted.ts": task({
          name: "scripted",
          permissions: `{ run: ["bash"], read: ["out"], write: ["out"] }`,
          run: `const source = ${JSON.stringify(SCRIPT)};
    const result = await ctx.script(source);
    return { result, greeting: await Deno.readTextFile(ctx.root + "/out/greeting.txt") };`,
        }),
      });
      const text = await wst(["scripted", "--root", ws.dir], { env });
      assertEquals(text.code, 0, text.stderr);
      // Without --json the script's stdout is wst's stdout, before the result.
      assert(
        text.stdout.startsWith("item 1: alpha\nskip beta\nitem 2: gamma\ngreeting has 2 lines\n"),
        text.stdout,
      );
      assertMatch(text.stderr, /to stderr/);
      const json = await wst(["scripted", "--root", ws.dir, "--json"], { env });
      assertEquals(json.code, 0, json.stderr);
      // With --json stdout stays one document: the script's stdout goes to stderr.
      const base = ws.dir.slice(ws.dir.lastIndexOf("/") + 1);
      assertEquals(JSON.parse(json.stdout), {
        result: { code: 0 },
        greeting: `hello WORLD\nfrom ${base}\n`,
      });
      assertMatch(json.stderr, /item 2: gamma\n/);
    },
  );

  Deno.test(
    `ctx.script stops at the first failing command (set -e, pipefail) with a typed error (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        ".wst/tasks/failing.ts": task({
          name: "failing",
          args: `pipe: z.boolean().default(false)`,
          permissions: `{ run: ["bash"] }`,
          run: `await ctx.script(args.pipe
      ? "false | cat\\necho after-pipe"
      : "echo before\\nexit_with() { return $1; }\\nexit_with 4\\necho after");
    return "not reached";`,
        }),
      });
      const run = await wst(["failing", "--root", ws.dir, "--json"], { env });
      assertEquals(run.code, 1, run.stderr);
      const { error } = JSON.parse(run.stdout);
      assertEquals(error.kind, "script-failed");
      assertEquals([error.task, error.line, error.code], ["failing", "echo before", 4]);
      assertMatch(error.message, /^Task "failing": the script "echo before" exited with code 4$/);
      assertMatch(run.stderr, /before\n/);
      assertEquals(run.stderr.includes("after"), false, run.stderr);
      const piped = await wst(["failing", "--pipe", "--root", ws.dir], { env });
      assertEquals(piped.code, 1, piped.stderr);
      assertEquals(piped.stdout.includes("after-pipe"), false, piped.stdout);
      assertMatch(piped.stderr, /the script "false \| cat" exited with code 1/);
    },
  );

  Deno.test(
    `ctx.script: ignoreError resolves the code; a caught ScriptFailedError lets the task go on (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        ".wst/tasks/tolerant.ts": task({
          name: "tolerant",
          permissions: `{ run: ["bash"] }`,
          run: `const ignored = await ctx.script("exit 3", { ignoreError: true });
    let caught = null;
    try {
      await ctx.script("echo trying\\nexit 5");
    } catch (err) {
      if (!(err instanceof ScriptFailedError)) throw err;
      caught = { kind: err.kind, code: err.code, exitCode: err.exitCode };
    }
    const ok = await ctx.script("true");
    return { ignored, caught, ok };`,
        }),
      });
      const run = await wst(["tolerant", "--root", ws.dir, "--json"], { env });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(JSON.parse(run.stdout), {
        ignored: { code: 3 },
        caught: { kind: "script-failed", code: 5, exitCode: 1 },
        ok: { code: 0 },
      });
    },
  );

  Deno.test(
    `ctx.script: cwd relative to the root, refused outside it; env is PATH, declared vars and its own (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        "sub/dir/marker.txt": "here\n",
        ".wst/tasks/where.ts": task({
          name: "where",
          args: `outside: z.boolean().default(false)`,
          permissions: `{ run: ["bash"], read: ["sub"], env: ["WST_DECLARED"] }`,
          run: `if (args.outside) return await ctx.script("pwd", { cwd: "sub/../.." });
    await ctx.script(
      'echo "cwd=$PWD"; cat marker.txt; echo "declared=$WST_DECLARED"; ' +
        'echo "undeclared=\${WST_SECRET:-unset}"; echo "own=$OWN"; ' +
        'env | cut -d= -f1 | grep -v -E "^(PWD|SHLVL|_|OLDPWD)$" | sort | tr "\\\\n" " "',
      { cwd: "sub/dir", env: { OWN: "mine" } },
    );`,
        }),
      });
      const vars = { ...env, WST_DECLARED: "yes", WST_SECRET: "leaked" };
      const run = await wst(["where", "--root", ws.dir], { env: vars });
      assertEquals(run.code, 0, run.stderr);
      assert(run.stdout.includes(`cwd=${ws.dir}/sub/dir\nhere\n`), run.stdout);
      assert(run.stdout.includes("declared=yes\nundeclared=unset\nown=mine\n"), run.stdout);
      // Exactly PATH, the declared var and its own: nothing of wst's env (WST_SECRET, HOME …).
      assert(run.stdout.endsWith("OWN PATH WST_DECLARED "), run.stdout);
      const outside = await wst(["where", "--outside", "--root", ws.dir, "--json"], { env });
      assertEquals(outside.code, 3, outside.stderr);
      const { error } = JSON.parse(outside.stdout);
      assertEquals(error.task, "where");
      assertMatch(error.operation, /^running a script in "sub\/\.\.\/\.\.", outside the root/);
    },
  );

  Deno.test(
    `ctx.script without bash declared is a sandbox denial naming the task and bash (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        ".wst/tasks/undeclared.ts": task({
          name: "undeclared",
          permissions: `{ run: ["git"] }`,
          run: `await ctx.script("echo hi");`,
        }),
      });
      const run = await wst(["undeclared", "--root", ws.dir, "--json"], { env });
      assertEquals(run.code, 3, run.stderr);
      const { error } = JSON.parse(run.stdout);
      assertEquals([error.kind, error.task, error.operation], [
        "sandbox-denied",
        "undeclared",
        'run access to "bash"',
      ]);
    },
  );

  Deno.test(
    `an undeclared binary is a sandbox denial, through ctx.$ and new Deno.Command (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        ".wst/tasks/sneaky.ts": task({
          name: "sneaky",
          args: `how: z.enum(["shell", "command", "missing"])`,
          permissions: `{ run: ["git"] }`,
          run: `if (args.how === "shell") return await ctx.$\`ls /\`.text();
    const name = args.how === "command" ? "ls" : "wst-no-such-binary";
    return (await new Deno.Command(name).output()).code;`,
        }),
      });
      for (
        const [how, binary] of [["shell", "ls"], ["command", "ls"], [
          "missing",
          "wst-no-such-binary",
        ]]
      ) {
        const run = await wst(["sneaky", "--how", how!, "--root", ws.dir, "--json"], { env });
        assertEquals(run.code, 3, `${how}: ${run.stderr}`);
        const { error } = JSON.parse(run.stdout);
        assertEquals(error.kind, "sandbox-denied", how);
        assertMatch(error.operation, new RegExp(`^run access to "${binary}"`), how);
      }
    },
  );

  Deno.test(
    `a declared binary the task creates while it runs runs in the same run (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        ".wst/tasks/venv.ts": task({
          name: "venv",
          permissions: `{ run: ["bash", ".venv/bin/pip"], write: [".venv"] }`,
          run: `await ctx.script(
      "mkdir -p .venv/bin\\nprintf '#!/bin/sh\\\\necho pip \\"$@\\"\\\\n' > .venv/bin/pip\\nchmod +x .venv/bin/pip",
    );
    const direct = new TextDecoder().decode(
      (await new Deno.Command(".venv/bin/pip", { args: ["direct"] }).output()).stdout,
    );
    const shell = await ctx.$\`.venv/bin/pip shell\`.text();
    return { direct, shell };`,
        }),
      });
      const run = await wst(["venv", "--root", ws.dir, "--json"], { env });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(JSON.parse(run.stdout), { direct: "pip direct\n", shell: "pip shell" });
    },
  );

  Deno.test(
    `dotenv: declared vars reach the task, its shell and scripts; the process env wins; undeclared ones do not (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      await using ws = await workspace({
        ".env": [
          "# comment",
          "export FROM_FILE=file value # trailing comment",
          "OVERRIDDEN='from file'",
          'QUOTED="two\\nlines"',
          "NOT_DECLARED=secret",
          "",
        ].join("\n"),
        ".wst/tasks/envy.ts": task({
          name: "envy",
          permissions: `{ run: ["bash"], env: ["FROM_FILE", "OVERRIDDEN", "QUOTED"] }`,
          extra: `dotenv: [".env", "missing.env"],`,
          run: `await ctx.script('echo "script=$FROM_FILE|$OVERRIDDEN|\${NOT_DECLARED:-unset}"');
    return {
      file: Deno.env.get("FROM_FILE"),
      overridden: Deno.env.get("OVERRIDDEN"),
      quoted: Deno.env.get("QUOTED"),
    };`,
        }),
      });
      const run = await wst(["envy", "--root", ws.dir, "--json"], {
        env: { ...env, OVERRIDDEN: "from process", NOT_DECLARED: "nope" },
      });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(JSON.parse(run.stdout), {
        file: "file value",
        overridden: "from process",
        quoted: "two\nlines",
      });
      assertMatch(run.stderr, /script=file value\|from process\|unset\n/);
      // A task reading an undeclared var of the file is refused, as any undeclared var.
      const describe = await wst(["describe", "envy", "--root", ws.dir]);
      assertMatch(describe.stdout, /dotenv: \.env, missing\.env \(declared env vars only\)/);
    },
  );
}

Deno.test("dotenv: a file outside the root is a definition error; a link out of it is refused", async () => {
  await using outside = await workspace({ "secret.env": "TOKEN=x\n" });
  await using ws = await workspace({
    ".wst/tasks/up.ts": task({
      name: "up",
      permissions: `{ env: ["TOKEN"] }`,
      extra: `dotenv: ["../secret.env"],`,
      run: `return Deno.env.get("TOKEN");`,
    }),
    ".wst/tasks/linked.ts": task({
      name: "linked",
      permissions: `{ env: ["TOKEN"] }`,
      extra: `dotenv: ["link.env"],`,
      run: `return Deno.env.get("TOKEN");`,
    }),
  });
  await Deno.symlink(`${outside.dir}/secret.env`, `${ws.dir}/link.env`);
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  const problems = JSON.parse(list.stdout).problems;
  assertEquals(problems.length, 1, list.stdout);
  assertEquals(problems[0].file, ".wst/tasks/up.ts");
  assertMatch(problems[0].message, /dotenv\[0\]: Expected a file inside the task's root/);
  const run = await wst(["linked", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 3, run.stderr);
  assertMatch(
    JSON.parse(run.stdout).error.operation,
    /^reading the dotenv file "link\.env", a link to/,
  );
});

Deno.test("ctx.argv: everything after -- reaches the task, flags included; runTask passes argv on", async () => {
  await using ws = await workspace({
    ".wst/tasks/args.ts": task({
      name: "args",
      args: `loud: z.boolean().default(false)`,
      permissions: `{ tasks: ["echo-argv"] }`,
      run: `const sub = await ctx.runTask("echo-argv", { argv: ["--sub", ...ctx.argv] });
    return { loud: args.loud, argv: ctx.argv, sub: sub.value };`,
    }),
    ".wst/tasks/echo_argv.ts": task({
      name: "echo-argv",
      permissions: `{}`,
      run: `return ctx.argv;`,
    }),
  });
  const run = await wst(
    ["args", "--loud", "--root", ws.dir, "--json", "--", "-k", "argocd", "--json", "--", "x y"],
  );
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), {
    loud: true,
    argv: ["-k", "argocd", "--json", "--", "x y"],
    sub: ["--sub", "-k", "argocd", "--json", "--", "x y"],
  });
  const none = await wst(["args", "--root", ws.dir, "--json"]);
  assertEquals(JSON.parse(none.stdout).argv, []);
  const list = await wst(["list", "--root", ws.dir, "--", "x"]);
  assertEquals(list.code, 2, list.stderr);
  assertMatch(list.stderr, /Only a task takes arguments after "--", found "list"/);
});

Deno.test("envDefaults: a flag's default comes from a declared env var, shown in help and describe", async () => {
  await using ws = await workspace({
    ".env": "DEPLOY_REPLICAS=5\n",
    ".wst/tasks/deploy.ts": task({
      name: "deploy",
      args: `host: z.string().default("localhost").describe("Target host"),
    replicas: z.number().default(1)`,
      permissions: `{ env: ["DEPLOY_HOST", "DEPLOY_REPLICAS"] }`,
      extra: `dotenv: [".env"],
  envDefaults: { host: "DEPLOY_HOST", replicas: "DEPLOY_REPLICAS" },`,
      run: `return args;`,
    }),
    ".wst/tasks/bad.ts": task({
      name: "bad",
      args: `host: z.string().default("x")`,
      permissions: `{ env: [] }`,
      extra: `envDefaults: { host: "UNDECLARED_HOST", nope: "X" },`,
      run: `return args;`,
    }),
  });
  const fromEnv = await wst(["deploy", "--root", ws.dir, "--json"], {
    env: { DEPLOY_HOST: "prod.example" },
  });
  assertEquals(fromEnv.code, 0, fromEnv.stderr);
  assertEquals(JSON.parse(fromEnv.stdout), { host: "prod.example", replicas: 5 });
  const flag = await wst(["deploy", "--host", "given", "--root", ws.dir, "--json"], {
    env: { DEPLOY_HOST: "prod.example" },
  });
  assertEquals(JSON.parse(flag.stdout).host, "given");
  const unset = await wst(["deploy", "--root", ws.dir, "--json"]);
  assertEquals(JSON.parse(unset.stdout).host, "localhost");
  const badValue = await wst(["deploy", "--root", ws.dir, "--json"], {
    env: { DEPLOY_REPLICAS: "many" },
  });
  assertEquals(badValue.code, 2, badValue.stderr);
  assertMatch(
    JSON.parse(badValue.stdout).error.message,
    /DEPLOY_REPLICAS: expected a number, found "many"/,
  );
  const help = await wst(["deploy", "--help", "--root", ws.dir]);
  assertMatch(
    help.stdout + help.stderr,
    /Target host \(default: \$DEPLOY_HOST, else "localhost"\)/,
  );
  const describe = await wst(["describe", "deploy", "--root", ws.dir, "--json"], {
    env: { DEPLOY_HOST: "prod.example" },
  });
  const described = JSON.parse(describe.stdout);
  assertEquals(described.envDefaults, { host: "DEPLOY_HOST", replicas: "DEPLOY_REPLICAS" });
  // What describe computes a run's permissions for is what the run gets: the env's defaults too.
  assertEquals(described.run.args, { host: "prod.example", replicas: 5 });
  // An undeclared var or an unknown flag is a definition error (exit 2).
  const bad = await wst(["bad", "--root", ws.dir, "--json"]);
  assertEquals(bad.code, 2, bad.stderr);
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  const problem = JSON.parse(list.stdout).problems[0];
  assertMatch(
    problem.message,
    /envDefaults\.host: Expected "UNDECLARED_HOST" to be declared in permissions\.env/,
  );
  assertMatch(problem.message, /envDefaults\.nope: Expected the name of an argument/);
});

/** Whether a process whose command line is exactly `line` is running. */
async function running(line: string): Promise<boolean> {
  const out = await new Deno.Command("pgrep", { args: ["-x", "-f", line], stdout: "piped" })
    .output();
  return out.code === 0;
}

for (const { mode, ignore, note } of MODES) {
  Deno.test(
    `Ctrl-C (SIGINT to wst alone) kills a script and everything it started, exit 130 (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      // A duration of its own, so that the check finds this test's sleeps and no other.
      const seconds = `${3000 + Math.floor(Math.random() * 6000)}.${mode === "off" ? 1 : 2}`;
      await using ws = await workspace({
        ".wst/tasks/sleeper.ts": task({
          name: "sleeper",
          permissions: `{ run: ["bash"] }`,
          run: `await ctx.script(
      "sleep ${seconds} &\\nsleep ${seconds} | cat &\\necho 'waiting for Ctrl-C' >&2\\nwait",
    );
    return "not reached";`,
        }),
      });
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          ...RUNTIME_FLAGS,
          `${REPO_ROOT}/${ENTRY_POINT}`,
          "sleeper",
          "--root",
          ws.dir,
        ],
        env: { NO_COLOR: "1", WST_TRUST: "1", WST_CONFINE: mode },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const reader = child.stderr.getReader();
      const decoder = new TextDecoder();
      let stderr = "";
      while (!stderr.includes("waiting for Ctrl-C")) {
        const { done, value } = await reader.read();
        if (done) break;
        stderr += decoder.decode(value, { stream: true });
      }
      // The script says it waits as soon as it has forked its sleeps: wait until they run (a
      // condition, not a duration: up to 10 s on a busy machine).
      let started = false;
      for (let i = 0; i < 100 && !started; i++) {
        started = await running(`sleep ${seconds}`);
        if (!started) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill("SIGINT");
      assert(started, `the script's sleeps run first:\n${stderr}`);
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        stderr += decoder.decode(chunk.value, { stream: true });
      }
      const status = await child.status;
      await child.stdout.cancel();
      clearTimeout(guard);
      assertEquals([status.code, status.signal], [130, null], stderr);
      assertMatch(stderr, /Task "sleeper" was interrupted/);
      assertEquals(await running(`sleep ${seconds}`), false, "a sleep the script started survived");
    },
  );
}

for (const { mode, ignore, note } of MODES) {
  Deno.test(
    `ctx.script reads wst's stdin only when the task declares interactive (${mode})${note}`,
    {
      ignore,
    },
    async () => {
      const reader = (name: string, interactive: boolean) =>
        task({
          name,
          permissions: `{ run: ["bash"], interactive: ${interactive} }`,
          run: `await ctx.script('read -r line || line="(nothing)"; echo "got $line"');`,
        });
      await using ws = await workspace({
        ".wst/tasks/asks.ts": reader("asks", true),
        ".wst/tasks/silent.ts": reader("silent", false),
      });
      for (const [name, expected] of [["asks", "got hello\n"], ["silent", "got (nothing)\n"]]) {
        const child = new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--quiet",
            ...RUNTIME_FLAGS,
            `${REPO_ROOT}/${ENTRY_POINT}`,
            name!,
            "--root",
            ws.dir,
          ],
          env: { NO_COLOR: "1", WST_TRUST: "1", WST_CONFINE: mode },
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const writer = child.stdin.getWriter();
        await writer.write(new TextEncoder().encode("hello\n"));
        await writer.close();
        const out = await child.output();
        const stderr = new TextDecoder().decode(out.stderr);
        assertEquals(out.code, 0, stderr);
        assertEquals(new TextDecoder().decode(out.stdout), expected, name);
      }
    },
  );
}

Deno.test("a subtask's script output reads as the caller's, as a go-task `task:` call's does", async () => {
  await using ws = await workspace({
    ".wst/tasks/caller.ts": task({
      name: "caller",
      permissions: `{ run: ["bash"], tasks: ["helper"] }`,
      run: `await ctx.script("echo from-caller");
    await ctx.runTask("helper");`,
    }),
    ".wst/tasks/helper.ts": task({
      name: "helper",
      permissions: `{ run: ["bash"] }`,
      run: `await ctx.script("echo from-helper; echo err-helper >&2");`,
    }),
  });
  const run = await wst(["caller", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  // One task at a time: no names before the lines (tasks running at once get them: graph_test).
  assertEquals(run.stdout, "from-caller\nfrom-helper\n");
  assertMatch(run.stderr, /^err-helper$/m);
});

Deno.test("a script's output is escaped on its way to the terminal, colour kept", async () => {
  await using ws = await workspace({
    ".wst/tasks/noisy.ts": task({
      name: "noisy",
      permissions: `{ run: ["bash"] }`,
      run: `await ctx.script(
      "printf 'out \\\\033]52;c;cHduZWQ=\\\\007 \\\\033[32mgreen\\\\033[0m\\\\n'\\nprintf 'err \\\\033[2J\\\\n' >&2",
    );`,
    }),
  });
  const run = await wst(["noisy", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stdout, "out \\x1b]52;c;cHduZWQ=\\x07 \x1b[32mgreen\x1b[0m\n");
  assertMatch(run.stderr, /^err \\x1b\[2J$/m);
});

Deno.test("ctx.script's args are the script's positional parameters, as data: \"$@\" from ctx.argv", async () => {
  await using ws = await workspace({
    ".wst/tasks/pos.ts": task({
      name: "pos",
      permissions: `{ run: ["bash"] }`,
      run: `await ctx.script('printf "%s|" "$#" "$@"; echo', { args: ctx.argv });`,
    }),
  });
  const run = await wst([
    "pos",
    "--root",
    ws.dir,
    "--confine",
    "off",
    "--",
    "a b",
    "$(touch x)",
    "*",
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stdout, "3|a b|$(touch x)|*|\n");
  assertEquals(await Deno.stat(`${ws.dir}/x`).then(() => true, () => false), false);
});
