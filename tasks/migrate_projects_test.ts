import $ from "dax";
import fc from "fast-check";
import { assertEquals, assertMatch, rejection } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { copiesOf, snapshot } from "../tests/_tree_snapshot.ts";
import { ConfigError } from "../lib/errors/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import migrate from "./migrate_projects.ts";

/** A random workspace of Kiro and Codev projects; every file's bytes are unique. */
const treeArb = fc.record({
  names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/), { minLength: 1, maxLength: 6 }),
  kinds: fc.array(fc.constantFrom("kiro", "codev"), { minLength: 6, maxLength: 6 }),
  files: fc.uniqueArray(
    fc.record({
      path: fc.constantFrom("requirements.md", "design.md", "tasks.md", "notes/a.txt", "img/x.bin"),
      bytes: fc.uint8Array({ maxLength: 64 }),
    }),
    { minLength: 1, maxLength: 4, selector: (f) => f.path },
  ),
  codev: fc.array(fc.constantFrom("spec.md", "plan.md", "review.md"), {
    minLength: 1,
    maxLength: 3,
  }),
  gitignore: fc.option(fc.constantFrom("", "node_modules\n", "dist"), { nil: undefined }),
});

type Tree = typeof treeArb extends fc.Arbitrary<infer T> ? T : never;

/** Writes the tree; returns the bytes of every artifact (each unique: it embeds its own path). */
async function writeTree(root: string, tree: Tree): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  const put = async (path: string, bytes: Uint8Array) => {
    const unique = new Uint8Array([...new TextEncoder().encode(`${path}\n`), ...bytes]);
    await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeFile(`${root}/${path}`, unique);
    all.push(unique);
  };
  for (const [i, name] of tree.names.entries()) {
    if (tree.kinds[i] === "kiro") {
      for (const file of tree.files) await put(`.kiro/specs/${name}/${file.path}`, file.bytes);
    } else {
      const number = String(i + 1).padStart(4, "0");
      const dirs = { "spec.md": "specs", "plan.md": "plans", "review.md": "reviews" } as const;
      for (const artifact of new Set(tree.codev)) {
        await put(`codev/${dirs[artifact]}/${number}-${name}.md`, tree.files[0]!.bytes);
      }
    }
  }
  if (tree.gitignore !== undefined) await Deno.writeTextFile(`${root}/.gitignore`, tree.gitignore);
  return all;
}

const run = (root: string, args: Record<string, unknown> = {}) =>
  runTask(migrate, args, { root, $ });

