// Fault injection: the real CLI migrating a few hundred projects is killed with SIGKILL at
// different moments; the next run must finish the job (or --rollback undo it) with every
// artifact's bytes present exactly once, and a rollback must restore the original tree.
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

async function buildTree(root: string): Promise<Uint8Array[]> {
  const artifacts: Uint8Array[] = [];
  const put = async (path: string) => {
    const bytes = new TextEncoder().encode(`${path}\n${crypto.randomUUID()}\n`);
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

Deno.test({
  name: "a migration killed at random moments is finished by the next run, and rolls back exactly",
  // Kill times are drawn at random: they land before, during and after the migration.
  fn: async () => {
    for (let round = 0; round < 3; round++) {
      await using ws = await workspace({});
      const artifacts = await buildTree(ws.dir);
      const before = await snapshot(ws.dir);
      const kill = 60 + Math.floor(Math.random() * 1200);
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
        `round ${round} (kill at ${kill} ms): a source was left behind`,
      );
      // Kill a rollback too, then finish it: the original tree, byte for byte.
      await killAfter(ws.dir, 60 + Math.floor(Math.random() * 400), "--rollback");
      assertExactlyOnce(await snapshot(ws.dir), artifacts);
      await finish(ws.dir, "--rollback");
      assertEquals(await snapshot(ws.dir), before, `round ${round}: rollback is not exact`);
    }
  },
});
