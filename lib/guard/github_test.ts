import { assert, assertEquals } from "../../tests/assert.ts";
import { guardAnnotations, stepSummary } from "./github.ts";
import type { GuardReport, Violation } from "./types.ts";

function report(violations: Violation[], over: Partial<GuardReport> = {}): GuardReport {
  return {
    ok: violations.length === 0,
    config: "ai-gateway.yaml",
    base: { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567" },
    head: { ref: "working tree" },
    files: 3,
    changes: [],
    violations,
    notes: [],
    ...over,
  };
}

const NASTY_PATHS = [
  "a,b:c/line\nbreak.ts",
  "pipe|in/the|name.md",
  "back`tick/``two``.txt",
  "`starts-and-ends`",
  "crlf\r\nname.txt",
  "100%/x.bin",
];

const VIOLATIONS: Violation[] = [
  {
    rule: "max_files_per_diff",
    message: "The change touches 3 files; the limit is 2",
    limit: 2,
    actual: 3,
  },
  ...NASTY_PATHS.map((path): Violation => ({
    rule: "protected_paths",
    path,
    message: `${JSON.stringify(path)} matches "**"\nsecond line`,
    limit: ["**/secrets/**", "a|b"],
  })),
  {
    rule: "max_file_size_kb",
    path: "big.png",
    message: '"big.png" is 2048 KiB; the limit is 1024',
    limit: 1024,
    actual: 2048,
  },
  { rule: "require_tests", message: "The change touches no test file", limit: true },
];

Deno.test("guardAnnotations() writes one escaped ::error line per violation; control characters of a name show as \\xNN", () => {
  const lines = guardAnnotations(report(VIOLATIONS));
  assertEquals(lines.length, VIOLATIONS.length);
  for (const line of lines) {
    assert(line.startsWith("::error file="), line);
    assert(!/[\r\n]/.test(line), `a raw line break in ${JSON.stringify(line)}`);
  }
  assertEquals(
    lines[0],
    "::error file=ai-gateway.yaml,title=wst guard%3A max_files_per_diff::" +
      "The change touches 3 files; the limit is 2",
  );
  assertEquals(
    lines[1],
    "::error file=a%2Cb%3Ac/line%0Abreak.ts,title=wst guard%3A protected_paths::" +
      '"a,b:c/line\\nbreak.ts" matches "**"\\x0Asecond line',
  );
  assertEquals(
    lines[5]?.split("::")[1],
    "error file=crlf%0D%0Aname.txt,title=wst guard%3A protected_paths",
  );
  assertEquals(
    lines[6]?.split("::")[1],
    "error file=100%25/x.bin,title=wst guard%3A protected_paths",
  );
  assertEquals(
    lines.at(-1),
    "::error file=ai-gateway.yaml,title=wst guard%3A require_tests::The change touches no test file",
  );
});

Deno.test("guardAnnotations() writes nothing for a report that keeps every limit", () => {
  assertEquals(guardAnnotations(report([])), []);
});

/** The cells of a GFM table row: split on `|` that no backslash escapes. */
function cells(row: string): string[] {
  return row.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim());
}

Deno.test("stepSummary() has one table row of four cells per violation, whatever the paths hold", () => {
  const md = stepSummary(report(VIOLATIONS));
  const lines = md.split("\n");
  assertEquals(lines[0], "## wst guard: failed, 9 violations");
  const header = lines.indexOf("| Rule | Path | Limit | Found |");
  assert(header > 0, md);
  assertEquals(lines[header + 1], "| --- | --- | --- | --- |");
  const rows = lines.slice(header + 2).filter((l) => l !== "");
  assertEquals(rows.length, VIOLATIONS.length, md);
  rows.forEach((row, i) => {
    assert(row.startsWith("| ") && row.endsWith(" |"), row);
    const [rule, path, limit, found, ...extra] = cells(row);
    assertEquals(extra, [], `row ${i} has more than four cells: ${row}`);
    assertEquals(rule, VIOLATIONS[i]!.rule);
    assert(path !== undefined && limit !== undefined && found !== undefined, row);
  });
  assertEquals(cells(rows[0]!), ["max_files_per_diff", "whole change", "2", "3"]);
  // A line break in a path ends one code span and starts the next on a new line.
  assertEquals(cells(rows[1]!)[1], "`a,b:c/line`<br>`break.ts`");
  assertEquals(cells(rows[1]!)[2], "`**/secrets/**`, `a\\|b`");
  assertEquals(cells(rows[2]!)[1], "`pipe\\|in/the\\|name.md`");
  // Backticks in a path: a longer fence, and spaces where one touches the fence.
  assertEquals(cells(rows[3]!)[1], "``` back`tick/``two``.txt ```");
  assertEquals(cells(rows[4]!)[1], "`` `starts-and-ends` ``");
  assertEquals(cells(rows[5]!)[1], "`crlf`<br>`name.txt`");
  assertEquals(cells(rows[7]!), ["max_file_size_kb", "`big.png`", "1024", "2048"]);
  assertEquals(cells(rows[8]!), ["require_tests", "whole change", "true", ""]);
});

Deno.test("stepSummary() names the base, the head and the number of files", () => {
  const md = stepSummary(report(VIOLATIONS));
  assert(
    md.includes(
      "Base `origin/main` (0123456789ab), head `working tree`: 3 files changed " +
        "(limits from `ai-gateway.yaml`).",
    ),
    md,
  );
});

Deno.test("stepSummary() of a change that keeps every limit says so, without a table", () => {
  const md = stepSummary(
    report([], { files: 1, notes: ["Rename detection skipped: too many files"] }),
  );
  assertEquals(
    md,
    [
      "## wst guard: passed",
      "",
      "Base `origin/main` (0123456789ab), head `working tree`: 1 file changed " +
      "(limits from `ai-gateway.yaml`).",
      "",
      "The change keeps every limit.",
      "",
      "> Rename detection skipped\\: too many files",
      "",
    ].join("\n"),
  );
});

Deno.test("guardAnnotations() and stepSummary() show escape sequences and BEL in a name as text", () => {
  const path = "ok.md\u001b[30;40m hidden\u0007.exe";
  const r = report([{
    rule: "allowed_file_types",
    path,
    message: `Not an allowed file type: ${path}`,
    limit: ["*.md"],
  }]);
  // The message (what GitHub shows) and the summary; `file=` keeps the real name, to find the file.
  const message = guardAnnotations(r)[0]!.split("::").slice(2).join("::");
  for (const text of [message, stepSummary(r)]) {
    assert(![...text].some((c) => c === "\u001b" || c === "\u0007"), JSON.stringify(text));
  }
  assert(
    guardAnnotations(r)[0]!.endsWith("Not an allowed file type: ok.md\\x1B[30;40m hidden\\x07.exe"),
  );
});
