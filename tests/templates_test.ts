import { parse } from "yaml";
import picomatch from "picomatch";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { aiGatewayFileSchema, parseConfig } from "../lib/config/mod.ts";
import { builtinTasks } from "../lib/registry/mod.ts";
import { flagName } from "../lib/errors/mod.ts";
import { GUARD_FLAGS } from "../lib/cli/_guard_flags.ts";
import {
  devcontainerCommand,
  exists,
  findStep,
  type Job,
  readWorkflow,
  runScript,
  scripts,
  sha256,
  WORKFLOW,
} from "./_workflow.ts";

Deno.test("the CI template discovers once, skips an empty matrix and fans out per target", async () => {
  const workflow = parse(await Deno.readTextFile(WORKFLOW)) as { jobs: Record<string, Job> };
  const { discover, check } = workflow.jobs;
  assert(discover && check);
  assertEquals(discover.outputs, {
    matrix: "${{ steps.discover.outputs.matrix }}",
    count: "${{ steps.discover.outputs.count }}",
  });
  assert(discover.steps.some((s) => s.run?.includes("discover-mr-targets --github-output")));
  assertEquals(check.needs, "discover");
  assertEquals(check.if, "needs.discover.outputs.count != '0'");
  assertEquals(check.strategy?.matrix, "${{ fromJSON(needs.discover.outputs.matrix) }}");
  const run = check.steps.find((s) => s.run?.includes("test-mr-all --target"));
  assertEquals(run?.run, '~/.local/bin/wst test-mr-all --target "$TARGET_PATH" --junit junit.xml');
  assertEquals(run?.env, { TARGET_PATH: "${{ matrix.path }}" });
  const cachedPaths = check.steps.filter((s) => s.uses?.startsWith("actions/cache@"))
    .map((s) => s.with?.path);
  assertEquals(cachedPaths, ["~/.local/bin/wst", ".wst/cache"]);
});

Deno.test("every wst command in the CI template uses a real task and real flags", async () => {
  const text = await Deno.readTextFile(WORKFLOW);
  const tasks = new Map(builtinTasks().map((t) => [t.name, t]));
  const commands = [...text.matchAll(/\/wst ([a-z-]+)((?:[^\n]|\\\n)*)/g)];
  assert(commands.length >= 3, "expected the template to run wst");
  for (const [, name, rest] of commands) {
    // `wst guard` is a command of wst itself, not a task.
    const task = tasks.get(name!);
    assert(task || name === "guard", `unknown task ${name}`);
    const props = task
      ? Object.keys((task.argsSchema.properties ?? {}) as Record<string, unknown>)
      : Object.keys(GUARD_FLAGS);
    const known = new Set(props.map(flagName));
    for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) {
      assert(known.has(flag), `${name} has no flag ${flag}`);
    }
  }
});

