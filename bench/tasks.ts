// deno task bench: local tasks side by side with `deno task` and `just`
// (issue #14, part 8). One run, interleaved so that machine noise hits all
// alike; ratios against `deno eval 0` measured in the same run.
//
// - the same hello-world recipe (`echo hello`) run by `deno task hello`,
//   `just hello` (the pinned binary of tools/just, installed by scripts/just.sh)
//   and `wst hello` (a local task module; confined by bubblewrap where it works,
//   docs/adr/0009, and with `--confine off`);
// - `wst list` on 100 local tasks (bench/_tasks_tree.ts), all in the root's
//   `.wst/tasks/` ("flat") and 10 in each of 10 folders ("folders": listed only
//   where wst discovers namespaces; the row says how many tasks it listed),
//   warm (registry cache, docs/adr/0010) and cold (no registry cache; Deno's own
//   code cache stays warm);
// - the peak RSS of each: every process of the run's tree is sampled (VmHWM in
//   /proc, every millisecond) and their peaks summed (Deno workers are threads,
//   so one process holds them all); "n/a" where /proc is not there.
//
// Targets (issue #14): warm `wst list` of 100 tasks ≤ 2x the floor and ≤ 100 MiB;
// `wst <local task>` ≤ 2.5x the floor.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { TASKS_SHAPE, writeTasksTree } from "./_tasks_tree.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS") ?? 15);
const WARMUP = 2;
const MEMORY_RUNS = 3;

