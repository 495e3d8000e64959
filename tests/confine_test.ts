// OS-level confinement (docs/adr/0009): each vector the Deno permissions
// alone do not hold is run twice through the real CLI, with `--confine off`
// (the escape works: the test proves it exists) and with `--confine require`
// (bubblewrap holds it). Skipped where bubblewrap does not work; CI installs it.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { cliArgs, workspace, wst } from "./_cli.ts";
import { confineSupport } from "../lib/sandbox/confine.ts";
import { RECORDS_DIR } from "../lib/sandbox/_prelaunch.ts";
import { AI_GATEWAY_YAML, WORKSPACES_YAML } from "./fixtures.ts";

const support = confineSupport();
const ignore = support.bwrap === undefined;
const skipped = ignore ? ` (skipped: ${support.reason})` : "";

/** A local task module: `permissions` and `run`'s body as source text. */
function task(name: string, permissions: string, body: string, args = "{}"): string {
  return `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: ${JSON.stringify(name)},
  description: "Confinement probe",
  args: z.object(${args}),
  permissions: ${permissions},
  async run(ctx, args) {
${body}
  },
});
`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** A workspace `ws` inside a test folder; `outside` is next to it, outside the root. */
async function setup(files: Record<string, string>) {
  const prefixed: Record<string, string> = { "outside/secret.txt": "secret\n" };
  for (const [path, content] of Object.entries(files)) prefixed[`ws/${path}`] = content;
  const ws = await workspace(prefixed);
  return Object.assign(ws, { root: `${ws.dir}/ws`, outside: `${ws.dir}/outside` });
}

const off = (args: string[], env?: Record<string, string>) =>
  wst([...args, "--confine", "off"], env ? { env } : {});
const confined = (args: string[], env?: Record<string, string>) =>
  wst([...args, "--confine", "require"], env ? { env } : {});

Deno.test(`confine: a symlink out of the root dangles${skipped}`, { ignore }, async () => {
  await using ws = await setup({
    ".wst/tasks/probe.ts": task(
      "probe",
      `{ read: ["."] }`,
      `    return await Deno.readTextFile("docs/secret.txt");`,
    ),
  });
  await Deno.symlink(ws.outside, `${ws.root}/docs`);
  const escaped = await off(["probe", "--root", ws.root, "--json"]);
  assertEquals(escaped.code, 0, escaped.stderr);
  assertEquals(JSON.parse(escaped.stdout), "secret\n");
  const held = await confined(["probe", "--root", ws.root, "--json"]);
  assertEquals(held.code, 1, held.stderr);
  assertMatch(JSON.parse(held.stdout).error.message, /No such file|not found/i);
});

Deno.test(
  `confine: a write through a symlinked folder inside the write scope does not leave it${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ write: ["out"] }`,
        `    await Deno.writeTextFile("out/link/escaped.txt", "x");`,
      ),
      "out/.keep": "",
    });
    await Deno.symlink(ws.outside, `${ws.root}/out/link`);
    const escaped = await off(["probe", "--root", ws.root]);
    assertEquals(escaped.code, 0, escaped.stderr);
    assert(await exists(`${ws.outside}/escaped.txt`), "the escape works unconfined");
    await Deno.remove(`${ws.outside}/escaped.txt`);
    const held = await confined(["probe", "--root", ws.root]);
    assertEquals(held.code, 1, held.stderr);
    assertEquals(await exists(`${ws.outside}/escaped.txt`), false);
  },
);

Deno.test(
  `confine: a git alias cannot write outside the write scope${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ read: ["."], run: ["git"], env: ["WST_PROBE_TARGET"] }`,
        `    const target = Deno.env.get("WST_PROBE_TARGET");
    await new Deno.Command("git", { args: ["-c", "alias.x=!touch " + target, "x"] }).output();`,
      ),
    });
    const target = `${ws.outside}/aliased`;
    const env = { WST_PROBE_TARGET: target };
    const escaped = await off(["probe", "--root", ws.root], env);
    assertEquals(escaped.code, 0, escaped.stderr);
    assert(await exists(target), "the alias writes outside unconfined");
    await Deno.remove(target);
    const held = await confined(["probe", "--root", ws.root], env);
    assertEquals(held.code, 0, held.stderr);
    assertEquals(await exists(target), false);
  },
);