Deno.test("migrate then rollback is the identity; migrating twice equals once; every artifact's bytes exist exactly once", async () => {
  await fc.assert(
    fc.asyncProperty(treeArb, async (tree) => {
      await using ws = await workspace({});
      const artifacts = await writeTree(ws.dir, tree);
      const before = await snapshot(ws.dir);

      await run(ws.dir);
      const once = await snapshot(ws.dir);
      for (const bytes of artifacts) assertEquals(copiesOf(once, bytes), 1);
      for (const path of Object.keys(once)) {
        assertEquals(/^\.kiro\/specs\/[^/]+\//.test(path), false, `left behind: ${path}`);
      }

      const second = await run(ws.dir);
      assertEquals(second.value.action, "nothing-to-do");
      assertEquals(await snapshot(ws.dir), once);

      await run(ws.dir, { rollback: true });
      assertEquals(await snapshot(ws.dir), before);
    }),
    { numRuns: 25 },
  );
});

Deno.test("--dry-run changes nothing and lists every step", async () => {
  await using ws = await workspace({
    ".kiro/specs/auth/requirements.md": "# R\n",
    "codev/specs/0002-xml.md": "# S\n",
  });
  const before = await snapshot(ws.dir);
  const { value } = await run(ws.dir, { dryRun: true });
  assertEquals(value.action, "planned");
  assertEquals(value.steps.filter((s) => s.op === "move").map((s) => [s.from, s.to]), [
    [".kiro/specs/auth/requirements.md", ".ai/projects/auth/requirements.md"],
    ["codev/specs/0002-xml.md", ".ai/projects/xml/spec.md"],
  ]);
  assertEquals(await snapshot(ws.dir), before);
});

Deno.test("conflicts stop the migration before anything moves, each one named", async () => {
  await using ws = await workspace({
    ".kiro/specs/both/requirements.md": "# kiro\n",
    "codev/specs/0001-both.md": "# codev\n",
    ".kiro/specs/Bad Name/requirements.md": "# bad\n",
    ".kiro/specs/taken/design.md": "# mine\n",
    ".ai/projects/taken/design.md": "# someone else's\n",
  });
  await Deno.symlink("/tmp", `${ws.dir}/.kiro/specs/elsewhere`);
  const before = await snapshot(ws.dir);
  const err = await rejection(() => run(ws.dir), ConfigError);
  const messages = err.issues.map((i) => i.message).join("\n");
  assertMatch(
    messages,
    /\.kiro\/specs\/elsewhere is a symlink to "\/tmp" where a project folder is expected/,
  );
  assertMatch(messages, /Project "both" exists in both formats/);
  assertMatch(messages, /Cannot migrate "Bad Name"/);
  assertMatch(messages, /\.ai\/projects\/taken\/design\.md already exists with different content/);
  assertEquals(await snapshot(ws.dir), before);
});

Deno.test("an interrupted migration (journal says migrating) is finished by the next run", async () => {
  await using ws = await workspace({
    ".kiro/specs/auth/requirements.md": "# R\n",
    ".kiro/specs/auth/design.md": "# D\n",
  });
  const plan = await run(ws.dir, { dryRun: true });
  assertEquals(plan.value.action, "planned");
  // Simulate a kill after the journal and the first move: do them by hand.
  await run(ws.dir);
  await run(ws.dir, { rollback: true });
  const before = await snapshot(ws.dir);
  await run(ws.dir);
  const journalPath = `${ws.dir}/.wst/migrate-projects.journal.json`;
  const journal = JSON.parse(await Deno.readTextFile(journalPath));
  journal.runs[0].state = "migrating";
  await Deno.writeTextFile(journalPath, JSON.stringify(journal));
  // Undo the last steps as if the process had died halfway: the symlink and metadata are missing.
  await Deno.remove(`${ws.dir}/.kiro/specs/auth`);
  await Deno.remove(`${ws.dir}/.ai/projects/auth/metadata.json`);
  const resumed = await run(ws.dir);
  assertEquals([resumed.value.action, resumed.value.resumed], ["migrated", true]);
  assertEquals(await Deno.readLink(`${ws.dir}/.kiro/specs/auth`), "../../.ai/projects/auth");
  await run(ws.dir, { rollback: true });
  assertEquals(await snapshot(ws.dir), before);
});

Deno.test("a migration stopped after any step k is finished by the next run, and a rollback stopped after any step undoes exactly", async () => {
  const { applyStep, planMigration, undoStep, writeJournal } = await import(
    "../lib/projects/mod.ts"
  );
  await fc.assert(
    fc.asyncProperty(treeArb, fc.nat(), fc.nat(), async (tree, kSeed, jSeed) => {
      await using ws = await workspace({});
      const artifacts = await writeTree(ws.dir, tree);
      const before = await snapshot(ws.dir);
      const plan = await planMigration(ws.dir);
      const k = kSeed % (plan.steps.length + 1);
      // What a process killed right after step k leaves behind: the journal and k steps done.
      await writeJournal(ws.dir, {
        version: 1,
        createdWstDir: true,
        runs: [{ state: "migrating", startedAt: "2026-01-01T00:00:00Z", steps: plan.steps }],
      });
      for (const step of plan.steps.slice(0, k)) await applyStep(ws.dir, step, $);
      const resumed = await run(ws.dir);
      assertEquals(resumed.value.resumed, true);
      const migrated = await snapshot(ws.dir);
      for (const bytes of artifacts) assertEquals(copiesOf(migrated, bytes), 1);

      // A rollback killed after undoing j steps, then run again.
      const reversed = [...plan.steps].reverse();
      const j = jSeed % (reversed.length + 1);
      const journalPath = `${ws.dir}/.wst/migrate-projects.journal.json`;
      const journal = JSON.parse(await Deno.readTextFile(journalPath));
      journal.runs[0].state = "rolling-back";
      await Deno.writeTextFile(journalPath, JSON.stringify(journal));
      for (const step of reversed.slice(0, j)) await undoStep(ws.dir, step);
      for (const bytes of artifacts) assertEquals(copiesOf(await snapshot(ws.dir), bytes), 1);
      await run(ws.dir, { rollback: true });
      assertEquals(await snapshot(ws.dir), before);
    }),
    { numRuns: 40 },
  );
});
