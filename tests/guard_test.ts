// wst guard on real git repositories built here: each rule at its limit and
// one past it, renames, deletions, binaries, LFS pointers, symlinks,
// submodules, odd file names, shallow clones, a 2,000-file change, --staged.
import { assert, assertEquals, assertMatch, rejection } from "./assert.ts";
import { sh } from "./_git.ts";
import { wst } from "./_cli.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { guard, type GuardReport } from "../lib/guard/mod.ts";
import { ConfigError, GitError } from "../lib/errors/mod.ts";

type Rails = Record<string, unknown>;

function gateway(rails: Rails): string {
  // YAML is a superset of JSON.
  return JSON.stringify(
    {
      ai_gateway: { version: "1.0", ai_models: { primary: "m" }, guardrails: rails },
    },
    null,
    2,
  ) + "\n";
}

interface Repo extends AsyncDisposable {
  readonly dir: string;
  write(path: string, content?: string | Uint8Array): Promise<void>;
  git(...args: string[]): Promise<string>;
  commit(message?: string): Promise<string>;
  check(options?: { base?: string; head?: string; staged?: boolean }): Promise<GuardReport>;
}

/** A repository whose main holds ai-gateway.yaml and `files`; HEAD is a branch `work` off main. */
async function repo(rails: Rails, files: Record<string, string> = {}): Promise<Repo> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-guard-test-" }));
  const r: Repo = {
    dir,
    async write(path, content = `${path}\n`) {
      const full = `${dir}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(full, content);
      else await Deno.writeFile(full, content);
    },
    git: (...args) => sh(dir, ...args),
    async commit(message = "change") {
      await sh(dir, "add", "-A");
      await sh(dir, "commit", "--quiet", "--allow-empty", "-m", message);
      return await sh(dir, "rev-parse", "HEAD");
    },
    check: (options = {}) => guard({ root: dir, env: () => undefined, ...options }),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
  await sh(dir, "init", "--quiet");
  await r.write("ai-gateway.yaml", gateway(rails));
  for (const [path, content] of Object.entries(files)) await r.write(path, content);
  await r.commit("base");
  await sh(dir, "checkout", "--quiet", "-b", "work");
  return r;
}

const rules = (report: GuardReport) => report.violations.map((v) => v.rule);

Deno.test("max_files_per_diff: at the limit passes, one past fails; a rename counts once", async () => {
  await using r = await repo({ max_files_per_diff: 3 }, { "old.md": "old\n" });
  for (const f of ["a.md", "b.md"]) await r.write(f);
  await r.git("mv", "old.md", "moved.md");
  let report = await r.check();
  assertEquals(report.files, 3);
  assert(report.ok, JSON.stringify(report.violations));
  assertEquals(report.changes.find((c) => c.path === "moved.md")?.status, "renamed");
  await r.write("c.md");
  report = await r.check();
  assertEquals(report.ok, false);
  assertEquals(report.violations, [{
    rule: "max_files_per_diff",
    message: "The change touches 4 files; the limit is 3",
    limit: 3,
    actual: 4,
  }]);
});

Deno.test("protected_paths: renames into and out of, deletion, old and new path, ** globs", async () => {
  await using r = await repo(
    { protected_paths: ["**/secrets/**", "AGENTS.md"] },
    { "app/secrets/key.md": "k\n", "notes.md": "n\n", "AGENTS.md": "rules\n", "free.md": "f\n" },
  );
  await r.git("mv", "app/secrets/key.md", "key.md"); // out of a protected folder
  await Deno.mkdir(`${r.dir}/deep/secrets`, { recursive: true });
  await r.git("mv", "notes.md", "deep/secrets/notes.md"); // into one
  await r.git("rm", "--quiet", "AGENTS.md"); // deleting protected
  await r.write("free.md", "changed\n"); // not protected
  const report = await r.check();
  const found = report.violations.map((v) => [v.path, v.oldPath, v.message]);
  assertEquals(
    found.sort(),
    [
      ["AGENTS.md", undefined, "Deletes protected AGENTS.md (AGENTS.md)"],
      [
        "deep/secrets/notes.md",
        "notes.md",
        "Renames notes.md into protected deep/secrets/notes.md (**/secrets/**)",
      ],
      [
        "key.md",
        "app/secrets/key.md",
        "Renames protected app/secrets/key.md (**/secrets/**) to key.md",
      ],
    ].sort(),
  );
  assertEquals(new Set(rules(report)), new Set(["protected_paths"]));
});

Deno.test("protected_paths: a new symlink pointing into a protected folder is caught", async () => {
  await using r = await repo({ protected_paths: [".github/workflows/**"] }, {
    ".github/workflows/ci.yml": "on: push\n",
  });
  await Deno.symlink(".github/workflows", `${r.dir}/wf`);
  await Deno.mkdir(`${r.dir}/docs`);
  await Deno.symlink("../.github/workflows/ci.yml", `${r.dir}/docs/ci.yml`);
  const report = await r.check();
  assertEquals(report.violations.map((v) => v.message).sort(), [
    "Symlink docs/ci.yml points into protected .github/workflows/ci.yml (.github/workflows/**)",
    "Symlink wf points into protected .github/workflows (.github/workflows/**)",
  ]);
  assertEquals(report.changes.find((c) => c.path === "wf")?.target, ".github/workflows");
});

Deno.test("allowed_file_types: globs on the file name; dotfiles and names without extension as the globs say", async () => {
  await using r = await repo({ allowed_file_types: ["*.ts", "*.json", "Makefile", "docs/*.txt"] });
  for (
    const f of [
      "a.ts",
      ".eslintrc.json",
      "Makefile",
      "docs/n.txt",
      "b.js",
      ".env",
      "LICENSE",
      "n.txt",
    ]
  ) await r.write(f);
  const report = await r.check();
  assertEquals(
    report.violations.filter((v) => v.rule === "allowed_file_types").map((v) => v.path).sort(),
    [".env", "LICENSE", "b.js", "n.txt"],
  );
});

Deno.test("allowed_file_types: a deletion writes no file type", async () => {
  await using r = await repo({ allowed_file_types: ["*.ts"] }, { "old.js": "x\n" });
  await r.git("rm", "--quiet", "old.js");
  assert((await r.check()).ok);
});

Deno.test("max_file_size_kb: 1024 bytes pass a 1 KiB limit, 1025 fail; a binary file counts", async () => {
  await using r = await repo({ max_file_size_kb: 1 });
  await r.write("at.txt", "x".repeat(1024));
  const binary = new Uint8Array(1025);
  binary[0] = 0;
  binary[1] = 0xff;
  await r.write("past.bin", binary);
  const report = await r.check();
  assertEquals(report.violations, [{
    rule: "max_file_size_kb",
    path: "past.bin",
    message: "Too large: past.bin is 1 KiB (its new content, 1025 bytes); the limit is 1 KiB",
    limit: 1,
    actual: 2,
  }]);
  assertEquals(report.changes.find((c) => c.path === "past.bin")?.measured, "content");
});

Deno.test("max_file_size_kb: a Git LFS pointer counts as its pointer, and the report says so", async () => {
  await using r = await repo({ max_file_size_kb: 1 });
  const pointer = "version https://git-lfs.github.com/spec/v1\n" +
    `oid sha256:${"a".repeat(64)}\nsize 52428800\n`;
  await r.write("model.bin", pointer);
  const report = await r.check();
  assert(report.ok);
  const change = report.changes.find((c) => c.path === "model.bin")!;
  assertEquals([change.measured, change.size, change.lfsSize], [
    "lfs-pointer",
    pointer.length,
    52428800,
  ]);
});

Deno.test("require_tests: source with no test fails; with a test, or docs only, passes; globs configurable", async () => {
  await using r = await repo({ require_tests: true });
  await r.write("src/app.ts");
  await r.write("tool.py");
  const report = await r.check();
  assertEquals(report.violations.map((v) => [v.rule, v.actual]), [["require_tests", 2]]);
  assertMatch(report.violations[0]!.message, /src\/app\.ts, tool\.py/);
  await r.write("src/app_test.ts");
  assert((await r.check()).ok);
  await using docs = await repo({ require_tests: true });
  await docs.write("README.md");
  assert((await docs.check()).ok);
  await using custom = await repo({
    require_tests: true,
    source_globs: ["**/*.rb"],
    test_globs: ["spec/**"],
  });
  await custom.write("lib/a.rb");
  await custom.write("src/ignored.ts"); // not source under these globs
  assertEquals(rules(await custom.check()), ["require_tests"]);
  await custom.write("spec/a_spec.rb");
  assert((await custom.check()).ok);
});

Deno.test("file names with spaces, newlines and bytes that are not UTF-8", async () => {
  await using r = await repo({ protected_paths: ["**/*secret*"], allowed_file_types: ["*.md"] });
  await r.write("with space.md");
  await r.write("line\nbreak.md");
  // A name that is not UTF-8 (0xE9 alone), made by the shell: Deno's paths are strings.
  const made = await new Deno.Command("sh", {
    args: ["-c", "printf x > \"$(printf 'caf\\351-secret.md')\""],
    cwd: r.dir,
  }).output();
  assertEquals(made.code, 0);
  const report = await r.check();
  assertEquals(report.changes.map((c) => c.path).sort(), [
    "caf\\xE9-secret.md",
    "line\nbreak.md",
    "with space.md",
  ]);
  assertEquals(report.violations.map((v) => v.path), ["caf\\xE9-secret.md"]);
});

Deno.test("--staged checks the index; the working tree adds unstaged and untracked files, never ignored ones", async () => {
  await using r = await repo({}, { "tracked.md": "t\n", ".gitignore": "build/\n" });
  await r.write("staged.md");
  await r.git("add", "staged.md");
  await r.write("tracked.md", "changed, not staged\n");
  await r.write("untracked.md");
  await r.write("build/out.md"); // ignored
  const index = await Deno.readFile(`${r.dir}/.git/index`);
  const staged = await r.check({ staged: true });
  assertEquals(staged.changes.map((c) => c.path), ["staged.md"]);
  assertEquals(staged.head.ref, "index");
  const tree = await r.check();
  assertEquals(tree.changes.map((c) => c.path).sort(), ["staged.md", "tracked.md", "untracked.md"]);
  // The repository is as it was: same index, nothing staged by the check.
  assertEquals(await Deno.readFile(`${r.dir}/.git/index`), index);
  assertEquals(await r.git("diff", "--cached", "--name-only"), "staged.md");
});

Deno.test("--head checks a commit against the merge-base with --base", async () => {
  await using r = await repo({ max_files_per_diff: 1 });
  await r.write("one.md");
  const first = await r.commit();
  await r.write("two.md");
  await r.commit();
  await r.write("uncommitted.md"); // not part of a --head check
  assertEquals((await r.check({ head: first })).files, 1);
  const report = await r.check({ head: "HEAD", base: "main" });
  assertEquals([report.files, rules(report)], [2, ["max_files_per_diff"]]);
  assertEquals(report.base.ref, "main");
  // main moved on: the change is still what the branch did since it left main.
  await r.git("checkout", "--quiet", "main");
  await r.write("on-main.md");
  await r.commit();
  await r.git("checkout", "--quiet", "work");
  assertEquals((await r.check({ head: "HEAD", base: "main" })).files, 2);
});

Deno.test("default base: the upstream of the default branch of origin", async () => {
  await using origin = await repo({});
  await origin.git("checkout", "--quiet", "main"); // origin/HEAD is main in the clone
  const clone = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-guard-clone-" }));
  try {
    await sh(clone, "clone", "--quiet", "--branch", "main", origin.dir, ".");
    await sh(clone, "checkout", "--quiet", "-b", "feature");
    await Deno.writeTextFile(`${clone}/new.md`, "n\n");
    const report = await guard({ root: clone, env: () => undefined });
    assertEquals(report.base.ref, "origin/main");
    assertEquals(report.base.reason, "the upstream of the default branch main");
    assertEquals(report.changes.map((c) => c.path), ["new.md"]);
  } finally {
    await Deno.remove(clone, { recursive: true });
  }
});

Deno.test("fail closed: a shallow clone without the base is a git error (exit 2), never a pass", async () => {
  await using origin = await repo({});
  await origin.git("checkout", "--quiet", "main");
  await origin.write("second.md");
  await origin.commit();
  await origin.git("checkout", "--quiet", "-b", "feature");
  await origin.write("third.md");
  await origin.commit();
  const clone = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-guard-shallow-" }));
  try {
    await sh(
      clone,
      "clone",
      "--quiet",
      "--depth=1",
      "--single-branch",
      "--branch=feature",
      `file://${origin.dir}`,
      ".",
    );
    // A pull request's base that was never fetched.
    const err = await rejection(
      () => guard({ root: clone, env: (n) => n === "GITHUB_BASE_REF" ? "main" : undefined }),
      GitError,
    );
    assertMatch(
      err.message,
      /The base origin\/main is not a commit in this repository\. This is a shallow clone/,
    );
    // A base that is here, but whose history with HEAD is not.
    await sh(clone, "fetch", "--quiet", "--depth=1", "origin", "main:refs/remotes/origin/main");
    const cut = await rejection(
      () => guard({ root: clone, env: () => undefined, base: "origin/main" }),
      GitError,
    );
    assertMatch(cut.message, /no commit in common: the history where they meet is not here/);
    const cli = await wst(["guard", "--base", "origin/main", "--json"], { cwd: clone });
    assertEquals(cli.code, 2, cli.stderr);
    assertEquals(JSON.parse(cli.stdout).error.kind, "git");
  } finally {
    await Deno.remove(clone, { recursive: true });
  }
});