Deno.test(
  `confine: a repository's hook cannot write outside the write scope${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ read: ["."], write: ["."], run: ["git"] }`,
        `    await ctx.$\`git init -q\`;
    await ctx.$\`git config core.hooksPath hooks\`;
    await ctx.$\`git -c user.name=a -c user.email=a@b commit -q --allow-empty -m x\`.noThrow();`,
      ),
    });
    const target = `${ws.outside}/hooked`;
    await Deno.mkdir(`${ws.root}/hooks`);
    await Deno.writeTextFile(`${ws.root}/hooks/pre-commit`, `#!/bin/sh\ntouch '${target}'\n`);
    await Deno.chmod(`${ws.root}/hooks/pre-commit`, 0o755);
    const escaped = await off(["probe", "--root", ws.root]);
    assertEquals(escaped.code, 0, escaped.stderr);
    assert(await exists(target), "the hook writes outside unconfined");
    await Deno.remove(target);
    await Deno.remove(`${ws.root}/.git`, { recursive: true });
    const held = await confined(["probe", "--root", ws.root]);
    assertEquals(held.code, 0, held.stderr);
    assertEquals(await exists(target), false);
  },
);

Deno.test(
  `confine: a declared variable's value is on no process's command line${skipped}`,
  { ignore },
  async () => {
    // /proc/<pid>/cmdline is every local user's to read; a token handed to bubblewrap as
    // `--setenv` was anyone's for as long as the run lasted.
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ read: ["."], write: ["."], env: ["WST_TOKEN_PROBE"] }`,
        `    await Deno.writeTextFile("started", "");
    for (let i = 0; i < 400; i++) {
      try {
        await Deno.lstat("go");
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    return Deno.env.get("WST_TOKEN_PROBE");`,
      ),
    });
    const token = `sk-${crypto.randomUUID()}`;
    // Twice: the second run takes the runner its record starts early (the value from a slot).
    for (const run of ["first", "second"]) {
      const running = confined(["probe", "--root", ws.root, "--json", "--verbose"], {
        WST_TOKEN_PROBE: token,
      });
      while (!(await exists(`${ws.root}/started`))) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const seen: string[] = [];
      for await (const entry of Deno.readDir("/proc")) {
        if (!/^\d+$/.test(entry.name)) continue;
        try {
          const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
          if (cmdline.includes(token)) seen.push(cmdline.replaceAll("\0", " ").slice(0, 80));
        } catch {
          // gone meanwhile
        }
      }
      await Deno.writeTextFile(`${ws.root}/go`, "");
      const held = await running;
      assertEquals(held.code, 0, held.stderr);
      assertEquals(JSON.parse(held.stdout), token, `${run} run: the task still gets the value`);
      assertEquals(seen, [], `${run} run: the value is on these command lines`);
      if (run === "second") assertMatch(held.stderr, /started early/);
      await Deno.remove(`${ws.root}/started`);
      await Deno.remove(`${ws.root}/go`);
    }
  },
);

Deno.test(
  `confine: a write path outside the root that is not there yet opens nothing next to it${skipped}`,
  { ignore },
  async () => {
    // The review's case: approving `~/.tool/settings.json` (no `~/.tool` yet) bound all of `$HOME`
    // writable, and a script appended to `~/.bashrc`.
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ write: [${JSON.stringify("HOME_DIR/.tool/settings.json")}], run: ["sh"] }`,
        `    await ctx.$\`sh -c \${"echo pwned >> HOME_DIR/.bashrc; echo '{}' > HOME_DIR/.tool/settings.json"}\`.noThrow();
    return "ran";`,
      ),
    });
    const home = `${ws.outside}/home`;
    const source = `${ws.root}/.wst/tasks/probe.ts`;
    await Deno.writeTextFile(
      source,
      (await Deno.readTextFile(source)).replaceAll("HOME_DIR", home),
    );
    const reset = async () => {
      await Deno.remove(home, { recursive: true }).catch(() => {});
      await Deno.mkdir(home);
      await Deno.writeTextFile(`${home}/.bashrc`, "orig\n");
    };
    await reset();
    await Deno.mkdir(`${home}/.tool`);
    const escaped = await off(["probe", "--root", ws.root]);
    assertEquals(escaped.code, 0, escaped.stderr);
    assertEquals(await Deno.readTextFile(`${home}/.bashrc`), "orig\npwned\n", "unconfined, it can");
    await reset();
    const held = await confined(["probe", "--root", ws.root]);
    assertEquals(held.code, 0, held.stderr);
    assertEquals(await Deno.readTextFile(`${home}/.bashrc`), "orig\n");
    assertEquals(
      await Deno.readTextFile(`${home}/.tool/settings.json`),
      "{}\n",
      "what it declared",
    );
  },
);