Deno.test("the workspace dev container installs tools, then syncs, with real tasks and flags", async () => {
  const text = await Deno.readTextFile(
    new URL("../templates/devcontainer/devcontainer.json", import.meta.url),
  );
  // JSON with comments, as dev containers allow.
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
  const command: string = json.postCreateCommand;
  const install = command.indexOf("wst install-tools");
  const sync = command.indexOf("wst workspace-sync");
  assert(install > 0 && sync > install, "install-tools must run before workspace-sync");
  const tasks = new Map(builtinTasks().map((t) => [t.name, t]));
  for (const [, name, rest] of command.matchAll(/wst ([a-z-]+)((?: --?[a-z-]+(?: "[^"]*")?)*)/g)) {
    const task = tasks.get(name!);
    assert(task, `unknown task ${name}`);
    const known = new Set(Object.keys((task.argsSchema.properties ?? {}) as object).map(flagName));
    known.add("--root");
    for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) {
      assert(known.has(flag), `${name} has no flag ${flag}`);
    }
  }
});

Deno.test("no run: script of either workflow or the dev container holds a ${{ }} expression", async () => {
  const found = await scripts();
  assert(found.length >= 8, "expected the workflows' scripts");
  for (const [where, script] of found) {
    // Pass values through env: — a folder or branch name from a pull request becomes shell code.
    assert(!script.includes("${{"), `${where} interpolates an expression: ${script}`);
  }
});

Deno.test("every curl download is checked with sha256sum -c before it is used, and nothing is piped to a shell", async () => {
  let downloads = 0;
  for (const [where, script] of await scripts()) {
    assert(!/\|\s*(ba)?sh\b|sh -c "\$\(curl/.test(script), `${where} runs a download as a script`);
    for (const curl of script.matchAll(/curl [^\n]*?-o "?([^"\s]+)"?/g)) {
      downloads++;
      const file = curl[1]!.replaceAll("$", "\\$");
      const check = new RegExp(`echo "\\$[A-Z0-9_]+ {2}${file}" \\| sha256sum -c -`);
      assert(
        check.test(script.slice(curl.index)),
        `${where}: the download to ${curl[1]} is not checked with sha256sum -c`,
      );
    }
  }
  // wst three times (discover, check, guard) and go-task in the CI template; wst in the dev
  // container.
  assertEquals(downloads, 5);
});

Deno.test("go-task is pinned to a version and its tarball to a SHA-256, not taskfile.dev's installer", async () => {
  const workflow = await readWorkflow(WORKFLOW);
  assertMatch(workflow.env?.GO_TASK_VERSION ?? "", /^\d+\.\d+\.\d+$/);
  const step = findStep(workflow, "check", "Install go-task");
  assert(!step.run!.includes("taskfile.dev"), "go-task must not come from its install script");
  assert(
    step.run!.includes("/go-task/task/releases/download/v$GO_TASK_VERSION/task_linux_amd64.tar.gz"),
    "go-task must be the release tarball of GO_TASK_VERSION",
  );
  assert(step.run!.includes('echo "$GO_TASK_SHA256  $RUNNER_TEMP/task.tar.gz" | sha256sum -c -'));
});

Deno.test("the go-task step fails closed on the placeholder or a wrong sum, and installs a matching tarball", async () => {
  const workflow = await readWorkflow(WORKFLOW);
  const { run } = findStep(workflow, "check", "Install go-task");
  const dir = await Deno.makeTempDir({ prefix: "wst-go-task-" });
  try {
    await Deno.mkdir(`${dir}/pkg`);
    await Deno.writeTextFile(`${dir}/pkg/task`, "#!/bin/sh\necho task\n", { mode: 0o755 });
    const tar = await new Deno.Command("tar", {
      args: ["-czf", `${dir}/task_linux_amd64.tar.gz`, "-C", `${dir}/pkg`, "task"],
    }).output();
    assert(tar.success);
    const env = {
      RUNNER_TEMP: dir,
      GITHUB_PATH: `${dir}/github_path`,
      GO_TASK_VERSION: workflow.env!.GO_TASK_VERSION!,
    };
    const serve = `${dir}/task_linux_amd64.tar.gz`;

    const placeholder = await runScript(run!, {
      cwd: dir,
      serve,
      env: { ...env, GO_TASK_SHA256: workflow.env!.GO_TASK_SHA256! },
    });
    assertEquals(placeholder.code, 1);
    assertMatch(placeholder.output, /::error::GO_TASK_SHA256 is "FILL-IN/);
    assertEquals(placeholder.downloads, [], "nothing is downloaded before the sum is set");

    const wrong = await runScript(run!, {
      cwd: dir,
      serve,
      env: { ...env, GO_TASK_SHA256: "0".repeat(64) },
    });
    assertEquals(wrong.code, 1);
    assertMatch(wrong.output, /FAILED/);
    assertEquals(await exists(`${dir}/.local/bin/task`), false);

    const good = await runScript(run!, {
      cwd: dir,
      serve,
      env: { ...env, GO_TASK_SHA256: await sha256(serve) },
    });
    assertEquals(good.code, 0, good.output);
    assertEquals(good.downloads, [
      `https://github.com/go-task/task/releases/download/v${env.GO_TASK_VERSION}/task_linux_amd64.tar.gz`,
    ]);
    assertEquals(await Deno.readTextFile(`${dir}/.local/bin/task`), "#!/bin/sh\necho task\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CI template's wst install fails closed on the placeholder or a wrong sum, also for a cached binary", async () => {
  const workflow = await readWorkflow(WORKFLOW);
  for (const job of ["discover", "check", "guard"]) {
    const { run } = findStep(workflow, job, "Install wst");
    const dir = await Deno.makeTempDir({ prefix: "wst-install-" });
    try {
      const serve = `${dir}/served`;
      await Deno.writeTextFile(serve, "#!/bin/sh\necho wst\n");
      const env = { RUNNER_TEMP: dir, WST_REPO: "acme/wst", WST_VERSION: "1.2.3" };

      const placeholder = await runScript(run!, {
        cwd: dir,
        serve,
        env: { ...env, WST_SHA256: workflow.env!.WST_SHA256! },
      });
      assertEquals(placeholder.code, 1);
      assertMatch(placeholder.output, /::error::WST_SHA256 is "FILL-IN/);
      assertEquals(placeholder.downloads, []);

      const wrong = await runScript(run!, {
        cwd: dir,
        serve,
        env: { ...env, WST_SHA256: "0".repeat(64) },
      });
      assertEquals(wrong.code, 1);
      assertEquals(await exists(`${dir}/.local/bin/wst`), false, "a mismatch installs nothing");

      const good = await runScript(run!, {
        cwd: dir,
        serve,
        env: { ...env, WST_SHA256: await sha256(serve) },
      });
      assertEquals(good.code, 0, good.output);
      assertEquals(good.downloads, [
        "https://github.com/acme/wst/releases/download/v1.2.3/wst-x86_64-unknown-linux-gnu",
      ]);
      assertEquals((await Deno.stat(`${dir}/.local/bin/wst`)).mode! & 0o111, 0o111);

      // A binary restored from the cache (here: tampered with) is checked too.
      await Deno.writeTextFile(`${dir}/.local/bin/wst`, "#!/bin/sh\necho evil\n");
      const cached = await runScript(run!, {
        cwd: dir,
        serve,
        env: { ...env, WST_SHA256: await sha256(serve) },
      });
      assertEquals(cached.code, 1, `${job}: a tampered cached binary must fail`);
      assertEquals(cached.downloads, []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("the dev container installs wst only when it matches WST_SHA256, then runs it", async () => {
  const { command, env } = await devcontainerCommand();
  assertMatch(env.WST_SHA256 ?? "", /^FILL-IN/);
  const dir = await Deno.makeTempDir({ prefix: "wst-devcontainer-" });
  try {
    const serve = `${dir}/served`;
    // A stand-in wst that records how it is called.
    await Deno.writeTextFile(serve, `#!/bin/sh\necho "$*" >> "${dir}/calls"\n`);
    const script = command.replaceAll("${containerWorkspaceFolder}", `${dir}/ws`);
    const base = { WST_URL: "https://example.test/wst" };

    for (const sum of [env.WST_SHA256!, "0".repeat(64)]) {
      const failed = await runScript(script, {
        cwd: dir,
        serve,
        env: { ...base, WST_SHA256: sum },
      });
      assert(failed.code !== 0, `sum ${sum} must fail`);
      assertEquals(await exists(`${dir}/.local/bin/wst`), false);
      assertEquals(await exists(`${dir}/calls`), false);
    }
    const good = await runScript(script, {
      cwd: dir,
      serve,
      env: { ...base, WST_SHA256: await sha256(serve) },
    });
    assertEquals(good.code, 0, good.output);
    assertEquals((await Deno.readTextFile(`${dir}/calls`)).split("\n").filter(Boolean), [
      `install-tools --locked --root ${dir}/ws`,
      `workspace-sync --root ${dir}/ws`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CI template and both dev containers install bubblewrap and require confinement", async () => {
  const workflow = await readWorkflow(WORKFLOW);
  assertEquals((workflow as { env?: Record<string, string> }).env?.WST_CONFINE, "require");
  for (const job of ["discover", "check"]) {
    const install = findStep(workflow, job, "Install bubblewrap (tasks run confined)");
    assertMatch(install.run ?? "", /apt-get install -y -qq bubblewrap/);
    const steps = (workflow.jobs as Record<string, Job>)[job]!.steps;
    const wstStep = steps.findIndex((s) => s.run?.includes("~/.local/bin/wst ") ?? false);
    assert(steps.indexOf(install) < wstStep, `${job}: bubblewrap is installed before wst runs`);
  }
  for (
    const file of [
      "../templates/devcontainer/devcontainer.json",
      "../.devcontainer/devcontainer.json",
    ]
  ) {
    const json = JSON.parse(
      (await Deno.readTextFile(new URL(file, import.meta.url))).replace(/^\s*\/\/.*$/gm, ""),
    );
    assertEquals(json.containerEnv.WST_CONFINE, "require", file);
    assertMatch(
      json.postCreateCommand,
      /^sudo apt-get update -qq && sudo apt-get install -y -qq bubblewrap && /,
    );
    assertEquals(json.runArgs, ["--security-opt", "seccomp=unconfined"], file);
  }
});

Deno.test("the ai-gateway.yaml template is valid and protects what agents read and what CI runs", async () => {
  const text = await Deno.readTextFile(new URL("../templates/ai-gateway.yaml", import.meta.url));
  const { data, warnings } = await parseConfig("ai-gateway.yaml", text, aiGatewayFileSchema);
  assertEquals(warnings, []);
  const { guardrails } = data.ai_gateway;
  assertEquals(guardrails.max_files_per_diff, 10);
  assertEquals(guardrails.require_tests, true);
  assertEquals(guardrails.max_file_size_kb, 1024);
  // As wst guard matches: the whole path from the root against each glob, dot files included.
  const globs = guardrails.protected_paths ?? [];
  const protectedBy = (path: string) => globs.filter((g) => picomatch(g, { dot: true })(path));
  const agentPaths = [
    "AGENTS.md",
    "services/api/AGENTS.md",
    "CLAUDE.md",
    ".ai/projects/billing/metadata.json",
    ".kiro/specs/billing/tasks.md",
    "codev/specs/0001-billing.md",
    ".claude/settings.json",
    ".cursor/rules/style.mdc",
    ".github/workflows/mr-checks.yml",
    "ai-gateway.yaml",
    "config/secrets/token.txt",
    ".git/hooks/pre-commit",
  ];
  assertEquals(agentPaths.filter((p) => protectedBy(p).length === 0), [], "unprotected");
  const ordinary = ["src/app.ts", "docs/agents.md", "tests/app_test.ts", ".github/dependabot.yml"];
  assertEquals(ordinary.filter((p) => protectedBy(p).length > 0), [], "protected by mistake");
  // A YAML comment says why the agent files are protected.
  assertMatch(text, /An agent that may rewrite\s+#?\s*its own instructions/);
});

Deno.test("the CI template's guard job checks a pull request against its base and uploads the SARIF", async () => {
  const workflow = await readWorkflow(WORKFLOW);
  const guard = workflow.jobs.guard!;
  assertEquals(guard.if, "github.event_name == 'pull_request'");
  assertEquals(guard.permissions, { "contents": "read", "security-events": "write" });
  const checkout = guard.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
  assertEquals(checkout?.with?.["fetch-depth"], 0, "guard fails closed on a shallow clone");
  const run = findStep(workflow, "guard", "Check the change against the guardrails");
  assertEquals(
    run.run,
    '~/.local/bin/wst guard --base "refs/remotes/origin/$BASE_REF" --head HEAD --sarif guard.sarif',
  );
  assertEquals(run.env, { BASE_REF: "${{ github.base_ref }}" });
  const upload = guard.steps.at(-1)!;
  assertMatch(upload.uses ?? "", /^github\/codeql-action\/upload-sarif@[0-9a-f]{40}$/);
  assertMatch(upload.if ?? "", /^always\(\)/, "the violations are uploaded when the guard fails");
  assertEquals(upload.with?.sarif_file, "guard.sarif");
  assert(guard.steps.indexOf(run) < guard.steps.indexOf(upload));
});

Deno.test("every action in the CI template is pinned to a full commit SHA, with its version beside it", async () => {
  const text = await Deno.readTextFile(WORKFLOW);
  const uses = [...text.matchAll(/^\s*(?:- )?uses: (.*)$/gm)].map((m) => m[1]!);
  assert(uses.length >= 8, "expected the template's actions");
  for (const use of uses) {
    assertMatch(use, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  }
});
