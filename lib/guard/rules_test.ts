import fc from "fast-check";
import picomatch from "picomatch";
import { assertEquals } from "../../tests/assert.ts";
import { DEFAULT_SOURCE_GLOBS, DEFAULT_TEST_GLOBS, matcher } from "./rules.ts";

// The options rules.ts gives picomatch.
const OPTIONS = { dot: true, flags: "s" } as const;

// Globs and paths from few pieces, so that they often match, nearly match, or are each other.
const piece = fc.constantFrom("a", "b", ".x", "*", "**", "?", "*.ts", "{a,b}", "[ab]", "a\nb", "");
const glob = fc.tuple(
  fc.constantFrom("", "", "!", "./"),
  fc.array(piece, { minLength: 1, maxLength: 4 }),
).map(([head, p]) => head + p.join("/")).filter((g) => g !== "" && g !== "!" && g !== "./");
const path = fc.array(fc.constantFrom("a", "b", ".x", "c.ts", "*.ts", "a\nb", "**", ""), {
  minLength: 1,
  maxLength: 4,
}).map((p) => p.join("/"));

Deno.test("matcher: the same answers as picomatch's own matcher, one glob or several", () => {
  fc.assert(
    fc.property(glob, path, (g, p) => {
      assertEquals(matcher(g)(p), picomatch(g, OPTIONS)(p), `${JSON.stringify(g)} on ${p}`);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.array(glob, { maxLength: 3 }), path, (globs, p) => {
      const expected = globs.length > 0 && picomatch(globs, OPTIONS)(p) === true;
      assertEquals(matcher(globs)(p), expected);
    }),
    { numRuns: 1000 },
  );
  for (const p of ["src/a.ts", "a_test.ts", "tests/x.py", ".github/a.ts", "x/conftest.py"]) {
    for (const globs of [DEFAULT_SOURCE_GLOBS, DEFAULT_TEST_GLOBS]) {
      assertEquals(matcher(globs)(p), picomatch([...globs], OPTIONS)(p) === true, p);
    }
  }
});
