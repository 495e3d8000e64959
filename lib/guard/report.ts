// The human report of `wst guard`: the verdict, then the violations grouped by
// rule, each with the offending path and the limit.
import { escapeControls } from "../reporter/mod.ts";
import type { GuardReport, RuleName, Side, Violation } from "./types.ts";

// deno-lint-ignore no-control-regex
const NAME_CONTROLS = /[\n\t\u001b]/g;

const ORDER: readonly RuleName[] = [
  "max_files_per_diff",
  "protected_paths",
  "allowed_file_types",
  "max_file_size_kb",
  "require_tests",
];

/**
 * The report as text for a terminal or a log. Control characters in paths
 * (a newline in a file name) are escaped.
 *
 * @param report The result of `guard`.
 * @returns Lines, ending in a newline.
 */
export function formatReport(report: GuardReport): string {
  const lines: string[] = [];
  const files = `${report.files} changed file${report.files === 1 ? "" : "s"}`;
  const range = `base ${side(report.base)}, head ${side(report.head)}`;
  if (report.ok) {
    const keep = report.files === 1 ? "keeps" : "keep";
    lines.push(`wst guard: ${files} ${keep} every guard-rail of ${report.config} (${range})`);
  } else {
    const n = report.violations.length;
    lines.push(
      `wst guard: ${n} violation${n === 1 ? "" : "s"} of ${report.config} in ${files} (${range})`,
    );
  }
  for (const rule of ORDER) {
    const broken = report.violations.filter((v) => v.rule === rule);
    if (broken.length === 0) continue;
    lines.push("", `${rule} (limit: ${limit(broken[0]!)})`);
    for (const v of broken) lines.push(`  ${v.message}`);
  }
  for (const note of report.notes) lines.push("", `note: ${note}`);
  // One line per entry: a newline or tab in a file name is shown escaped.
  // One line per entry: a newline, tab or escape sequence in a file name is shown escaped (no
  // colours either: a name could hide text, black on black).
  return lines.map((l) =>
    escapeControls(
      l.replace(NAME_CONTROLS, (c) => c === "\n" ? "\\n" : c === "\t" ? "\\t" : "\\x1b"),
    )
  ).join("\n") + "\n";
}

function side(s: Side): string {
  const about = [
    ...(s.commit === undefined || s.ref === s.commit ? [] : [s.commit.slice(0, 12)]),
    ...(s.reason === undefined ? [] : [s.reason]),
  ];
  return about.length === 0 ? s.ref : `${s.ref} (${about.join("; ")})`;
}

function limit(v: Violation): string {
  if (Array.isArray(v.limit)) return v.limit.join(", ");
  if (v.rule === "max_file_size_kb") return `${v.limit} KiB`;
  if (v.rule === "max_files_per_diff") return `${v.limit} file${v.limit === 1 ? "" : "s"}`;
  return "a test with every source change";
}
