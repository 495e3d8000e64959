// A `wst guard` report in GitHub Actions: `::error` annotations on the files of
// the pull request, and Markdown for `$GITHUB_STEP_SUMMARY`.

import { annotation, codeCell, markdownCell, visible } from "../ci/github.ts";
import type { GuardReport, Side, Violation } from "./types.ts";

/**
 * One `::error file=…,title=…::message` workflow command per violation, escaped
 * as GitHub requires. A violation of the whole change (file count, tests) is
 * shown on the configuration file.
 *
 * @param report The result of `wst guard`.
 * @returns The lines, without newlines; none when no limit is broken.
 */
export function guardAnnotations(report: GuardReport): string[] {
  return report.violations.map((v) =>
    annotation("error", visible(v.message), {
      file: v.path ?? report.config,
      title: `wst guard: ${v.rule}`,
    })
  );
}

/**
 * Markdown for `$GITHUB_STEP_SUMMARY`: a heading with the verdict, the base and
 * head, the number of changed files, then a table of the violations (rule,
 * path, limit, what was found) or a line saying the change keeps every limit.
 * Paths are code spans that stay inside their cell whatever they hold (`|`,
 * backticks, newlines).
 *
 * @param report The result of `wst guard`.
 * @returns The Markdown, ending in a newline.
 */
export function stepSummary(report: GuardReport): string {
  const broken = report.violations.length;
  const lines = [
    report.ok
      ? "## wst guard: passed"
      : `## wst guard: failed, ${broken} ${broken === 1 ? "violation" : "violations"}`,
    "",
    `Base ${side(report.base)}, head ${side(report.head)}: ${report.files} ${
      report.files === 1 ? "file" : "files"
    } changed (limits from ${codeCell(report.config)}).`,
    "",
  ];
  if (broken === 0) {
    lines.push("The change keeps every limit.");
  } else {
    lines.push("| Rule | Path | Limit | Found |", "| --- | --- | --- | --- |");
    for (const v of report.violations) lines.push(row(v));
  }
  for (const note of report.notes) lines.push("", `> ${markdownCell(visible(note))}`);
  return `${lines.join("\n")}\n`;
}

function side(s: Side): string {
  const commit = s.commit === undefined || s.commit === s.ref ? "" : ` (${s.commit.slice(0, 12)})`;
  return `${codeCell(s.ref)}${commit}`;
}

function row(v: Violation): string {
  const path = v.path === undefined ? "whole change" : codeCell(v.path);
  const renamed = v.oldPath === undefined ? "" : ` (was ${codeCell(v.oldPath)})`;
  return `| ${v.rule} | ${path}${renamed} | ${limit(v.limit)} | ${
    v.actual === undefined ? "" : String(v.actual)
  } |`;
}

function limit(value: Violation["limit"]): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value.map(codeCell).join(", ");
}
