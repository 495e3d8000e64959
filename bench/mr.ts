// deno task bench (part 2): the merge-request targets (issue #3), each side by side with its
// baseline in one run, interleaved, printing the ratios against the targets:
// - discovery on ~2,000 components / ~60,000 files (node_modules included) vs `find` walking the
//   same tree and reading the matched files: target <= 1.3x. Printed against two baselines: find
//   over the whole tree, as the issue words it (the target's verdict), and a stricter one, find
//   pruning .git and node_modules as discovery does (ratio only, so that neither is hidden);
// - validate-kustomizations over 48 small kustomizations on this machine's cores, cold (no cache)
//   and warm (cache filled), vs a sequential shell loop over `kubectl kustomize`: targets <= 0.65x
//   and <= 0.1x.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { ensureTree } from "./_tree.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS_MR") ?? 5);
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

async function timed(cmd: string[], env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(cmd[0]!, {
    args: cmd.slice(1),
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const ms = performance.now() - started;
  if (!out.success) {
    throw new Error(`${cmd.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return ms;
}
const sh = (script: string) => ["bash", "-c", script];
const clearCache = () => Deno.remove(`${kDir}/.wst`, { recursive: true }).catch(() => {});

const samples: Record<string, number[]> = {
  findPruned: [],
  findAll: [],
  discover: [],
  loop: [],
  cold: [],
  warm: [],
};
for (let i = 0; i < RUNS + 1; i++) {
  const keep = i > 0; // the first round warms the file system cache and Deno's caches
  const record = (name: string, ms: number) => keep && samples[name]!.push(ms);
  record("findPruned", await timed(sh(findPruned)));
  record("findAll", await timed(sh(findAll)));
  record("discover", await timed([...wst, "discover-mr-targets", "--root", treeDir, "--json"]));
  record("loop", await timed(sh(loop)));
  await clearCache();
  record("cold", await timed([...wst, "validate-kustomizations", "--root", kDir]));
  record("warm", await timed([...wst, "validate-kustomizations", "--root", kDir]));
}
await Deno.remove(kDir, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const line = (name: string, ms: number, base?: number, target?: number) => {
  const ratio = base === undefined ? "" : `  ${(ms / base).toFixed(2)}x`;
  const verdict = target === undefined || base === undefined
    ? ""
    : ` (target <= ${target}x: ${ms / base <= target ? "met" : "NOT met"})`;
  return `${name.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms${ratio}${verdict}`;
};
// deno-lint-ignore no-console
console.log([
  `merge-request checks, median of ${RUNS} runs each, interleaved; ${navigator.hardwareConcurrency} cores`,
  `discovery tree: ${counts.components} components, ${counts.files} files`,
  line("find + cat, whole tree (baseline)", m.findAll!),
  line("find + cat, pruning .git/node_modules (stricter)", m.findPruned!),
  line("wst discover-mr-targets --json", m.discover!, m.findAll, 1.3),
  line("  ... against the stricter baseline", m.discover!, m.findPruned),
  `48 kustomizations`,
  line("sequential loop over kubectl kustomize (baseline)", m.loop!),
  line("wst validate-kustomizations, cold", m.cold!, m.loop, 0.65),
  line("wst validate-kustomizations, warm (cached)", m.warm!, m.loop, 0.1),
].join("\n"));