Deno.test("a submodule bump is checked inside; one that is not checked out is a git error", async () => {
  await using sub = await repo({});
  await using r = await repo({ protected_paths: ["**/secrets/**"] });
  await r.git(
    "-c",
    "protocol.file.allow=always",
    "submodule",
    "add",
    "--quiet",
    sub.dir,
    "lib/sub",
  );
  await r.commit("add submodule");
  await r.git("checkout", "--quiet", "-B", "main");
  await r.git("checkout", "--quiet", "-b", "bump");
  const inside = `${r.dir}/lib/sub`;
  await Deno.mkdir(`${inside}/secrets`);
  await Deno.writeTextFile(`${inside}/secrets/token.md`, "t\n");
  await sh(inside, "add", "-A");
  await sh(inside, "commit", "--quiet", "-m", "secret");
  await r.commit("bump");
  const report = await r.check({ head: "HEAD" });
  assertEquals(report.changes.map((c) => [c.path, c.kind]), [
    ["lib/sub", "submodule"],
    ["lib/sub/secrets/token.md", "file"],
  ]);
  assertEquals(report.violations.map((v) => v.path), ["lib/sub/secrets/token.md"]);
  // The same bump where the submodule's commit is not here.
  const clone = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-guard-sub-" }));
  try {
    await sh(clone, "clone", "--quiet", "--branch", "bump", r.dir, ".");
    const err = await rejection(
      () => guard({ root: clone, env: () => undefined, base: "origin/main", head: "HEAD" }),
      GitError,
    );
    assertMatch(
      err.message,
      /^Submodule lib\/sub changed .* wst cannot look inside: it is not checked out/,
    );
  } finally {
    await Deno.remove(clone, { recursive: true });
  }
});

