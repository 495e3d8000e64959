// End-to-end: the project tasks through the real CLI and its sandbox.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { METADATA_JSON } from "./fixtures.ts";

Deno.test("pointers --check exits 1 until pointers has written them; list-projects then shows it healthy", async () => {
  const project = ".ai/projects/simple-xml-response";
  await using ws = await workspace({
    [`${project}/metadata.json`]: METADATA_JSON,
    [`${project}/spec.md`]: "# Spec\n",
  });
  const old = new Date("2026-01-01T00:00:00Z");
  await Deno.utime(`${ws.dir}/${project}/spec.md`, old, old);
  const check = await wst(["pointers", "--root", ws.dir, "--check", "--json"]);
  assertEquals(check.code, 1, check.stderr);
  assertEquals(JSON.parse(check.stdout).changes.map((c: { path: string }) => c.path), [
    `${project}/metadata.json`,
    "codev/specs/0001-simple-xml-response.link.md",
  ]);
  const write = await wst(["pointers", "--root", ws.dir]);
  assertEquals(write.code, 0, write.stderr);
  assertEquals((await wst(["pointers", "--root", ws.dir, "--check"])).code, 0);
  const list = await wst(["list-projects", "--root", ws.dir]);
  assertEquals(list.code, 0, list.stderr);
  assertMatch(list.stdout, /^ok +simple-xml-response +codev +complete +0001 +spec\.md$/m);
  assertMatch(list.stdout, /1 project\(s\), 0 broken/);
});

Deno.test("create-project kiro makes its symlink inside the sandbox (with ln), and list-projects sees it", async () => {
  await using ws = await workspace({ "README.md": "workspace\n" });
  const run = await wst([
    "create-project",
    "spec-one",
    "--format",
    "kiro",
    "--root",
    ws.dir,
    "--json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout).created, [
    ".ai/projects/spec-one",
    ".kiro/specs/spec-one",
    ".gitignore (.ai/projects/ added)",
  ]);
  assertEquals(
    await Deno.readLink(`${ws.dir}/.kiro/specs/spec-one`),
    "../../.ai/projects/spec-one",
  );
  const list = await wst(["list-projects", "--root", ws.dir, "--json"]);
  assertEquals(JSON.parse(list.stdout).broken, 0);
});