const justBinary = await (async () => {
  const out = await new Deno.Command("sh", {
    args: [`${REPO_ROOT}/scripts/just.sh`, "--print-binary"],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("scripts/just.sh could not install just (tools/just)");
  return new TextDecoder().decode(out.stdout).trim();
})();

const dir = await Deno.makeTempDir({ prefix: "wst-bench-tasks-" });
const flat = `${dir}/flat`;
const folders = `${dir}/folders`;
await writeTasksTree(flat, "flat");
await writeTasksTree(folders, "folders");
const env = { NO_COLOR: "1", XDG_STATE_HOME: `${dir}/state` };

const wst = [Deno.execPath(), "run", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`];
interface Case {
  label: string;
  argv: string[];
  cwd?: string;
  /** Removes the registry cache first. */
  cold?: boolean;
  /** The issue's budget, as a ratio of the floor. */
  target?: number;
  /** The target on peak RSS, in MiB. */
  memoryTarget?: number;
}
const cases: Case[] = [
  { label: "deno eval 0 (floor)", argv: [Deno.execPath(), "eval", "0"] },
  { label: "deno task hello", argv: [Deno.execPath(), "task", "-q", "hello"], cwd: flat },
  { label: "just hello", argv: [justBinary, "hello"], cwd: flat },
  { label: "wst hello (local task)", argv: [...wst, "hello", "--root", flat], target: 2.5 },
  {
    label: "wst hello, --confine off",
    argv: [...wst, "hello", "--root", flat, "--confine", "off"],
    target: 2.5,
  },
  {
    label: `wst list, ${TASKS_SHAPE.tasks} tasks, 1 folder, warm`,
    argv: [...wst, "list", "--root", flat],
    target: 2,
    memoryTarget: 100,
  },
  {
    label: `wst list, ${TASKS_SHAPE.tasks} tasks, 1 folder, cold`,
    argv: [...wst, "list", "--root", flat],
    cold: true,
  },
  {
    label: `wst list, ${TASKS_SHAPE.folders} folders, warm`,
    argv: [...wst, "list", "--root", folders],
    target: 2,
    memoryTarget: 100,
  },
  {
    label: `wst list, ${TASKS_SHAPE.folders} folders, cold`,
    argv: [...wst, "list", "--root", folders],
    cold: true,
  },
];

async function once(
  c: Case,
  k: number,
  sampleMemory: boolean,
): Promise<{ ms: number; kib?: number }> {
  // Each case has a registry cache of its own: a cold case removes its own before each run.
  const cacheDir = `${dir}/cache-${k}`;
  if (c.cold) await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
  const started = performance.now();
  const child = new Deno.Command(c.argv[0]!, {
    args: c.argv.slice(1),
    ...(c.cwd === undefined ? {} : { cwd: c.cwd }),
    stdout: "null",
    stderr: "null",
    env: { ...env, WST_CACHE_DIR: cacheDir },
  }).spawn();
  const peaks = new Map<number, number>();
  let done = false;
  const sampling = sampleMemory ? sampleTree(child.pid, peaks, () => done) : undefined;
  const status = await child.status;
  const ms = performance.now() - started;
  done = true;
  await sampling;
  if (!status.success) throw new Error(`${c.argv.join(" ")} exited with ${status.code}`);
  if (!sampleMemory || peaks.size === 0) return { ms };
  return { ms, kib: [...peaks.values()].reduce((a, b) => a + b, 0) };
}

/** Polls the VmHWM of `pid` and its descendants until `stop()`, keeping each process's last. */
async function sampleTree(pid: number, peaks: Map<number, number>, stop: () => boolean) {
  const visit = (p: number) => {
    try {
      const status = Deno.readTextFileSync(`/proc/${p}/status`);
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
      if (hwm) peaks.set(p, Number(hwm[1]));
      const children = Deno.readTextFileSync(`/proc/${p}/task/${p}/children`).trim();
      for (const c of children === "" ? [] : children.split(" ")) visit(Number(c));
    } catch {
      // gone, or no /proc
    }
  };
  while (!stop()) {
    visit(pid);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// How many tasks each listing sees: the folders tree lists its 100 only with namespaces.
const listed = async (root: string) => {
  const out = await new Deno.Command(wst[0]!, {
    args: [...wst.slice(1), "list", "--root", root, "--json"],
    env: { ...env, WST_CACHE_DIR: `${dir}/cache-count` },
    stderr: "null",
  }).output();
  const value = JSON.parse(new TextDecoder().decode(out.stdout));
  return {
    local: (value.tasks as { source: string }[]).filter((t) => t.source === "local").length,
    problems: (value.problems as unknown[]).length,
  };
};
const counts = { flat: await listed(flat), folders: await listed(folders) };

const samples: number[][] = cases.map(() => []);
const memory: (number | undefined)[] = cases.map(() => undefined);
for (let i = 0; i < WARMUP + RUNS + MEMORY_RUNS; i++) {
  const sampleMemory = i >= WARMUP + RUNS;
  for (const [k, c] of cases.entries()) {
    const { ms, kib } = await once(c, k, sampleMemory);
    if (i >= WARMUP && !sampleMemory) samples[k]!.push(ms);
    if (kib !== undefined) memory[k] = Math.max(memory[k] ?? 0, kib);
  }
}
await Deno.remove(dir, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floor = median(samples[0]!);
const out = [
  `local tasks vs deno task and just, median of ${RUNS} runs each, interleaved; ` +
  `peak RSS: the largest of ${MEMORY_RUNS} runs (all the run's processes)`,
  `listed: 1 folder ${counts.flat.local} local tasks (${counts.flat.problems} problems), ` +
  `${TASKS_SHAPE.folders} folders ${counts.folders.local} local tasks ` +
  `(${counts.folders.problems} problems)` +
  (counts.folders.local < TASKS_SHAPE.tasks
    ? ": this wst does not list namespaced folders yet, so that row measures the root's alone"
    : ""),
];
for (const [k, c] of cases.entries()) {
  const ms = median(samples[k]!);
  const ratio = ms / floor;
  const mib = memory[k] === undefined ? undefined : memory[k]! / 1024;
  const time = k === 0
    ? ""
    : `${ratio.toFixed(2)}x floor${
      c.target === undefined ? "" : ` (≤ ${c.target}x: ${ratio <= c.target ? "met" : "NOT met"})`
    }`;
  const rss = mib === undefined
    ? "n/a"
    : `${mib.toFixed(0)} MiB${
      c.memoryTarget === undefined
        ? ""
        : ` (≤ ${c.memoryTarget}: ${mib <= c.memoryTarget ? "met" : "NOT met"})`
    }`;
  out.push(
    `${c.label.padEnd(38)} ${ms.toFixed(1).padStart(8)} ms  ${time.padEnd(30)}  ${rss}`,
  );
}
// deno-lint-ignore no-console
console.log(out.join("\n"));