Deno.test(
  `confine: a repository's .env never reaches bubblewrap's own loader on the host${skipped}`,
  { ignore },
  async () => {
    // The review's case: declared variables given to bubblewrap as its environment let a `.env`'s
    // LD_PRELOAD run the repository's code in bubblewrap, on the host. LD_DEBUG_OUTPUT shows it
    // without a library: a loader that reads it writes its log there.
    await using ws = await setup({
      ".wst/tasks/probe.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "probe",
  description: "Loader variables from the repository's .env",
  dotenv: [".env"],
  permissions: { env: ["LD_DEBUG", "LD_DEBUG_OUTPUT"] },
  run: () => Deno.env.get("LD_DEBUG"),
});
`,
    });
    const log = `${ws.outside}/ld`;
    await Deno.writeTextFile(`${ws.root}/.env`, `LD_DEBUG=libs\nLD_DEBUG_OUTPUT=${log}\n`);
    for (const run of ["first", "second"]) {
      const held = await confined(["probe", "--root", ws.root, "--json"]);
      assertEquals(held.code, 0, held.stderr);
      assertEquals(JSON.parse(held.stdout), "libs", `${run} run: the task still gets the value`);
      const written = (await Array.fromAsync(Deno.readDir(ws.outside), (e) => e.name))
        .filter((name) => name.startsWith("ld."));
      assertEquals(written, [], `${run} run: a loader on the host read the repository's .env`);
    }
  },
);

Deno.test(
  `confine: a child process gets PATH and the declared env only${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ run: ["env"], env: ["WST_DECLARED"] }`,
        `    const out = await new Deno.Command("env", { stdout: "piped" }).output();
    return new TextDecoder().decode(out.stdout).split("\\n").filter(Boolean)
      .map((line) => line.slice(0, line.indexOf("="))).sort();`,
      ),
    });
    const env = { WST_DECLARED: "d", WST_SECRET: "s" };
    const escaped = await off(["probe", "--root", ws.root, "--json"], env);
    assertEquals(escaped.code, 0, escaped.stderr);
    assert(
      JSON.parse(escaped.stdout).includes("WST_SECRET"),
      "the child sees everything unconfined",
    );
    const held = await confined(["probe", "--root", ws.root, "--json"], env);
    assertEquals(held.code, 0, held.stderr);
    assertEquals(JSON.parse(held.stdout), ["PATH", "WST_DECLARED"]);
  },
);

Deno.test(`confine: no network without net, loopback included${skipped}`, { ignore }, async () => {
  let requests = 0;
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response("ok");
  });
  await using ws = await setup({
    ".wst/tasks/probe.ts": task(
      "probe",
      `{ run: ["curl"] }`,
      `    const out = await new Deno.Command("curl", {
      args: ["-s", "-m", "5", \`http://127.0.0.1:\${args.port}/\`],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout);`,
      `{ port: z.string() }`,
    ),
  });
  const port = String(server.addr.port);
  const escaped = await off(["probe", "--port", port, "--root", ws.root, "--json"]);
  assertEquals(escaped.code, 0, escaped.stderr);
  assertEquals(JSON.parse(escaped.stdout), "ok");
  assertEquals(requests, 1);
  const held = await confined(["probe", "--port", port, "--root", ws.root, "--json"]);
  assertEquals(held.code, 0, held.stderr);
  assertEquals(JSON.parse(held.stdout), "");
  assertEquals(requests, 1);
});

