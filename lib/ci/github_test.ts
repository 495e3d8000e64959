import { assertEquals } from "../../tests/assert.ts";
import { codeCell, markdownCell } from "./github.ts";

Deno.test("markdownCell: a repository's text shows as text, never as a link, an image, HTML or a mention", () => {
  // A target's error message in $GITHUB_STEP_SUMMARY: a link to click, a tracking image, HTML.
  const cell = markdownCell(
    "fix: [docs](https://evil.invalid) ![x](https://evil.invalid/p.png) <img src=x> *a* `b` @org",
  );
  assertEquals(
    cell,
    "fix\\: \\[docs\\]\\(https\\:\\/\\/evil\\.invalid\\) \\!\\[x\\]\\(https\\:\\/\\/evil\\.invalid\\/p\\.png\\) " +
      "\\<img src\\=x\\> \\*a\\* \\`b\\` \\@org",
  );
  assertEquals(markdownCell("a|b\nc\x1b[2J"), "a\\|b<br>c\\\\x1B\\[2J");
});

Deno.test("codeCell: a code span whose fence is longer than any backticks in it, | escaped", () => {
  assertEquals(codeCell("apps/base"), "`apps/base`");
  assertEquals(codeCell("a`b|c"), "`` a`b\\|c ``");
});
