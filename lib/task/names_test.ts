import fc from "fast-check";
import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { argTextProblems, checkTaskName, qualifyTaskName } from "./names.ts";

Deno.test("checkTaskName() takes names with ':' segments verbatim", () => {
  for (const name of ["test:changed:unit", "seed:status", "build_image", "sync-repos", "k8s"]) {
    assertEquals(checkTaskName(name), undefined, name);
  }
});

Deno.test("checkTaskName() refuses empty segments, upper case and other characters", () => {
  for (const name of ["", "a::b", ":a", "a:", "Seed:status", "a b", "a.b", "-a", "a:_b", "a/b"]) {
    assertMatch(checkTaskName(name) ?? "", /^Expected a name of lower-case segments/, name);
  }
});

Deno.test("checkTaskName() refuses a first segment the CLI uses, not a later one", () => {
  assertMatch(checkTaskName("list") ?? "", /first segment the CLI does not use itself/);
  assertMatch(checkTaskName("describe:x") ?? "", /first segment the CLI does not use itself/);
  assertEquals(checkTaskName("seed:list"), undefined);
});

Deno.test("qualifyTaskName() resolves a reference in the referring task's namespace", () => {
  assertEquals(qualifyTaskName("seed", "status"), "seed:status");
  assertEquals(qualifyTaskName("platform:ingress", "test:unit"), "platform:ingress:test:unit");
  assertEquals(qualifyTaskName("", "lint"), "lint");
  assertEquals(qualifyTaskName("seed", ":lint"), "lint");
  assertEquals(qualifyTaskName("", ":seed:status"), "seed:status");
});

Deno.test("argTextProblems: its quick look at the schema's JSON never passes a text the walk would refuse", () => {
  // deno-lint-ignore no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const text = fc.array(
    fc.constantFrom(
      "a",
      "é",
      "\\",
      "u",
      "n",
      "t",
      "0",
      "1",
      "\n",
      "\t",
      "\u0001",
      "\u007f",
      "\u202e",
    ),
    { maxLength: 8 },
  ).map((chars) => chars.join(""));
  fc.assert(
    fc.property(text, text, (description, title) => {
      const schema = { properties: { a: { type: "string", description }, b: { title } } };
      const expected = [description, title].filter((t) => control.test(t)).length;
      assertEquals(argTextProblems(schema).length, expected);
    }),
    { numRuns: 2000 },
  );
});
