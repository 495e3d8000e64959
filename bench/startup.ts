// deno task bench: start-up of `wst list` and of a sandboxed `validate-config`,
// each measured side by side with `deno eval 0` (the runtime's own floor) in
// one run, interleaved so that machine noise hits all alike. Prints the
// median wall time of each and the ratios against the targets (issue #2):
// list within 1.5x of the floor, a sandboxed task within 2.5x; the same task
// confined by bubblewrap (docs/adr/0009) within 3x, when bubblewrap works here.
// `wst list` in a folder with 20 local tasks is measured cold (no registry
// cache: a child process describes them, docs/adr/0010) and warm (from the cache).
// A local task that needs no approval runs unconfined and confined: issue #14
// asks for it to start as fast as a built-in, within 2.5x of the floor.
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { AI_GATEWAY_YAML, WORKSPACES_YAML } from "../tests/fixtures.ts";
import { bwrapArgs, confineSupport } from "../lib/sandbox/confine.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS") ?? 30);
const WARMUP = 3;

const root = await Deno.makeTempDir({ prefix: "wst-bench-" });
await Deno.writeTextFile(`${root}/workspaces.yaml`, WORKSPACES_YAML);
await Deno.writeTextFile(`${root}/ai-gateway.yaml`, AI_GATEWAY_YAML);

// The least any sandbox can cost: one worker with no permissions answering once.
const workerFloor = `${root}/worker_floor.ts`;
await Deno.writeTextFile(`${root}/echo.ts`, "self.postMessage(0);\n");
await Deno.writeTextFile(
  workerFloor,
  `const w = new Worker(new URL("./echo.ts", import.meta.url), ` +
    `{ type: "module", deno: { permissions: "none" } });\n` +
    `w.onmessage = () => w.terminate();\n`,
);

// The least any confined run can cost: one Deno that starts bubblewrap, with the mounts of a task
// that declares reading one file, around a second Deno running that empty module (two starts, in a
// row, and no wst code).
const confinedFloor = `${root}/confined_floor.ts`;
const bwrap = confineSupport().bwrap;
if (bwrap !== undefined) {
  await Deno.mkdir(`${root}/socket`);
  await Deno.writeTextFile(`${root}/empty.js`, "\n");
  const args = bwrapArgs({
    root,
    permissions: { read: ["empty.js"] },
    read: [`${root}/empty.js`],
    write: [],
    binaries: {},
    env: { PATH: Deno.env.get("PATH") ?? "" },
    moduleDirs: [],
    socketDir: `${root}/socket`,
  });
  const command = [bwrap, ...args, "--", Deno.execPath(), "run", "--quiet", `${root}/empty.js`];
  await Deno.writeTextFile(
    confinedFloor,
    `const [bwrap, ...args] = ${JSON.stringify(command)};\n` +
      `const out = await new Deno.Command(bwrap, { args, clearEnv: true, env: {}, ` +
      `stdin: "null", stdout: "null", stderr: "null" }).output();\n` +
      `if (!out.success) Deno.exit(out.code);\n`,
  );
}

// A local task that reaches beyond its root (env: HOME), approved in a trust file of the bench's
// own, against the same task run with --trust: the ratio is what the trust check costs a run.
// Its own root: a local task in the first would make `wst list` describe it.
const local = `${root}/local`;
const state = `${root}/state`;
await Deno.mkdir(`${local}/.wst/tasks`, { recursive: true });
await Deno.writeTextFile(
  `${local}/.wst/tasks/home.ts`,
  `import { defineTask } from "@wst/wst";\nexport default defineTask({ name: "home", ` +
    `description: "Reads HOME", permissions: { env: ["HOME"] }, run: () => Deno.env.get("HOME") });\n`,
);
// A local task that reaches nothing beyond its root (no approval), as small as a task gets.
await Deno.writeTextFile(
  `${local}/.wst/tasks/hello.ts`,
  `import { defineTask } from "@wst/wst";\nexport default defineTask({ name: "hello", ` +
    `description: "Says hello", permissions: {}, run: () => "hello" });\n`,
);

// A workspace with 20 local tasks, and the registry cache of its own.
const localRoot = `${root}/many`;
const cacheDir = `${root}/cache`;
// The 20 tasks' own registry cache, removed before each cold run: removing the shared one made
// every local task run after it describe its task afresh (~0.5 s), not what a run costs.
const manyCacheDir = `${root}/cache-many`;
await Deno.mkdir(`${localRoot}/.wst/tasks`, { recursive: true });
for (let i = 0; i < 20; i++) {
  await Deno.writeTextFile(
    `${localRoot}/.wst/tasks/task_${i}.ts`,
    `import { defineTask } from "@wst/wst";\nimport { z } from "zod";\n` +
      `export default defineTask({ name: "task-${i}", description: "Local task ${i}", ` +
      `args: z.object({ count: z.number().default(${i}) }), permissions: {}, run: () => ${i} });\n`,
  );
}

