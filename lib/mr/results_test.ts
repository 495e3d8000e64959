import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { annotation, formatOutputs } from "../ci/mod.ts";
import { resultsAnnotations, resultsJunit, resultsMarkdown, type TargetResult } from "./results.ts";
import { parseShard, shardItems } from "./shard.ts";

const result = (over: Partial<TargetResult>): TargetResult => ({
  name: "app",
  path: "apps/app",
  type: "kustomization",
  status: "passed",
  cached: false,
  ms: 1500,
  message: "",
  tool: "kubectl",
  file: "apps/app/kustomization.yaml",
  ...over,
});

Deno.test("resultsJunit() escapes messages and counts failures and skips", () => {
  const xml = resultsJunit("MR <checks>", [
    result({}),
    result({ name: "b&d", status: "failed", message: 'Error: "x" < y\n  at line 2' }),
    result({ name: "later", status: "skipped", message: "Not run" }),
  ]);
  assertMatch(
    xml,
    /<testsuites name="MR &lt;checks&gt;" tests="3" failures="1" skipped="1" time="4\.500">/,
  );
  assertMatch(xml, /<testcase name="b&amp;d" classname="kustomization\.apps\/app" time="1\.500">/);
  assertMatch(
    xml,
    /<failure message="Error: &quot;x&quot; &lt; y">Error: "x" &lt; y\n {2}at line 2<\/failure>/,
  );
  assertMatch(xml, /<skipped message="Not run"\/>/);
});

Deno.test("GitHub annotations and outputs are escaped as the runner requires", () => {
  assertEquals(
    annotation("error", "50% failed\nsee log", { file: "a,b:c.yaml", line: 3, title: "x" }),
    "::error file=a%2Cb%3Ac.yaml,line=3,title=x::50%25 failed%0Asee log",
  );
  assertEquals(resultsAnnotations([result({}), result({ status: "failed", message: "boom" })]), [
    "::error file=apps/app/kustomization.yaml,title=app (kustomization) failed::boom",
  ]);
  assertEquals(
    formatOutputs({ count: "2", text: "a\nWST_EOF\nb" }),
    "count=2\ntext<<WST_EOF_\na\nWST_EOF\nb\nWST_EOF_\n",
  );
  assertMatch(
    resultsMarkdown("Checks", [result({ status: "failed", message: "a | b\nmore" })]),
    /\| ❌ \| app \| kustomization \| `apps\/app` \| a \\\| b \|/,
  );
});

Deno.test("parseShard() and shardItems() split a list into disjoint, covering shards", () => {
  const items = Array.from({ length: 7 }, (_, i) => i);
  const shards = [1, 2, 3].map((i) => shardItems(items, parseShard(`${i}/3`)));
  assertEquals(shards, [[0, 3, 6], [1, 4], [2, 5]]);
  for (const bad of ["0/2", "3/2", "1/0", "x", "1/2/3"]) {
    let threw = false;
    try {
      parseShard(bad);
    } catch {
      threw = true;
    }
    assertEquals(threw, true, bad);
  }
});
