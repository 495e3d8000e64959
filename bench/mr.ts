// deno task bench (part 2): the merge-request targets (issues #3, #12), each side by side with its
// baseline in one run, interleaved, printing the ratios against the targets:
// - discovery on ~2,000 components / ~60,000 files (node_modules included) vs a shell script
//   doing the same job: `find` the Taskfiles and kustomizations, `cat` them. Target <= 1.3x, judged
//   against two such scripts so that neither is hidden: find over the whole tree, as issue #3
//   words it, and find pruning .git and node_modules as discovery does (stricter: it reads only
//   what discovery reads);
// - validate-kustomizations over 48 small kustomizations on this machine's cores, cold (no cache)
//   and warm (cache filled), vs a sequential shell loop over `kubectl kustomize`: targets <= 0.65x
//   and <= 0.1x.
// Each command runs under bash, whose `times` gives the CPU time (user + system) of the command
// and its children: on a shared machine wall time follows the load, CPU time much less.
// WST_BENCH_RUNS_MR sets the runs (5); WST_BENCH_MR=discovery (or validation) runs one part.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { ensureTree } from "./_tree.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS_MR") ?? 5);
const PARTS = (Deno.env.get("WST_BENCH_MR") ?? "discovery,validation").split(",");
const discovery = PARTS.includes("discovery");
const validation = PARTS.includes("validation");
const wst = [Deno.execPath(), "run", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`];
const treeDir = `${REPO_ROOT}/.bench/tree`;
const counts = await ensureTree(treeDir);

const NAMES = "-name Taskfile.yml -o -name Taskfile.yaml -o -name kustomization.yaml " +
  "-o -name kustomization.yml -o -name Kustomization";
const findPruned = `find '${treeDir}' \\( -name .git -o -name node_modules \\) -prune -o ` +
  `\\( ${NAMES} \\) -type f -print0 | xargs -0 cat > /dev/null`;
const findAll = `find '${treeDir}' \\( ${NAMES} \\) -type f -print0 | xargs -0 cat > /dev/null`;

// 48 small kustomizations: 24 bases with two manifests, 24 overlays on them.
const kDir = await Deno.makeTempDir({ prefix: "wst-bench-k-" });
const kPaths: string[] = [];
for (let i = 0; i < 24; i++) {
  const base = `${kDir}/apps/app-${i}/base`;
  const overlay = `${kDir}/apps/app-${i}/overlay`;
  await Deno.mkdir(base, { recursive: true });
  await Deno.mkdir(overlay, { recursive: true });
  await Deno.writeTextFile(`${base}/kustomization.yaml`, "resources:\n  - cm.yaml\n  - svc.yaml\n");
  await Deno.writeTextFile(
    `${base}/cm.yaml`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${i}\ndata:\n  k: v\n`,
  );
  await Deno.writeTextFile(
    `${base}/svc.yaml`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\nspec:\n  ports:\n  - port: 80\n`,
  );
  await Deno.writeTextFile(
    `${overlay}/kustomization.yaml`,
    "resources:\n  - ../base\nnamePrefix: prod-\nlabels:\n  - pairs:\n      env: prod\n",
  );
  kPaths.push(base, overlay);
}
const loop = `for d in ${
  kPaths.map((p) => `'${p}'`).join(" ")
}; do kubectl kustomize "$d" > /dev/null || exit 1; done`;

/** Wall time and CPU time (user + system, the command and its children), in milliseconds. */
interface Sample {
  wall: number;
  cpu: number;
}

// Runs "$@" (or a script), then bash's `times`: its second line is the children's user and
// system time.
const TIMES = 'rc=$?; times >&2; exit "$rc"';

async function timed(cmd: string[], env: Record<string, string> = {}): Promise<Sample> {
  const started = performance.now();
  const out = await new Deno.Command("bash", {
    args: ["-c", `"$@" > /dev/null; ${TIMES}`, "bench", ...cmd],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const wall = performance.now() - started;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd.join(" ")} failed:\n${stderr}`);
  const children = stderr.trimEnd().split("\n").at(-1) ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => +m[1]! * 60 + +m[2]!);
  if (seconds.length !== 2) throw new Error(`Cannot read bash's times from:\n${stderr}`);
  return { wall, cpu: (seconds[0]! + seconds[1]!) * 1000 };
}
const sh = (script: string) => ["bash", "-c", script];
// Discovery of an empty folder: what wst costs before it walks (start-up, worker, output).
const emptyDir = await Deno.makeTempDir({ prefix: "wst-bench-empty-" });
const clearCache = () => Deno.remove(`${kDir}/.wst`, { recursive: true }).catch(() => {});

const samples: Record<string, Sample[]> = {};
for (let i = 0; i < RUNS + 1; i++) {
  const keep = i > 0; // the first round warms the file system cache and Deno's caches
  const record = (name: string, sample: Sample) => keep && (samples[name] ??= []).push(sample);
  if (discovery) {
    record("findAll", await timed(sh(findAll)));
    record("findPruned", await timed(sh(findPruned)));
    record("discover", await timed([...wst, "discover-mr-targets", "--root", treeDir, "--json"]));
    record("empty", await timed([...wst, "discover-mr-targets", "--root", emptyDir, "--json"]));
  }
  if (validation) {
    record("loop", await timed(sh(loop)));
    await clearCache();
    record("cold", await timed([...wst, "validate-kustomizations", "--root", kDir]));
    record("warm", await timed([...wst, "validate-kustomizations", "--root", kDir]));
  }
}
await Deno.remove(kDir, { recursive: true });
await Deno.remove(emptyDir, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = Object.fromEntries(
  Object.entries(samples).map(([k, v]) => [k, {
    wall: median(v.map((s) => s.wall)),
    cpu: median(v.map((s) => s.cpu)),
  }]),
);
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;
const line = (name: string, s: Sample, base?: Sample, target?: number) => {
  const times = `${ms(s.wall)} wall ${ms(s.cpu)} cpu`;
  if (base === undefined) return `${name.padEnd(52)} ${times}`;
  const ratio = s.wall / base.wall;
  const verdict = target === undefined
    ? ""
    : ` (target <= ${target}x: ${ratio <= target ? "met" : "NOT met"})`;
  return `${name.padEnd(52)} ${times}  ${ratio.toFixed(2)}x wall, ${
    (s.cpu / base.cpu).toFixed(2)
  }x cpu${verdict}`;
};
const out = [
  `merge-request checks, median of ${RUNS} runs each, interleaved; ${navigator.hardwareConcurrency} cores`,
];
if (discovery) {
  out.push(
    `discovery tree: ${counts.components} components, ${counts.files} files`,
    line("find + cat, whole tree (baseline)", m.findAll!),
    line("find + cat, pruning .git/node_modules (stricter)", m.findPruned!),
    line("wst discover-mr-targets --json", m.discover!, m.findAll, 1.3),
    line("  ... against the stricter baseline", m.discover!, m.findPruned, 1.3),
    line("  wst discover-mr-targets on an empty folder", m.empty!),
  );
}
if (validation) {
  out.push(
    `48 kustomizations`,
    line("sequential loop over kubectl kustomize (baseline)", m.loop!),
    line("wst validate-kustomizations, cold", m.cold!, m.loop, 0.65),
    line("wst validate-kustomizations, warm (cached)", m.warm!, m.loop, 0.1),
  );
}
// deno-lint-ignore no-console
console.log(out.join("\n"));