const wst = ["run", ...RUNTIME_FLAGS, `${REPO_ROOT}/${ENTRY_POINT}`];
const env = { NO_COLOR: "1", XDG_STATE_HOME: state };
const approve = await new Deno.Command(Deno.execPath(), {
  args: [...wst, "trust", "home", "--root", local],
  env,
}).output();
if (!approve.success) throw new Error(new TextDecoder().decode(approve.stderr));
const cases = {
  floor: ["eval", "0"],
  worker: ["run", ...RUNTIME_FLAGS, workerFloor],
  confinedFloor: ["run", "--allow-all", confinedFloor],
  list: [...wst, "list", "--root", root],
  sandboxed: [...wst, "validate-config", "--root", root, "--confine", "off"],
  confined: [...wst, "validate-config", "--root", root, "--confine", "require"],
  localSandboxed: [...wst, "hello", "--root", local, "--confine", "off"],
  localConfined: [...wst, "hello", "--root", local, "--confine", "require"],
  localTrusted: [...wst, "home", "--root", local, "--trust"],
  localApproved: [...wst, "home", "--root", local],
  localCold: [...wst, "list", "--root", localRoot],
  localWarm: [...wst, "list", "--root", localRoot],
} as const;
type Case = keyof typeof cases;
const confinable = confineSupport().bwrap !== undefined;
const confinedCases: readonly Case[] = ["confinedFloor", "confined", "localConfined"];
const measured = (Object.keys(cases) as Case[]).filter((c) =>
  confinable || !confinedCases.includes(c)
);

async function once(args: readonly string[], cache: string): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    stdout: "null",
    stderr: "null",
    env: { ...env, WST_CACHE_DIR: cache },
  }).output();
  const elapsed = performance.now() - started;
  if (!out.success) throw new Error(`deno ${args.join(" ")} exited with ${out.code}`);
  return elapsed;
}

const samples: Record<Case, number[]> = {
  floor: [],
  worker: [],
  confinedFloor: [],
  list: [],
  sandboxed: [],
  confined: [],
  localSandboxed: [],
  localConfined: [],
  localTrusted: [],
  localApproved: [],
  localCold: [],
  localWarm: [],
};
for (let i = 0; i < WARMUP + RUNS; i++) {
  for (const name of measured) {
    // Cold: no registry cache (the warm case that follows writes it back).
    if (name === "localCold") {
      await Deno.remove(manyCacheDir, { recursive: true }).catch(() => {});
    }
    const many = name === "localCold" || name === "localWarm";
    const ms = await once(cases[name], many ? manyCacheDir : cacheDir);
    if (i >= WARMUP) samples[name].push(ms);
  }
}
await Deno.remove(root, { recursive: true });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const floor = median(samples.floor);
const rows: Array<[string, number, number | undefined]> = [
  ["deno eval 0 (floor)", floor, undefined],
  ["one empty worker (no target)", median(samples.worker), undefined],
  ...(confinable
    ? [["two Deno starts + bwrap (no target)", median(samples.confinedFloor), undefined] as [
      string,
      number,
      undefined,
    ]]
    : []),
  ["wst list", median(samples.list), 1.5],
  ["wst validate-config (sandboxed)", median(samples.sandboxed), 2.5],
  ...(confinable
    ? [["wst validate-config (confined)", median(samples.confined), 3] as [string, number, number]]
    : []),
  ["wst <local task> (sandboxed)", median(samples.localSandboxed), 2.5],
  ...(confinable
    ? [["wst <local task> (confined)", median(samples.localConfined), 2.5] as [
      string,
      number,
      number,
    ]]
    : []),
  ["wst list, 20 local tasks, no cache", median(samples.localCold), undefined],
  ["wst list, 20 local tasks, cached", median(samples.localWarm), 1.5],
];
const out: string[] = [`start-up, median of ${RUNS} runs each, interleaved`];
for (const [name, ms, target] of rows) {
  const ratio = ms / floor;
  const verdict = target === undefined
    ? name === rows[0]![0] ? "" : `  ${ratio.toFixed(2)}x floor`
    : `  ${ratio.toFixed(2)}x floor (target ≤ ${target}x: ${ratio <= target ? "met" : "NOT met"})`;
  out.push(`${name.padEnd(34)} ${ms.toFixed(1).padStart(7)} ms${verdict}`);
}
const trusted = median(samples.localTrusted);
const approved = median(samples.localApproved);
out.push(
  `${"local task, --trust (no check)".padEnd(34)} ${trusted.toFixed(1).padStart(7)} ms`,
  `${"local task, approved (trust.json)".padEnd(34)} ${approved.toFixed(1).padStart(7)} ms  ${
    (approved / trusted).toFixed(2)
  }x --trust (the trust check's cost)`,
);
// deno-lint-ignore no-console
console.log(out.join("\n"));