Deno.test("confine: require without bubblewrap refuses to run, exit 3", async () => {
  await using ws = await setup({ ".wst/tasks/probe.ts": task("probe", "{}", "    return 1;") });
  const run = await wst(["probe", "--root", ws.root, "--json", "--confine", "require"], {
    env: { PATH: "/nonexistent" },
  });
  assertEquals(run.code, 3, run.stderr);
  const { error } = JSON.parse(run.stdout);
  assertEquals(error.kind, "sandbox-denied");
  assertMatch(error.operation, /^running unconfined \(--confine require\): .*bwrap/);
});

Deno.test("confine: auto without bubblewrap runs unconfined and says so once on stderr", async () => {
  await using ws = await setup({ ".wst/tasks/probe.ts": task("probe", "{}", "    return 1;") });
  const run = await wst(["probe", "--root", ws.root, "--json"], {
    env: { PATH: "/nonexistent", WST_CONFINE: "auto" },
  });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), 1);
  assertEquals(run.stderr.match(/without OS-level confinement/g)?.length, 1, run.stderr);
});

Deno.test("confine: a bad mode is a usage error naming where it came from", async () => {
  await using ws = await setup({ ".wst/tasks/probe.ts": task("probe", "{}", "    return 1;") });
  const fromEnv = await wst(["probe", "--root", ws.root, "--json"], {
    env: { WST_CONFINE: "maybe" },
  });
  assertEquals(fromEnv.code, 2, fromEnv.stderr);
  assertMatch(
    JSON.parse(fromEnv.stdout).error.message,
    /^WST_CONFINE must be one of auto, require, off, found "maybe"/,
  );
  const fromFlag = await wst(["probe", "--root", ws.root, "--json", "--confine", "yes"]);
  assertEquals(fromFlag.code, 2, fromFlag.stderr);
  assertMatch(JSON.parse(fromFlag.stdout).error.message, /^--confine must be one of/);
});

Deno.test(
  `confine: a confined run keeps --json's stdout to the one document${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      ".wst/tasks/probe.ts": task(
        "probe",
        `{ run: ["sh"] }`,
        `    await new Deno.Command("sh", { args: ["-c", "echo child-out; echo child-err >&2"] }).output();
    await new Deno.Command("sh", { args: ["-c", "echo inherited"], stdout: "inherit" }).output();
    console.log("from the task");
    return { done: true };`,
      ),
    });
    const run = await confined(["probe", "--root", ws.root, "--json"]);
    assertEquals(run.code, 0, run.stderr);
    assertEquals(JSON.parse(run.stdout), { done: true });
    assertMatch(run.stderr, /inherited/);
    assertMatch(run.stderr, /from the task/);
  },
);

Deno.test("confine: a bwrap that cannot create namespaces: auto falls back once, require exits 3", async () => {
  await using ws = await setup({ ".wst/tasks/probe.ts": task("probe", "{}", "    return 1;") });
  // What a container without user namespaces does: bwrap is there, and fails.
  await Deno.mkdir(`${ws.dir}/bin`);
  await Deno.writeTextFile(
    `${ws.dir}/bin/bwrap`,
    `#!/bin/sh\necho "bwrap: No permissions to create a new namespace" >&2\nexit 1\n`,
    { mode: 0o755 },
  );
  const env = { PATH: `${ws.dir}/bin` };
  const auto = await wst(["probe", "--root", ws.root, "--json", "--confine", "auto"], { env });
  assertEquals(auto.code, 0, auto.stderr);
  assertEquals(JSON.parse(auto.stdout), 1);
  assertEquals(auto.stderr.match(/without OS-level confinement/g)?.length, 1, auto.stderr);
  assertMatch(auto.stderr, /No permissions to create a new namespace/);
  const require = await wst(["probe", "--root", ws.root, "--json", "--confine", "require"], {
    env,
  });
  assertEquals(require.code, 3, require.stderr);
  assertMatch(
    JSON.parse(require.stdout).error.operation,
    /^running unconfined \(--confine require\): .*bwrap does not work here \(bwrap: No permissions/,
  );
});

