import $ from "dax";
import { assertEquals, assertMatch, rejection } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import { CODEV_KINDS, renderPointer } from "../lib/projects/mod.ts";
import task from "./create_project.ts";

Deno.test("create-project codev takes the next free number and writes its pointer and .gitignore line", async () => {
  await using ws = await workspace({
    "codev/plans/0004-older.md": "# an unmigrated plan\n",
    ".gitignore": "node_modules", // no final newline: kept, and the line goes on its own
  });
  const { value } = await runTask(task, {
    name: "xml-adapter",
    format: "codev",
    tags: "gateway, xml",
    repository: "domain-apis",
  }, { root: ws.dir });
  assertEquals(value.metadata.codevNumber, "0005");
  assertEquals(value.metadata.displayName, "Xml Adapter");
  assertEquals(value.metadata.tags, ["gateway", "xml"]);
  assertEquals(
    await Deno.readTextFile(`${ws.dir}/codev/specs/0005-xml-adapter.link.md`),
    renderPointer(value.metadata, CODEV_KINDS[0]!),
  );
  assertEquals(await Deno.readTextFile(`${ws.dir}/.gitignore`), "node_modules\n.ai/projects/\n");
  const second = await runTask(task, { name: "next-one", format: "codev" }, { root: ws.dir });
  assertEquals(second.value.metadata.codevNumber, "0006");
  assertEquals(await Deno.readTextFile(`${ws.dir}/.gitignore`), "node_modules\n.ai/projects/\n");
});

Deno.test("create-project kiro links .kiro/specs/<name> to the project", async () => {
  await using ws = await workspace({});
  await runTask(task, { name: "kiro-one", format: "kiro" }, { root: ws.dir, $ });
  assertEquals(
    await Deno.readLink(`${ws.dir}/.kiro/specs/kiro-one`),
    "../../.ai/projects/kiro-one",
  );
  assertEquals(
    await Deno.readTextFile(`${ws.dir}/.kiro/specs/kiro-one/requirements.md`),
    "# Kiro One\n",
  );
});

Deno.test("create-project refuses names that escape and names already taken, creating nothing", async () => {
  await using ws = await workspace({ ".ai/projects/taken/metadata.json": "{}" });
  for (const name of ["../x", "a/b", "..", "UPPER", "x\0y", "/abs"]) {
    const err = await rejection(
      () => runTask(task, { name, format: "codev" }, { root: ws.dir }),
      UsageError,
    );
    assertMatch(err.message, /^Cannot use the project name/);
  }
  const taken = await rejection(
    () => runTask(task, { name: "taken", format: "codev" }, { root: ws.dir }),
    UsageError,
  );
  assertMatch(taken.message, /\.ai\/projects\/taken already exists/);
  const names: string[] = [];
  for await (const entry of Deno.readDir(ws.dir)) names.push(entry.name);
  assertEquals(names, [".ai"]);
});