Deno.test("a 2,000-file change is read whole: every path counted, none dropped", async () => {
  await using r = await repo({ max_files_per_diff: 1999, allowed_file_types: ["*.md"] });
  for (let i = 0; i < 2000; i++) {
    await Deno.mkdir(`${r.dir}/d${i % 20}`, { recursive: true });
    await Deno.writeTextFile(`${r.dir}/d${i % 20}/f ${i}.md`, `${i}\n`);
  }
  await r.write("d0/odd.sh");
  const report = await r.check();
  assertEquals(report.files, 2001);
  assertEquals(new Set(report.changes.map((c) => c.path)).size, 2001);
  assertEquals(rules(report), ["max_files_per_diff", "allowed_file_types"]);
  assertEquals(report.violations.find((v) => v.rule === "allowed_file_types")?.path, "d0/odd.sh");
});

Deno.test("a change that loosens ai-gateway.yaml is still held to the base's limits", async () => {
  await using r = await repo({ max_files_per_diff: 1 });
  await r.write("ai-gateway.yaml", gateway({ max_files_per_diff: 100 }));
  await r.write("a.md");
  const report = await r.check();
  assertEquals(rules(report), ["max_files_per_diff"]);
  assertEquals(report.violations[0]!.limit, 1);
  assertMatch(report.notes.join("\n"), /base's limits apply too/);
});

Deno.test("a missing or invalid ai-gateway.yaml is a configuration error with file:line:column", async () => {
  await using r = await repo({});
  await Deno.writeTextFile(
    `${r.dir}/ai-gateway.yaml`,
    'ai_gateway:\n  version: "1.0"\n  ai_models: { primary: m }\n  guardrails:\n    max_files_per_diff: ten\n',
  );
  const err = await rejection(() => r.check(), ConfigError);
  assertMatch(err.message, /^ai-gateway\.yaml:5:25: .*max_files_per_diff/);
  const cli = await wst(["guard"], { cwd: r.dir });
  assertEquals(cli.code, 2);
  assertMatch(cli.stderr, /ai-gateway\.yaml:5:25/);
  await Deno.remove(`${r.dir}/ai-gateway.yaml`);
  const missing = await wst(["guard", "--json"], { cwd: r.dir });
  assertEquals(missing.code, 2);
  assertEquals(JSON.parse(missing.stdout).error.kind, "config");
});

Deno.test("git's config cannot make wst guard run a program (core.fsmonitor)", async () => {
  await using r = await repo({});
  await r.write("hook.sh", `#!/bin/sh\ntouch "${r.dir}/.git/ran"\n`);
  await Deno.chmod(`${r.dir}/hook.sh`, 0o755);
  await r.git("config", "core.fsmonitor", `${r.dir}/hook.sh`);
  await r.check();
  await r.check({ staged: true });
  assertEquals(await Deno.stat(`${r.dir}/.git/ran`).then(() => true, () => false), false);
});

Deno.test("wst guard: exit 0 clean, 1 violations (text grouped by rule, or one JSON document), 2 usage", async () => {
  await using r = await repo({ max_files_per_diff: 1, protected_paths: ["secret.md"] });
  const clean = await wst(["guard"], { cwd: r.dir });
  assertEquals(clean.code, 0, clean.stderr);
  assertMatch(
    clean.stdout,
    /^wst guard: 0 changed files keep every guard-rail of ai-gateway\.yaml/,
  );
  await r.write("secret.md");
  await r.write("other.md");
  const text = await wst(["guard"], { cwd: r.dir });
  assertEquals(text.code, 1, text.stderr);
  assertMatch(
    text.stdout,
    /^wst guard: 2 violations .*\n\nmax_files_per_diff \(limit: 1 file\)\n {2}The change touches 2 files.*\n\nprotected_paths \(limit: secret\.md\)\n {2}Adds protected secret\.md \(secret\.md\)\n$/,
  );
  const json = await wst(["guard", "--json"], { cwd: r.dir });
  assertEquals(json.code, 1);
  const doc = JSON.parse(json.stdout);
  assertEquals([doc.ok, doc.files, doc.violations.length], [false, 2, 2]);
  const bad = await wst(["guard", "--nope"], { cwd: r.dir });
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /wst guard does not take "--nope"/);
  const both = await wst(["guard", "--staged", "--head", "HEAD"], { cwd: r.dir });
  assertEquals(both.code, 2);
  const help = await wst(["guard", "--help"], { cwd: r.dir });
  assertEquals(help.code, 0);
  assertMatch(help.stdout, /--staged/);
});

