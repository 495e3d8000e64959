// deno task bench: what namespaces (docs/adr/0014) cost. `wst list`, warm
// (registry cache current), on a tree of 100 local tasks in 10 namespace
// folders, then on the same tree with 2,000 more folders to walk, each side by
// side with `deno eval 0` (the runtime's floor) in one run, interleaved so
// that machine noise hits all alike; and the folder walk alone
// (`discoverNamespaces`, in-process) against `find` on the larger tree.
// Prints medians and ratios.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { discoverNamespaces } from "../lib/registry/_namespaces.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS") ?? 20);
const WARMUP = 3;

const base = await Deno.makeTempDir({ prefix: "wst-bench-ns-" });
const cacheDir = `${base}/cache`;

async function tree(root: string, extraFolders: number): Promise<void> {
  await Deno.mkdir(`${root}/.git`, { recursive: true });
  await Deno.writeTextFile(`${root}/.gitignore`, "dist/\nnode_modules/\n");
  for (let f = 0; f < 10; f++) {
    const dir = `${root}/services/s${f}/.wst/tasks`;
    await Deno.mkdir(dir, { recursive: true });
    for (let t = 0; t < 10; t++) {
      await Deno.writeTextFile(
        `${dir}/t${t}.ts`,
        `export default { name: "test:t${t}", description: "Task ${t}", permissions: {}, ` +
          `run: () => ${t} };\n`,
      );
    }
  }
  for (let i = 0; i < extraFolders; i++) {
    await Deno.mkdir(`${root}/src/m${i % 40}/p${Math.floor(i / 40)}`, { recursive: true });
  }
}

const small = `${base}/small`;
const large = `${base}/large`;
await tree(small, 0);
await tree(large, 2_000);

const wst = ["run", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`];
const env = { NO_COLOR: "1", WST_CACHE_DIR: cacheDir };
const cases = {
  floor: ["eval", "0"],
  listSmall: [...wst, "list", "--root", small],
  listLarge: [...wst, "list", "--root", large],
} as const;
type Case = keyof typeof cases;

async function once(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times: Record<Case, number[]> = { floor: [], listSmall: [], listLarge: [] };
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const name of Object.keys(cases) as Case[]) {
    const t = await once(cases[name]);
    if (i >= WARMUP) times[name].push(t);
  }
}

const walk: number[] = [];
const find: number[] = [];
for (let i = 0; i < WARMUP + RUNS; i++) {
  let started = performance.now();
  await discoverNamespaces(large);
  if (i >= WARMUP) walk.push(performance.now() - started);
  started = performance.now();
  await new Deno.Command("find", {
    args: [large, "-name", "node_modules", "-prune", "-o", "-name", ".wst", "-print"],
    stdout: "null",
  }).output();
  if (i >= WARMUP) find.push(performance.now() - started);
}

const floor = median(times.floor);
const out: string[] = [`namespaces (median of ${RUNS} runs)`];
const line = (label: string, ms: number, against: number, what: string) =>
  out.push(
    `${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / against).toFixed(2)}x ${what}`,
  );
line("deno eval 0", floor, floor, "the floor");
line("wst list, 100 tasks in 10 namespaces, warm", median(times.listSmall), floor, "the floor");
line("the same with 2,000 more folders", median(times.listLarge), floor, "the floor");
line("folder walk alone (2,000+ folders)", median(walk), median(find), "find");
// deno-lint-ignore no-console
console.log(out.join("\n"));
await Deno.remove(base, { recursive: true });
