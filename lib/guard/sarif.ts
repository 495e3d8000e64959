// A `wst guard` report as a SARIF 2.1.0 log, for GitHub code scanning
// (`github/codeql-action/upload-sarif`) and other SARIF readers:
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html

import type { GuardReport, RuleName, Violation } from "./types.ts";

/** The schema a SARIF 2.1.0 log names in `$schema`. */
export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The base every artifact URI of the log is relative to: the repository's top. */
export const SRCROOT = "%SRCROOT%";

interface RuleText {
  readonly short: string;
  readonly full: string;
  readonly help: string;
}

/** What each limit of `guardrails` means, in the order the log lists them. */
const RULES: Readonly<Record<RuleName, RuleText>> = {
  max_files_per_diff: {
    short: "Too many files changed",
    full: "The change touches more files than guardrails.max_files_per_diff allows " +
      "(a rename counts as one).",
    help: "Split the change into smaller ones, or raise guardrails.max_files_per_diff " +
      "in ai-gateway.yaml.",
  },
  protected_paths: {
    short: "Protected path changed",
    full: "The change adds, modifies, deletes or renames a path that matches a glob of " +
      "guardrails.protected_paths.",
    help: "Leave protected paths to a human: undo the change to this path, or remove its glob " +
      "from guardrails.protected_paths in ai-gateway.yaml.",
  },
  allowed_file_types: {
    short: "File type not allowed",
    full: "The change adds or modifies a path that matches none of the globs of " +
      "guardrails.allowed_file_types.",
    help: "Use a file type the guardrails allow, or add a glob for this one to " +
      "guardrails.allowed_file_types in ai-gateway.yaml.",
  },
  max_file_size_kb: {
    short: "File too large",
    full: "A file of the change is larger than guardrails.max_file_size_kb KiB " +
      "(a Git LFS file counts as its pointer, as git stores it).",
    help: "Make the file smaller, keep it out of the repository, or raise " +
      "guardrails.max_file_size_kb in ai-gateway.yaml.",
  },
  require_tests: {
    short: "Change without tests",
    full: "guardrails.require_tests is true and the change touches no test file.",
    help: "Add or update a test that covers the change.",
  },
};

const RULE_NAMES = Object.keys(RULES) as RuleName[];

/**
 * Renders a guard report as a SARIF 2.1.0 log: one run of the driver
 * `wst guard` with one rule per limit, one result (level `error`) per
 * violation. Every result has a location, as GitHub code scanning requires:
 * the offending path, or the configuration file for a violation of the
 * whole change (file count, tests). URIs are relative to `%SRCROOT%` and
 * percent-encoded. The output depends on the report alone (no timestamps).
 *
 * @param report The result of `wst guard`.
 * @param tool The version of wst, and where to read about it.
 * @returns The log, ready for `JSON.stringify`.
 */
export function toSarif(
  report: GuardReport,
  tool: { version: string; informationUri?: string },
): Record<string, unknown> {
  const driver: Record<string, unknown> = {
    name: "wst guard",
    version: tool.version,
    ...(tool.informationUri === undefined ? {} : { informationUri: tool.informationUri }),
    rules: RULE_NAMES.map((id) => ({
      id,
      name: id,
      shortDescription: { text: RULES[id].short },
      fullDescription: { text: RULES[id].full },
      help: { text: RULES[id].help },
      defaultConfiguration: { level: "error" },
    })),
  };
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [{
      tool: { driver },
      columnKind: "unicodeCodePoints",
      results: report.violations.map((v) => result(v, report.config)),
    }],
  };
}

function result(violation: Violation, config: string): Record<string, unknown> {
  const path = violation.path ?? config;
  const related = violation.oldPath === undefined ? [] : [{
    id: 1,
    physicalLocation: { artifactLocation: artifact(violation.oldPath) },
    message: { text: `The path before the rename: ${violation.oldPath}` },
  }];
  return {
    ruleId: violation.rule,
    ruleIndex: RULE_NAMES.indexOf(violation.rule),
    level: "error",
    message: { text: violation.message },
    locations: [{
      physicalLocation: { artifactLocation: artifact(path), region: { startLine: 1 } },
    }],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    partialFingerprints: {
      // GitHub computes this one from the file's lines unless it is given; a
      // violation is about a path (or the change), not a line, and the file
      // may be gone (a deletion).
      primaryLocationLineHash: `${
        fingerprint([violation.rule, violation.path ?? "", violation.oldPath ?? ""])
      }:1`,
    },
    properties: {
      limit: violation.limit,
      ...(violation.actual === undefined ? {} : { actual: violation.actual }),
    },
  };
}

function artifact(path: string): Record<string, unknown> {
  return { uri: relativeUri(path), uriBaseId: SRCROOT };
}

/**
 * A repository path as an RFC 3986 relative reference: each segment
 * percent-encoded as UTF-8 (spaces, `%`, `#`, `?`, `:`, `\`, control and
 * non-ASCII characters), `/` kept between segments. `decodeURIComponent`
 * gives the path back.
 *
 * @param path A path relative to the repository's top, with `/`.
 * @returns The URI reference.
 */
export function relativeUri(path: string): string {
  // A lone surrogate cannot be encoded as UTF-8; git never gives one.
  return path.toWellFormed().split("/").map(encodeURIComponent).join("/");
}

/** FNV-1a, 64 bits, over the parts joined by NUL: a stable id, not a secret. */
function fingerprint(parts: readonly string[]): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(parts.join("\0"))) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  }
  return hash.toString(16).padStart(16, "0");
}