Deno.test(
  `confine: a built-in task's runner leaves its warm code cache as the host made it, no copy behind${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      "workspaces.yaml": WORKSPACES_YAML,
      "ai-gateway.yaml": AI_GATEWAY_YAML,
    });
    const tmp = `${ws.dir}/tmp`;
    await Deno.mkdir(tmp);
    const run = () => confined(["validate-config", "--root", ws.root], { TMPDIR: tmp });
    const first = await run();
    assertEquals(first.code, 0, first.stderr);
    // The host warmed it outside the sandbox; each run binds a private copy of it.
    const caches = new URL("../lib/registry/_bundles/", import.meta.url);
    const warm = async () => {
      const out: Record<string, string> = {};
      for await (const dir of Deno.readDir(caches)) {
        if (!dir.name.startsWith("validate_config-") || !dir.name.endsWith(".denocache")) continue;
        for await (const file of Deno.readDir(new URL(`${dir.name}/`, caches))) {
          const bytes = await Deno.readFile(new URL(`${dir.name}/${file.name}`, caches));
          const digest = await crypto.subtle.digest("SHA-256", bytes);
          out[`${dir.name}/${file.name}`] = btoa(String.fromCharCode(...new Uint8Array(digest)));
        }
      }
      return out;
    };
    const before = await warm();
    assert(Object.keys(before).length > 0, "no warm code cache for validate-config");
    const second = await run();
    assertEquals(second.code, 0, second.stderr);
    assertEquals(await warm(), before);
    const left = [];
    for await (const entry of Deno.readDir(tmp)) left.push(entry.name);
    assertEquals(left, []);
  },
);

Deno.test(
  `confine: a built-in task loads the chunk of its bundle that positions an error, after the runner gave up its own grants${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      "workspaces.yaml": "version: v1\nprojects: [a\n",
      "ai-gateway.yaml": AI_GATEWAY_YAML,
    });
    const out = await confined(["validate-config", "--root", ws.root]);
    assertEquals(out.code, 2, out.stderr);
    assertMatch(out.stderr, /workspaces\.yaml:3:1: Invalid YAML: /);
  },
);

Deno.test(
  `confine: a FIFO for a configuration file is refused at once, not read (a read would block)${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({ "ai-gateway.yaml": AI_GATEWAY_YAML });
    const made = await new Deno.Command("mkfifo", { args: [`${ws.root}/workspaces.yaml`] })
      .output();
    assertEquals(made.code, 0);
    // Nothing ever writes to it: a run that opened it would wait forever (killed after 20 s).
    for (const mode of ["require", "off"]) {
      const child = new Deno.Command(Deno.execPath(), {
        args: cliArgs(["validate-config", "--root", ws.root, "--confine", mode]),
        env: { NO_COLOR: "1", INIT_CWD: "" },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<"hung">((resolve) => {
        timer = setTimeout(() => resolve("hung"), 20_000);
      });
      const status = await Promise.race([child.status, hung]);
      clearTimeout(timer);
      if (status === "hung") {
        // Its runner first (bwrap is wst's child), then wst: a failed test leaves nothing behind.
        await new Deno.Command("pkill", { args: ["-KILL", "-P", String(child.pid)] }).output();
        child.kill("SIGKILL");
        await child.status;
      }
      const stderr = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
      assert(status !== "hung", `--confine ${mode}: still reading the FIFO after 20 s`);
      assertEquals(status.code, 2, stderr);
      assertMatch(
        stderr,
        /workspaces\.yaml:1:1: Is not a regular file \(a FIFO, a socket or a device\)/,
      );
    }
  },
);

Deno.test(
  `confine: a local task's runner gets wst's side warm, never the repository's module, no copy behind${skipped}`,
  { ignore },
  async () => {
    await using ws = await setup({
      ".wst/tasks/warm_probe.ts": task("warm-probe", "{}", `    return "ran";`),
    });
    const tmp = `${ws.dir}/tmp`;
    await Deno.mkdir(tmp);
    const run = () => confined(["warm-probe", "--root", ws.root], { TMPDIR: tmp });
    const first = await run();
    assertEquals(first.code, 0, first.stderr);
    assertEquals(JSON.parse(first.stdout), "ran");
    // The host warmed it in a sandbox of its own; each run binds a private copy of it.
    const caches = new URL("../lib/registry/_bundles/", import.meta.url);
    const warm = async () => {
      const out: Record<string, string> = {};
      for await (const dir of Deno.readDir(caches)) {
        if (!dir.name.startsWith("_local_runner-") || !dir.name.endsWith(".denocache")) continue;
        for await (const file of Deno.readDir(new URL(`${dir.name}/`, caches))) {
          const bytes = await Deno.readFile(new URL(`${dir.name}/${file.name}`, caches));
          // The repository's module is compiled in the sandbox only, never into the warm cache.
          const text = new TextDecoder("latin1").decode(bytes);
          assert(!text.includes("warm_probe.ts"), `${dir.name}/${file.name} names the task module`);
          const digest = await crypto.subtle.digest("SHA-256", bytes);
          out[`${dir.name}/${file.name}`] = btoa(String.fromCharCode(...new Uint8Array(digest)));
        }
      }
      return out;
    };
    const before = await warm();
    assert(Object.keys(before).length > 0, "no warm cache for a local task's runner");
    const second = await run();
    assertEquals(second.code, 0, second.stderr);
    assertEquals(await warm(), before);
    const left = [];
    for await (const entry of Deno.readDir(tmp)) left.push(entry.name);
    assertEquals(left, []);
  },
);

