// Fault injection: the real CLI migrating a few hundred projects is killed with SIGKILL at
// different moments; the next run must finish the job (or --rollback undo it) with every
// artifact's bytes present exactly once, and a rollback must restore the original tree.
//
// The kill times come from a seeded generator. The seed is in the test's name and in every
// failure message; to replay a run, give it back:
//
//   WST_FAULT_SEED=1234567 deno test --allow-all --unstable-worker-options tests/migrate_fault_test.ts
//
// A replay kills at the same moments after the CLI starts; how far the CLI got by then still
// depends on the machine's load, so a failure that depends on an exact step may need a few
// replays (or the crash-at-every-step property in tasks/migrate_projects_test.ts).
import { assert, assertEquals } from "./assert.ts";
import { workspace } from "./_cli.ts";
import { copiesOf, snapshot } from "./_tree_snapshot.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const PROJECTS = 200;

function cli(root: string, ...args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...RUNTIME_FLAGS,
      `${REPO_ROOT}/${ENTRY_POINT}`,
      "migrate-projects",
      "--root",
      root,
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
    // Without coverage: a process killed while writing its coverage file would leave it corrupt.
    clearEnv: true,
    env: { ...withoutCoverage(), NO_COLOR: "1" },
  }).spawn();
}

function withoutCoverage(): Record<string, string> {
  const { DENO_COVERAGE_DIR: _dir, ...env } = Deno.env.toObject();
  return env;
}

async function finish(root: string, ...args: string[]): Promise<void> {
  const out = await cli(root, ...args).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
}

async function killAfter(root: string, ms: number, ...args: string[]): Promise<void> {
  const child = cli(root, ...args);
  await new Promise((resolve) => setTimeout(resolve, ms));
  try {
    child.kill("SIGKILL");
  } catch {
    // it had already finished
  }
  await child.output();
}

async function buildTree(root: string, token: () => number): Promise<Uint8Array[]> {
  const artifacts: Uint8Array[] = [];
  const put = async (path: string) => {
    const bytes = new TextEncoder().encode(`${path}\n${token()}\n`);
    await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeFile(`${root}/${path}`, bytes);
    artifacts.push(bytes);
  };
  for (let i = 0; i < PROJECTS; i++) {
    if (i % 2 === 0) {
      for (const f of ["requirements.md", "design.md", "tasks.md", "assets/diagram.txt"]) {
        await put(`.kiro/specs/kiro-${i}/${f}`);
      }
    } else {
      const n = String(i).padStart(4, "0");
      for (const d of ["specs", "plans", "reviews"]) await put(`codev/${d}/${n}-codev-${i}.md`);
    }
  }
  await Deno.writeTextFile(`${root}/.gitignore`, "node_modules\n");
  return artifacts;
}

function assertExactlyOnce(tree: Record<string, string>, artifacts: Uint8Array[]): void {
  const counts = new Map<string, number>();
  for (const value of Object.values(tree)) counts.set(value, (counts.get(value) ?? 0) + 1);
  const lost = artifacts.filter((bytes) => copiesOf(counts, bytes) !== 1);
  assertEquals(
    lost.length,
    0,
    `${lost.length} artifact(s) not present exactly once, e.g. ${
      new TextDecoder().decode(lost[0] ?? new Uint8Array()).split("\n")[0]
    } (${lost[0] ? copiesOf(counts, lost[0]) : 0} copies)`,
  );
}

/** The seed of this run: `WST_FAULT_SEED` when set, else a fresh one. */
function faultSeed(): number {
  const given = Deno.env.get("WST_FAULT_SEED");
  if (given === undefined || given === "") return crypto.getRandomValues(new Uint32Array(1))[0]!;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(
      `Cannot use WST_FAULT_SEED "${given}": expected an integer from 0 to 4294967295`,
    );
  }
  return seed;
}

/** mulberry32: a small seeded generator of integers in [min, max). */
function seededInts(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return min + Math.floor(unit * (max - min));
  };
}

const seed = faultSeed();

Deno.test({
  name:
    `a migration killed at random moments is finished by the next run, and rolls back exactly (seed ${seed})`,
  // Kill times are drawn from the seed: they land before, during and after the migration.
  fn: async () => {
    const between = seededInts(seed);
    let step = "setting up";
    try {
      for (let round = 0; round < 3; round++) {
        const kill = between(60, 1260);
        const rollbackKill = between(60, 460);
        step = `round ${round} (kill at ${kill} ms, rollback killed at ${rollbackKill} ms)`;
        await using ws = await workspace({});
        const artifacts = await buildTree(ws.dir, () => between(0, 2 ** 32));
        const before = await snapshot(ws.dir);
        await killAfter(ws.dir, kill);
        // Whatever the kill interrupted, the tree never holds a second or a missing copy.
        assertExactlyOnce(await snapshot(ws.dir), artifacts);
        await finish(ws.dir);
        const migrated = await snapshot(ws.dir);
        assertExactlyOnce(migrated, artifacts);
        assert(
          !Object.keys(migrated).some((p) =>
            /^\.kiro\/specs\/[^/]+\/|^codev\/\w+\/\d{4}-[^/]*(?<!\.link)\.md$/.test(p)
          ),
          "a source was left behind",
        );
        // Kill a rollback too, then finish it: the original tree, byte for byte.
        await killAfter(ws.dir, rollbackKill, "--rollback");
        assertExactlyOnce(await snapshot(ws.dir), artifacts);
        await finish(ws.dir, "--rollback");
        assertEquals(await snapshot(ws.dir), before, "rollback is not exact");
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${step}: ${message}\nReplay with WST_FAULT_SEED=${seed}`, { cause: err });
    }
  },
});
