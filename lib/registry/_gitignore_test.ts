import fc from "fast-check";
import ignore from "ignore";
import { assertEquals } from "../../tests/assert.ts";
import { compileGitignore } from "./_gitignore.ts";

/** Whether a walk from the top skips a folder: it or a folder above it is ignored. */
function walkIgnores(text: string, path: string): boolean {
  const matcher = compileGitignore(text);
  const segments = path.split("/");
  for (let k = 1; k <= segments.length; k++) {
    if (matcher.test(segments.slice(0, k).join("/")) === "ignored") return true;
  }
  return false;
}

Deno.test("compileGitignore(): git's rules on folders, line by line", () => {
  const cases: [string, string, boolean][] = [
    ["build/", "build", true],
    ["build/", "src/build", true],
    ["/build", "src/build", false],
    ["/build", "build", true],
    ["src/gen", "src/gen", true],
    ["src/gen", "x/src/gen", false],
    ["**/gen", "x/y/gen", true],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["a/**", "a", false],
    ["a/**", "a/x", true],
    ["*.d", "x/y.d", true],
    ["gen*\n!generated-ok", "generated-ok", false],
    ["gen*\n!generated-ok", "generator", true],
    ["# comment\n\n  \nfoo  ", "foo", true],
    ["\\#hash", "#hash", true],
    ["\\!bang", "!bang", true],
    ["[ab]x", "bx", true],
    ["[!ab]x", "bx", false],
    ["?x", "ax", true],
    ["?x", "abx", false],
    ["a.b", "axb", false],
  ];
  for (const [text, path, expected] of cases) {
    assertEquals(walkIgnores(text, path), expected, `${JSON.stringify(text)} on ${path}`);
  }
});

Deno.test("compileGitignore() agrees with the ignore package on generated patterns and folders", () => {
  const segment = fc.constantFrom("a", "b", "ab", "ba", "*", "a*", "*b", "?", "[ab]", "[!a]", "**");
  const pattern = fc.record({
    negate: fc.boolean(),
    lead: fc.boolean(),
    trail: fc.boolean(),
    segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
  }).map(({ negate, lead, trail, segments }) =>
    `${negate ? "!" : ""}${lead ? "/" : ""}${segments.join("/")}${trail ? "/" : ""}`
  );
  const folder = fc.array(fc.constantFrom("a", "b", "ab", "ba", "bb"), {
    minLength: 1,
    maxLength: 4,
  }).map((parts) => parts.join("/"));
  fc.assert(
    fc.property(fc.array(pattern, { minLength: 1, maxLength: 4 }), folder, (lines, path) => {
      const text = lines.join("\n");
      const theirs = ignore().add(text).ignores(`${path}/`);
      assertEquals(walkIgnores(text, path), theirs, `${JSON.stringify(text)} on ${path}/`);
    }),
    { numRuns: 3000 },
  );
});
