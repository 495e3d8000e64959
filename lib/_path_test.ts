import fc from "fast-check";
import { posix } from "node:path";
import { assertEquals } from "../tests/assert.ts";
import { isAbsolute, relativeTo, resolvePath } from "./_path.ts";

const posixOnly = { ignore: Deno.build.os === "windows" };

Deno.test({
  name: "isAbsolute() holds for paths from the root only",
  ...posixOnly,
  fn: () => {
    assertEquals(
      ["/", "/a", "//a", "a", "./a", "../a", "", "~/a"].map(isAbsolute),
      [true, true, true, false, false, false, false, false],
    );
  },
});

Deno.test({
  name: "resolvePath() joins a relative path to the base and folds . and ..",
  ...posixOnly,
  fn: () => {
    assertEquals(resolvePath("/a/b", "c"), "/a/b/c");
    assertEquals(resolvePath("/a/b", "./c/./d"), "/a/b/c/d");
    assertEquals(resolvePath("/a/b", "../c"), "/a/c");
    assertEquals(resolvePath("/a/b", "."), "/a/b");
    assertEquals(resolvePath("/a/b", ""), "/a/b");
    assertEquals(resolvePath("/a/b", "c/.."), "/a/b");
  },
});

Deno.test({
  name: "resolvePath() stops at the root: .. beyond it stays there",
  ...posixOnly,
  fn: () => {
    assertEquals(resolvePath("/a/b", "../../.."), "/");
    assertEquals(resolvePath("/a", "../../../x"), "/x");
    assertEquals(resolvePath("/", ".."), "/");
    assertEquals(resolvePath("/", "/../../etc"), "/etc");
  },
});

Deno.test({
  name: "resolvePath() ignores repeated and trailing separators, in the base too",
  ...posixOnly,
  fn: () => {
    assertEquals(resolvePath("/a//b", "c///d"), "/a/b/c/d");
    assertEquals(resolvePath("/a/b/", "c"), "/a/b/c");
    assertEquals(resolvePath("/a/b//", "../c/"), "/a/c");
    assertEquals(resolvePath("//a", "b"), "/a/b");
  },
});

Deno.test({
  name: "resolvePath() takes an absolute path as it is, folded",
  ...posixOnly,
  fn: () => {
    assertEquals(resolvePath("/a/b", "/x/./y/../z"), "/x/z");
    assertEquals(resolvePath("/a/b", "/"), "/");
  },
});

Deno.test({
  name: "relativeTo() gives the path inside the base, . for the base, and others unchanged",
  ...posixOnly,
  fn: () => {
    assertEquals(relativeTo("/a/b", "/a/b/c/d"), "c/d");
    assertEquals(relativeTo("/a/b", "/a/b"), ".");
    assertEquals(relativeTo("/", "/a"), "a");
    assertEquals(relativeTo("/a/b", "/a"), "/a");
    assertEquals(relativeTo("/a/b", "/x/y"), "/x/y");
  },
});

Deno.test({
  name: "relativeTo() matches whole segments: /a/bc is not inside /a/b",
  ...posixOnly,
  fn: () => {
    assertEquals(relativeTo("/a/b", "/a/bc"), "/a/bc");
    assertEquals(relativeTo("/a/b", "/a/bc/d"), "/a/bc/d");
    assertEquals(relativeTo("/a/b", "/a/b-c"), "/a/b-c");
  },
});

Deno.test({
  name: "relativeTo() accepts a base with a trailing separator",
  ...posixOnly,
  fn: () => {
    assertEquals(relativeTo("/a/b/", "/a/b/c"), "c");
    assertEquals(relativeTo("/a/b/", "/a/b"), ".");
    assertEquals(relativeTo("/a/b/", "/a/b/"), ".");
  },
});

// Segments of a few letters, dots and the names `.` and `..`. No backslash: resolvePath
// splits on it on every platform, where POSIX keeps it as part of a name.
const segment = fc.oneof(
  fc.constantFrom(".", "..", "", "a", "b", "ab", ".a", "a.", "..."),
  fc.stringMatching(/^[a-z.\-_ ]{1,4}$/),
);
const relativePath = fc.array(segment, { maxLength: 6 }).map((parts) => parts.join("/"));
const absolutePath = relativePath.map((path) => `/${path}`);
const anyPath = fc.oneof(relativePath, absolutePath);

Deno.test({
  name: "resolvePath() agrees with node:path's posix.resolve for an absolute base",
  ...posixOnly,
  fn: () => {
    fc.assert(
      fc.property(absolutePath, anyPath, (base, path) => {
        assertEquals(resolvePath(base, path), posix.resolve(base, path));
      }),
      { numRuns: 2_000 },
    );
  },
});

Deno.test({
  name: "relativeTo() agrees with node:path's posix.relative inside the base, else keeps the path",
  ...posixOnly,
  fn: () => {
    // Resolved paths, as wst passes them; the base sometimes with a trailing separator.
    const base = fc.tuple(absolutePath, fc.boolean()).map(([path, slash]) => {
      const resolved = posix.resolve(path);
      return slash && resolved !== "/" ? `${resolved}/` : resolved;
    });
    // A path under the base (or the base itself) half the time, anywhere otherwise.
    const pair = fc.tuple(base, relativePath, fc.boolean()).map(([b, rest, under]) =>
      [b, posix.resolve(under ? b : "/", rest)] as const
    );
    fc.assert(
      fc.property(pair, ([b, path]) => {
        const relative = posix.relative(b, path);
        const inside = relative === "" || !(relative === ".." || relative.startsWith("../"));
        assertEquals(relativeTo(b, path), inside ? relative || "." : path);
      }),
      { numRuns: 2_000 },
    );
  },
});
