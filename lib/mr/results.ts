import { annotation, codeCell, junitXml, markdownCell } from "../ci/mod.ts";
import { table } from "../reporter/table.ts";

/** How one target ended. */
export type TargetStatus = "passed" | "failed" | "skipped";

/** One target's result, as printed with `--json` and in reports. */
export interface TargetResult {
  name: string;
  /** Folder relative to the root. */
  path: string;
  /** `kustomization`, `taskfile` or `module`. */
  type: string;
  status: TargetStatus;
  /** Whether the result came from the validation cache. */
  cached: boolean;
  /** Wall time in milliseconds (0 when cached). */
  ms: number;
  /** What failed (the tool's own message), or why it was skipped. */
  message: string;
  /** What produced the result: `kubectl v1.32.4 (kustomize v5.5.0)`, `task`, `wst`. */
  tool: string;
  /** The file to point annotations at, relative to the root. */
  file: string;
}

/** The result of a target `--fail-fast` kept from starting. */
export function skippedResult(
  target: { name: string; path: string; type: string; file: string },
): TargetResult {
  return {
    name: target.name,
    path: target.path,
    type: target.type,
    status: "skipped",
    cached: false,
    ms: 0,
    message: "Not run: --fail-fast stopped the run",
    tool: "",
    file: target.file,
  };
}

/** Counts of a run. */
export interface Totals {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  cached: number;
}

/** Counts results by status. */
export function totals(results: readonly TargetResult[]): Totals {
  return {
    total: results.length,
    passed: results.filter((r) => r.status === "passed").length,
    failed: results.filter((r) => r.status === "failed").length,
    skipped: results.filter((r) => r.status === "skipped").length,
    cached: results.filter((r) => r.cached).length,
  };
}

/** The summary table and every failure's message, for people. */
export function renderResults(results: readonly TargetResult[]): string {
  if (results.length === 0) return "No targets to check";
  const rows = results.map((r) => [
    r.status === "passed" ? "ok" : r.status === "failed" ? "FAIL" : "skip",
    r.name,
    r.type,
    r.cached ? "cached" : `${(r.ms / 1000).toFixed(2)}s`,
    r.path,
  ]);
  const t = totals(results);
  const failures = results.filter((r) => r.status === "failed").map((r) =>
    `\n--- ${r.name} (${r.path}) failed:\n${r.message}`
  );
  return `${table(["", "NAME", "TYPE", "TIME", "PATH"], rows)}\n${failures.join("\n")}\n\n` +
    `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.cached} from cache)`;
}

/** JUnit XML for the results. */
export function resultsJunit(suite: string, results: readonly TargetResult[]): string {
  return junitXml(
    suite,
    results.map((r) => ({
      name: r.name,
      classname: `${r.type}.${r.path}`,
      time: r.ms / 1000,
      failure: r.status === "failed"
        ? { message: firstLine(r.message), details: r.message }
        : undefined,
      skipped: r.status === "skipped" ? r.message : undefined,
    })),
  );
}

/** `::error file=…::` lines for the failed results. */
export function resultsAnnotations(results: readonly TargetResult[]): string[] {
  return results.filter((r) => r.status === "failed").map((r) =>
    annotation("error", r.message, { file: r.file, title: `${r.name} (${r.type}) failed` })
  );
}

/** The Markdown summary for `$GITHUB_STEP_SUMMARY`. */
export function resultsMarkdown(title: string, results: readonly TargetResult[]): string {
  const t = totals(results);
  const lines = [
    `### ${title}`,
    "",
    `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.cached} from cache)`,
    "",
    "| | Target | Type | Path | Message |",
    "|---|---|---|---|---|",
    ...results.map((r) =>
      `| ${r.status === "passed" ? "✅" : r.status === "failed" ? "❌" : "⏭️"} | ${
        markdownCell(r.name)
      } | ${r.type} | ${codeCell(r.path)} | ${markdownCell(firstLine(r.message))} |`
    ),
    "",
  ];
  return lines.join("\n");
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
}
