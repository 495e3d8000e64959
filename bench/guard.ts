// deno task bench: `wst guard`, side by side with its baselines in one run,
// interleaved so that machine noise hits all alike (issue #15):
// - `wst guard --staged` with 50 staged files in a repository of 20,000
//   tracked files, against `deno eval 0`: target ≤ 3x (a pre-commit hook).
// - a 2,000-file change (`--head HEAD`, and the same change uncommitted in the
//   working tree), against `git diff --name-status` plus `git cat-file
//   --batch-check` over the same change: target ≤ 2x for the commit.
// Prints medians and ratios; the repositories are built once in a temp folder.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS") ?? 20);
const WARMUP = 3;
const root = await Deno.makeTempDir({ prefix: "wst-bench-guard-" });

const GATEWAY = `ai_gateway:
  version: "1.0"
  ai_models: { primary: "m" }
  guardrails:
    max_files_per_diff: 5000
    require_tests: false
    protected_paths: ["**/secrets/**", "AGENTS.md", ".github/workflows/**"]
    max_file_size_kb: 1024
    allowed_file_types: ["*.ts", "*.md", "*.yaml", "*.json"]
`;

async function git(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.email=b@example.com", "-c", "user.name=b", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A repository with `files` tracked files on main, and a branch `work` checked out. */
async function repository(name: string, files: number): Promise<string> {
  const dir = `${root}/${name}`;
  await Deno.mkdir(dir);
  await git(dir, "init", "--quiet", "-b", "main");
  await Deno.writeTextFile(`${dir}/ai-gateway.yaml`, GATEWAY);
  for (let i = 0; i < files; i++) {
    if (i % 100 === 0) await Deno.mkdir(`${dir}/d${i / 100}`);
    await Deno.writeTextFile(`${dir}/d${Math.floor(i / 100)}/f${i}.ts`, `export const x = ${i};\n`);
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "--quiet", "-m", "base");
  await git(dir, "checkout", "--quiet", "-b", "work");
  return dir;
}

const edit = async (dir: string, count: number, stride: number) => {
  for (let i = 0; i < count; i++) {
    const n = i * stride;
    await Deno.writeTextFile(
      `${dir}/d${Math.floor(n / 100)}/f${n}.ts`,
      `export const x = -${n};\n`,
    );
  }
};

// 20,000 tracked files, 50 of them changed and staged.
const big = await repository("big", 20_000);
await edit(big, 50, 397);
await git(big, "add", "-A");

// 2,000 files changed in one commit on work; a copy with the same change uncommitted.
const wide = await repository("wide", 4_000);
await edit(wide, 2_000, 2);
await git(wide, "add", "-A");
await git(wide, "commit", "--quiet", "-m", "2,000 files");
const wideTree = `${root}/wide-tree`;
await git(root, "clone", "--quiet", "--branch", "work", wide, wideTree);
await git(wideTree, "branch", "--quiet", "main", "origin/main");
await git(wideTree, "reset", "--quiet", "--soft", "origin/main");
await git(wideTree, "reset", "--quiet");

const wst = (cwd: string, ...args: string[]) => ({
  cmd: Deno.execPath(),
  args: ["run", "--quiet", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`, "guard", ...args],
  cwd,
});
// The issue's baseline: the names and statuses, then every new blob's size, in batch.
const baseline = {
  cmd: "sh",
  args: [
    "-c",
    "git diff --name-status -z main HEAD >/dev/null && " +
    "git diff-tree -r --no-renames main HEAD | cut -d' ' -f4 | git cat-file --batch-check >/dev/null",
  ],
  cwd: wide,
};

const cases = {
  floor: { cmd: Deno.execPath(), args: ["eval", "0"], cwd: root },
  staged: wst(big, "--staged"),
  baseline,
  commit: wst(wide, "--base", "main", "--head", "HEAD"),
  tree: wst(wideTree, "--base", "main"),
};
type Case = keyof typeof cases;

async function once(c: { cmd: string; args: string[]; cwd: string }): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(c.cmd, {
    args: c.args,
    cwd: c.cwd,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", INIT_CWD: "" },
  }).output();
  const elapsed = performance.now() - started;
  // 1 is a verdict (the bench's change breaks no limit, so it should not happen); 2 is a failure.
  if (out.code !== 0) {
    throw new Error(
      `${c.cmd} ${c.args.join(" ")} exited with ${out.code}: ` +
        new TextDecoder().decode(out.stderr),
    );
  }
  return elapsed;
}

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, [] as number[]])) as Record<
  Case,
  number[]
>;
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const name of Object.keys(cases) as Case[]) {
    const ms = await once(cases[name]);
    if (i >= WARMUP) samples[name].push(ms);
  }
}
await Deno.remove(root, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
  Case,
  number
>;
const line = (name: string, ms: number, ratio?: string) =>
  `${name.padEnd(52)} ${ms.toFixed(1).padStart(7)} ms${ratio === undefined ? "" : `  ${ratio}`}`;
const verdict = (ratio: number, target: number, of: string) =>
  `${ratio.toFixed(2)}x ${of} (target ≤ ${target}x: ${ratio <= target ? "met" : "NOT met"})`;
// deno-lint-ignore no-console
console.log(
  [
    `wst guard, median of ${RUNS} runs each, interleaved`,
    line("deno eval 0 (floor)", m.floor),
    line(
      "wst guard --staged, 50 of 20,000 files",
      m.staged,
      verdict(m.staged / m.floor, 3, "floor"),
    ),
    line("git diff --name-status + cat-file --batch-check", m.baseline),
    line(
      "wst guard --head HEAD, 2,000-file change",
      m.commit,
      verdict(m.commit / m.baseline, 2, "git"),
    ),
    line(
      "wst guard, same change in the working tree",
      m.tree,
      `${(m.tree / m.baseline).toFixed(2)}x git (no target)`,
    ),
  ].join("\n"),
);