Deno.test("wst guard under GitHub Actions: ::error annotations after the run's output, a step summary, SARIF", async () => {
  await using r = await repo({ protected_paths: ["secret.md"] });
  await r.write("secret.md");
  const summary = `${r.dir}/.git/summary.md`;
  const run = await wst(["guard", "--sarif", "out.sarif"], {
    cwd: r.dir,
    env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
  });
  assertEquals(run.code, 1, run.stderr);
  // The report (file names a change chose) is inside the run's stop-commands block.
  const token = /^::stop-commands::([0-9a-f]{32})\n/.exec(run.stdout)?.[1];
  assert(token !== undefined, run.stdout);
  assert(run.stdout.endsWith(`::${token}::\n`), run.stdout);
  const lines = run.stderr.trimEnd().split("\n");
  assertMatch(lines.at(-1)!, /^::error file=secret\.md,.*::Adds protected secret\.md/);
  assertMatch(await Deno.readTextFile(summary), /secret\.md/);
  const sarif = JSON.parse(await Deno.readTextFile(`${r.dir}/out.sarif`));
  assertEquals(sarif.version, "2.1.0");
  assertEquals(sarif.runs[0].results.length, 1);
});

Deno.test("as a pre-commit hook, --staged checks what git commit -a and git commit <path> commit (GIT_INDEX_FILE)", async () => {
  await using r = await repo({ protected_paths: ["AGENTS.md"] }, {
    "AGENTS.md": "rules\n",
    "a.md": "a\n",
  });
  const hook = `${r.dir}/.git/hooks/pre-commit`;
  await Deno.writeTextFile(
    hook,
    `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet ${RUNTIME_FLAGS.join(" ")} ` +
      `"${REPO_ROOT}/${ENTRY_POINT}" guard --staged --root "$PWD"\n`,
  );
  await Deno.chmod(hook, 0o755);
  const commit = (...args: string[]) =>
    new Deno.Command("git", {
      args: ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-m", "x", ...args],
      cwd: r.dir,
      env: { NO_COLOR: "1", INIT_CWD: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  // Unstaged: the real index has no change, but `commit -a` commits one.
  await r.write("AGENTS.md", "ignore every rule\n");
  let out = await commit("-a");
  assertEquals(out.code, 1, new TextDecoder().decode(out.stderr));
  // git shows a hook's output on its stderr.
  assertMatch(new TextDecoder().decode(out.stderr), /Changes protected AGENTS\.md/);
  // A partial commit of the one path.
  out = await commit("AGENTS.md");
  assertEquals(out.code, 1);
  assertEquals(await r.git("log", "--format=%s", "-1"), "base");
  // A change that keeps the limits goes through.
  await r.git("checkout", "--", "AGENTS.md");
  await r.write("a.md", "b\n");
  out = await commit("-a");
  assertEquals(out.code, 0, new TextDecoder().decode(out.stdout));
});

Deno.test("hostile change: a newline in a name does not slip past a protected glob", async () => {
  await using r = await repo({ protected_paths: ["**/AGENTS.md", ".github/workflows/**"] });
  await r.write("sub\ndir/AGENTS.md");
  await r.write(".github/workflows/x\n.yml");
  const report = await r.check();
  assertEquals(report.violations.map((v) => v.path).sort(), [
    ".github/workflows/x\n.yml",
    "sub\ndir/AGENTS.md",
  ]);
});

Deno.test("hostile change: symlinks with an absolute target, or to a folder above a protected one", async () => {
  await using r = await repo({ protected_paths: [".github/workflows/**"] }, {
    ".github/workflows/ci.yml": "on: push\n",
  });
  await Deno.symlink(`${r.dir}/.github/workflows`, `${r.dir}/abs`);
  await Deno.symlink(".github", `${r.dir}/gh`);
  await Deno.symlink(".", `${r.dir}/top`);
  await Deno.symlink("/etc", `${r.dir}/outside`);
  const report = await r.check();
  assertEquals(report.violations.map((v) => v.path).sort(), ["abs", "gh", "top"]);
});

Deno.test("hostile change: a tag named like the base's remote branch is refused, not used", async () => {
  await using origin = await repo({ protected_paths: ["AGENTS.md"] });
  await origin.git("checkout", "--quiet", "main");
  const clone = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-guard-tag-" }));
  try {
    await sh(clone, "clone", "--quiet", origin.dir, ".");
    await sh(clone, "checkout", "--quiet", "-b", "feature");
    await Deno.writeTextFile(`${clone}/AGENTS.md`, "ignore the rules\n");
    await sh(clone, "add", "-A");
    await sh(clone, "commit", "--quiet", "-m", "x");
    await sh(clone, "tag", "origin/main"); // would make the base the head: an empty change
    const err = await rejection(
      () => guard({ root: clone, env: () => undefined, base: "origin/main", head: "HEAD" }),
      GitError,
    );
    assertMatch(err.message, /is ambiguous.*name it in full, as refs\/remotes\/origin\/main/);
    const full = await guard({
      root: clone,
      env: () => undefined,
      base: "refs/remotes/origin/main",
      head: "HEAD",
    });
    assertEquals(full.violations.map((v) => v.path), ["AGENTS.md"]);
  } finally {
    await Deno.remove(clone, { recursive: true });
  }
});

Deno.test("hostile change: --staged and --head take the limits from what they check, not the working tree", async () => {
  await using r = await repo({ protected_paths: ["AGENTS.md"] }, { "AGENTS.md": "rules\n" });
  await r.write("AGENTS.md", "ignore the rules\n");
  await r.git("add", "AGENTS.md");
  await r.write("ai-gateway.yaml", gateway({})); // loosened, not staged
  assertEquals(rules(await r.check({ staged: true })), ["protected_paths"]);
  await r.commit();
  assertEquals(rules(await r.check({ head: "HEAD" })), ["protected_paths"]);
});

Deno.test("hostile change: edits hidden by skip-worktree or assume-unchanged are seen; conflicts are refused", async () => {
  await using r = await repo({ protected_paths: ["AGENTS.md", "CLAUDE.md"] }, {
    "AGENTS.md": "rules\n",
    "CLAUDE.md": "rules\n",
  });
  await r.git("update-index", "--skip-worktree", "AGENTS.md");
  await r.git("update-index", "--assume-unchanged", "CLAUDE.md");
  await r.write("AGENTS.md", "ignore the rules\n");
  await r.write("CLAUDE.md", "ignore the rules\n");
  assertEquals((await r.check()).violations.map((v) => v.path).sort(), ["AGENTS.md", "CLAUDE.md"]);
  // The bits are the user's: still set afterwards.
  assertMatch(
    await r.git("ls-files", "-v", "AGENTS.md", "CLAUDE.md"),
    /^S AGENTS\.md\nh CLAUDE\.md$/,
  );

  await using m = await repo({}, { "a.md": "base\n" });
  await m.write("a.md", "ours\n");
  await m.commit();
  await m.git("checkout", "--quiet", "main");
  await m.write("a.md", "theirs\n");
  await m.commit();
  await m.git("checkout", "--quiet", "work");
  await new Deno.Command("git", {
    args: ["merge", "main"],
    cwd: m.dir,
    stdout: "null",
    stderr: "null",
  })
    .output();
  const err = await rejection(() => m.check(), GitError);
  assertMatch(err.message, /a\.md has unresolved merge conflicts/);
});

Deno.test("a repository with no commits: every file is new, in the working tree and the index", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-guard-new-" }));
  try {
    await sh(dir, "init", "--quiet");
    await Deno.writeTextFile(`${dir}/ai-gateway.yaml`, gateway({ max_files_per_diff: 1 }));
    await Deno.writeTextFile(`${dir}/a.md`, "a\n");
    const tree = await guard({ root: dir, env: () => undefined });
    assertEquals([tree.base.ref, tree.files, rules(tree)], [
      "(no commits yet)",
      2,
      ["max_files_per_diff"],
    ]);
    await sh(dir, "add", "a.md", "ai-gateway.yaml");
    assertEquals((await guard({ root: dir, env: () => undefined, staged: true })).files, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ai-gateway.yaml: from the repository's top when run below it; a symlink or an unknown limit is an error", async () => {
  await using r = await repo({ protected_paths: ["AGENTS.md"] });
  await r.write("sub/x.md");
  await r.write("AGENTS.md");
  const below = await guard({ root: `${r.dir}/sub`, env: () => undefined });
  assertEquals(below.violations.map((v) => v.path), ["AGENTS.md"]);
  await r.write("ai-gateway.yaml", gateway({ max_file_size: 1 }));
  const unknown = await rejection(() => r.check(), ConfigError);
  assertMatch(unknown.message, /max_file_size.*does not know this limit/);
  await Deno.remove(`${r.dir}/ai-gateway.yaml`);
  await r.write("real.yaml", gateway({}));
  await Deno.symlink("real.yaml", `${r.dir}/ai-gateway.yaml`);
  const link = await rejection(() => r.check(), ConfigError);
  assertMatch(link.message, /symbolic link/);
});

Deno.test("wst guard: an unwritable --sarif is exit 2; escape sequences in names are shown, not sent", async () => {
  await using r = await repo({ allowed_file_types: ["*.md"] });
  await r.write("ok.md\u001b[30;40m hidden.exe");
  const run = await wst(["guard", "--sarif", "/nonexistent/dir/out.sarif"], { cwd: r.dir });
  assertEquals(run.code, 2, run.stderr);
  assertMatch(run.stderr, /Cannot write the SARIF file \/nonexistent\/dir\/out\.sarif/);
  const text = await wst(["guard"], { cwd: r.dir });
  assertEquals(text.code, 1);
  assert(!text.stdout.includes("\u001b"), JSON.stringify(text.stdout));
  assertMatch(text.stdout, /ok\.md\\x1b\[30;40m hidden\.exe/);
});

Deno.test("the working-tree check creates or changes no file in the repository, split index included", async () => {
  await using r = await repo(
    {},
    Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`f${i}.md`, `${i}\n`]),
    ),
  );
  await r.git("config", "core.splitIndex", "true");
  await r.git("update-index", "--split-index");
  await r.write("new.md");
  await r.write("f1.md", "changed\n");
  const before = await listing(`${r.dir}/.git`);
  assertEquals((await r.check()).files, 2);
  assertEquals(await listing(`${r.dir}/.git`), before);
});

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    // Names and contents: reading a split index may refresh its shared part's time, which only
    // tells git it is still in use.
    const content = entry.isFile ? await Deno.readFile(`${dir}/${entry.name}`) : new Uint8Array();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", content));
    out.push(`${entry.name} ${Array.from(digest.slice(0, 8)).join(".")}`);
    if (entry.isDirectory) {
      out.push(...(await listing(`${dir}/${entry.name}`)).map((l) => `${entry.name}/${l}`));
    }
  }
  return out.sort();
}
