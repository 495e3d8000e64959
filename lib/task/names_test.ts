import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { checkTaskName, qualifyTaskName } from "./names.ts";

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