/** What a run left in its TMPDIR of runner folders, and its processes still running. */
async function leftovers(tmp: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(tmp)) {
    if (entry.name.startsWith("wst-runner-")) found.push(entry.name);
  }
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (cmdline.includes(tmp)) found.push(`process ${entry.name}: ${cmdline.split("\0")[0]}`);
    } catch { /* gone */ }
  }
  return found;
}

/** The folder of recorded launches: in wst's bundle cache (lib/sandbox/_prelaunch.ts). */
const RECORDS = `${RECORDS_DIR}/`;

/** A workspace whose `validate-config` runs confined, with a TMPDIR of its own. */
async function launchSetup(env: Record<string, string> = {}) {
  const ws = await workspace({
    "ws/workspaces.yaml": WORKSPACES_YAML,
    "ws/ai-gateway.yaml": AI_GATEWAY_YAML,
  });
  await Deno.mkdir(`${ws.dir}/tmp`);
  const args = ["validate-config", "--root", `${ws.dir}/ws`, "--confine", "require", "--verbose"];
  /** The records of this workspace's runs (their keys name its folder). */
  const records = async () => {
    const out: string[] = [];
    try {
      for await (const entry of Deno.readDir(RECORDS)) {
        if (!entry.name.endsWith(".json")) continue;
        const text = await Deno.readTextFile(`${RECORDS}${entry.name}`).catch(() => "");
        if (text.includes(JSON.stringify(`${ws.dir}/ws`).slice(1, -1))) {
          out.push(`${RECORDS}${entry.name}`);
        }
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    return out;
  };
  return Object.assign(ws, {
    env: { TMPDIR: `${ws.dir}/tmp`, ...env },
    args,
    tmp: `${ws.dir}/tmp`,
    records,
    async [Symbol.asyncDispose]() {
      for (const file of await records()) await Deno.remove(file).catch(() => {});
      await Deno.remove(ws.dir, { recursive: true });
    },
  });
}

const EARLY = /its runner was started early/;

Deno.test(
  `confine: a command run again takes the runner recorded for it, started early, and leaves nothing behind${skipped}`,
  { ignore },
  async () => {
    await using ws = await launchSetup();
    const first = await wst(ws.args, { env: ws.env });
    assertEquals(first.code, 0, first.stderr);
    assert(!EARLY.test(first.stderr), "nothing recorded yet");
    assertEquals((await ws.records()).length, 1);
    const second = await wst(ws.args, { env: ws.env });
    assertEquals(second.code, 0, second.stderr);
    assertMatch(second.stderr, EARLY);
    assertEquals(second.stdout, first.stdout);
    assertEquals(await leftovers(ws.tmp), []);
    // Another command line (here, another root) has no record: its runner starts late.
    await Deno.mkdir(`${ws.dir}/other`);
    await Deno.copyFile(`${ws.dir}/ws/workspaces.yaml`, `${ws.dir}/other/workspaces.yaml`);
    const other = await wst([...ws.args.slice(0, 2), `${ws.dir}/other`, ...ws.args.slice(3)], {
      env: ws.env,
    });
    assertEquals(other.code, 0, other.stderr);
    assert(!EARLY.test(other.stderr));
  },
);

Deno.test(
  `confine: a recorded runner whose sandbox differs from the run's is killed, never taken; the run starts its own and records it${skipped}`,
  { ignore },
  async () => {
    await using ws = await launchSetup();
    assertEquals((await wst(ws.args, { env: ws.env })).code, 0);
    const [file] = await ws.records();
    const honest = await Deno.readTextFile(file!);
    // The recorded sandbox also binds a file outside the root: the run would not.
    const record = JSON.parse(honest);
    const at = record.launch.args.indexOf("--");
    record.launch.args.splice(at, 0, "--ro-bind", `${ws.dir}/secret`, "/secret");
    await Deno.writeTextFile(`${ws.dir}/secret`, "secret\n");
    await Deno.writeTextFile(file!, JSON.stringify(record));
    const run = await wst(ws.args, { env: ws.env });
    assertEquals(run.code, 0, run.stderr);
    assert(!EARLY.test(run.stderr), "the recorded runner is not taken");
    assertEquals(await Deno.readTextFile(file!), honest, "the run's own launch is recorded again");
    assertEquals(await leftovers(ws.tmp), []);
    // Nor from a records folder others could write.
    await Deno.chmod(RECORDS, 0o777);
    try {
      const open = await wst(ws.args, { env: ws.env });
      assertEquals(open.code, 0, open.stderr);
      assert(!EARLY.test(open.stderr), "a record in a folder anyone can write is not read");
    } finally {
      await Deno.chmod(RECORDS, 0o700);
    }
    // A record that is a symbolic link is not read at all.
    await Deno.rename(file!, `${ws.dir}/record.json`);
    await Deno.symlink(`${ws.dir}/record.json`, file!);
    const linked = await wst(ws.args, { env: ws.env });
    assertEquals(linked.code, 0, linked.stderr);
    assert(!EARLY.test(linked.stderr));
  },
);

Deno.test(
  `confine: a record holds no variable's value: each is filled in from wst's environment when the early runner starts${skipped}`,
  { ignore },
  async () => {
    // LOG_TOKENS is one of validate-config's declared variables: its value reaches the sandbox.
    await using ws = await launchSetup({ LOG_TOKENS: "sk-secret-value" });
    assertEquals((await wst(ws.args, { env: ws.env })).code, 0);
    const [file] = await ws.records();
    const text = await Deno.readTextFile(file!);
    assert(!text.includes("sk-secret-value"), "no value of a variable on disk");
    assert(!text.includes("--verbose"), "nor the command line (a digest of it)");
    assertMatch(text, /LOG_TOKENS/);
    assertMatch((await wst(ws.args, { env: ws.env })).stderr, EARLY);
    assertEquals(await leftovers(ws.tmp), []);
  },
);

Deno.test(
  `confine: a runner started early for a run that ends before its task is stopped, its folders removed${skipped}`,
  { ignore },
  async () => {
    await using ws = await launchSetup();
    assertEquals((await wst(ws.args, { env: ws.env })).code, 0);
    // The same command line, but the root is gone: the run ends with a usage error.
    await Deno.remove(`${ws.dir}/ws`, { recursive: true });
    const run = await wst(ws.args, { env: ws.env });
    assertEquals(run.code, 2, run.stderr);
    assertEquals(await leftovers(ws.tmp), []);
  },
);
