import { assertEquals, assertMatch } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { METADATA_JSON } from "../tests/fixtures.ts";
import { runTask } from "../lib/task/testing.ts";
import { CODEV_KINDS, renderPointer } from "../lib/projects/mod.ts";
import listProjects from "./list_projects.ts";
import pointers from "./pointers.ts";

const META = JSON.parse(METADATA_JSON);
const PROJECT = ".ai/projects/simple-xml-response";
const SPEC_POINTER = "codev/specs/0001-simple-xml-response.link.md";

function codevProject(): Record<string, string> {
  return {
    [`${PROJECT}/metadata.json`]: METADATA_JSON,
    [`${PROJECT}/spec.md`]: "# Spec\n",
    [`${PROJECT}/plan.md`]: "# Plan\n",
    [`${PROJECT}/review.md`]: "# Review\n",
  };
}

async function age(root: string): Promise<void> {
  // Artifacts older than metadata's `updated`, so that only deliberate changes move it.
  const old = new Date("2026-01-01T00:00:00Z");
  for (const file of ["spec.md", "plan.md", "review.md"]) {
    await Deno.utime(`${root}/${PROJECT}/${file}`, old, old).catch(() => {});
  }
}

Deno.test("pointers writes the missing pointer files, then --check passes", async () => {
  await using ws = await workspace(codevProject());
  await age(ws.dir);
  const check = await runTask(pointers, { check: true }, { root: ws.dir });
  assertEquals(check.failed, true);
  assertEquals(check.value.changes.map((c) => [c.path, c.problem, c.action]), [
    [SPEC_POINTER, "missing", "none"],
    ["codev/plans/0001-simple-xml-response.link.md", "missing", "none"],
    ["codev/reviews/0001-simple-xml-response.link.md", "missing", "none"],
  ]);
  const write = await runTask(pointers, {}, { root: ws.dir });
  assertEquals(write.failed, false);
  assertEquals(write.value.changes.map((c) => c.action), ["written", "written", "written"]);
  assertEquals(
    await Deno.readTextFile(`${ws.dir}/${SPEC_POINTER}`),
    renderPointer(META, CODEV_KINDS[0]!),
  );
  const again = await runTask(pointers, { check: true }, { root: ws.dir });
  assertEquals([again.failed, again.value.changes], [false, []]);
});

Deno.test("pointers --check fails on a hand-edited pointer; metadata follows a deleted review", async () => {
  await using ws = await workspace(codevProject());
  await age(ws.dir);
  await runTask(pointers, {}, { root: ws.dir });
  await Deno.writeTextFile(`${ws.dir}/${SPEC_POINTER}`, "edited by hand\n");
  const edited = await runTask(pointers, { check: true }, { root: ws.dir });
  assertEquals(edited.value.changes.map((c) => [c.path, c.problem]), [[SPEC_POINTER, "differs"]]);

  await Deno.remove(`${ws.dir}/${PROJECT}/review.md`);
  const raw = JSON.parse(METADATA_JSON);
  await Deno.writeTextFile(
    `${ws.dir}/${PROJECT}/metadata.json`,
    JSON.stringify({ ...raw, legacyKey: "kept" }, null, 2),
  );
  const fixed = await runTask(pointers, {}, { root: ws.dir });
  assertEquals(fixed.value.changes.map((c) => [c.path, c.problem, c.action]), [
    [`${PROJECT}/metadata.json`, "metadata out of date", "written"],
    [SPEC_POINTER, "differs", "written"],
    ["codev/plans/0001-simple-xml-response.link.md", "differs", "written"],
    ["codev/reviews/0001-simple-xml-response.link.md", "unexpected", "removed"],
  ]);
  const meta = JSON.parse(await Deno.readTextFile(`${ws.dir}/${PROJECT}/metadata.json`));
  assertEquals([meta.artifacts, meta.legacyKey], [["spec.md", "plan.md"], "kept"]);
  assertEquals(
    (await Deno.readTextFile(`${ws.dir}/${SPEC_POINTER}`)).includes("[Review]"),
    false,
  );
});

Deno.test("list-projects shows each project and flags broken links, pointers and metadata", async () => {
  await using ws = await workspace({
    ...codevProject(),
    ".ai/projects/kiro-ok/metadata.json": JSON.stringify({
      ...META,
      name: "kiro-ok",
      format: "kiro",
      codevNumber: undefined,
      artifacts: ["requirements.md"],
    }),
    ".ai/projects/kiro-ok/requirements.md": "# R\n",
    ".ai/projects/bad-meta/metadata.json": '{ "name": "bad-meta" }',
    "codev/specs/0007-gone.link.md": "pointer\n",
  });
  await Deno.mkdir(`${ws.dir}/.kiro/specs`, { recursive: true });
  await Deno.symlink("../../.ai/projects/kiro-ok", `${ws.dir}/.kiro/specs/kiro-ok`);
  await Deno.symlink("../../.ai/projects/nowhere", `${ws.dir}/.kiro/specs/nowhere`);
  const { value } = await runTask(listProjects, {}, { root: ws.dir });
  assertEquals(value.projects.map((p) => [p.name, p.format, p.problems.length > 0]), [
    ["bad-meta", "unknown", true],
    ["kiro-ok", "kiro", false],
    ["simple-xml-response", "codev", true],
  ]);
  assertMatch(
    value.projects[2]!.problems[0]!,
    /pointer file codev\/specs\/0001-simple-xml-response\.link\.md is missing/,
  );
  assertEquals(value.orphans.map((o) => o.path), [
    ".kiro/specs/nowhere",
    "codev/specs/0007-gone.link.md",
  ]);
  assertEquals(value.broken, 4);
  assertMatch(listProjects.render!(value), /3 project\(s\), 4 broken$/);
});
