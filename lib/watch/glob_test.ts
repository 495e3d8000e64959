import { assertEquals } from "../../tests/assert.ts";
import { globBase, globToRegExp, watchScope } from "./glob.ts";

Deno.test("globToRegExp() keeps * within a segment and lets ** cross them", () => {
  const re = globToRegExp("src/**/*.ts");
  assertEquals(
    ["src/a.ts", "src/x/y/b.ts", "src/a.js", "lib/a.ts", "src/x/a.tsx"].map((p) => re.test(p)),
    [true, true, false, false, false],
  );
  assertEquals(globToRegExp("*.{ts,json}").test("deno.json"), true);
  assertEquals(globToRegExp("*.{ts,json}").test("a/deno.json"), false);
  assertEquals(globToRegExp("a?.txt").test("ab.txt"), true);
});

Deno.test("globToRegExp() matches everything under a glob without wildcards", () => {
  const re = globToRegExp("./docs/");
  assertEquals(["docs", "docs/a.md", "docs/x/b.md", "docsx"].map((p) => re.test(p)), [
    true,
    true,
    true,
    false,
  ]);
});

Deno.test("globBase() is the folder before the first wildcard", () => {
  assertEquals(globBase("src/**/*.ts"), "src");
  assertEquals(globBase("*.ts"), "");
  assertEquals(globBase("./a/b/c.txt"), "a/b/c.txt");
  assertEquals(globBase("a/b*/c"), "a");
});

Deno.test("watchScope() without sources watches the root but never .git, node_modules, .wst/cache or outputs", () => {
  const scope = watchScope(undefined, ["dist/**"]);
  assertEquals(scope.paths, [""]);
  assertEquals(
    ["src/a.ts", ".git/index", "node_modules/x/y.js", ".wst/cache/state.json", "dist/a.js"].map(
      scope.matches,
    ),
    [true, false, false, false, false],
  );
});

Deno.test("watchScope() with sources watches their folders and reacts to their matches only", () => {
  const scope = watchScope(["src/**/*.ts", "src/lib/*.json", "deno.json"]);
  assertEquals(scope.paths, ["src", "deno.json"]);
  assertEquals(["src/a.ts", "src/a.md", "deno.json", "README.md"].map(scope.matches), [
    true,
    false,
    true,
    false,
  ]);
});

Deno.test("watchScope() with sources also watches the paths it is given (the task's module)", () => {
  const scope = watchScope(["src/*.ts"], [], [".wst/tasks/build.ts"]);
  assertEquals(scope.paths, ["src", ".wst/tasks/build.ts"]);
  assertEquals([".wst/tasks/build.ts", ".wst/tasks/other.ts"].map(scope.matches), [true, false]);
  assertEquals(watchScope(undefined, [], [".wst/tasks/build.ts"]).paths, [""]);
});
