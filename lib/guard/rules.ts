// The five guard-rails of ai-gateway.yaml, applied to a change. Pure: the
// change comes from ./change.ts, the limits from the configuration.
import picomatch from "picomatch";
import type { AiGatewayFile } from "../config/ai_gateway.ts";
import type { Change, Violation } from "./types.ts";

/** `ai_gateway.guardrails` as parsed. */
export type Guardrails = AiGatewayFile["ai_gateway"]["guardrails"];

/** What counts as source for `require_tests` when the configuration does not say. */
export const DEFAULT_SOURCE_GLOBS: readonly string[] = [
  "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}",
  "**/*.py",
  "**/*.go",
  "**/*.{sh,bash}",
];

/** What counts as a test for `require_tests` when the configuration does not say. */
export const DEFAULT_TEST_GLOBS: readonly string[] = [
  "**/*_test.*",
  "**/*.test.*",
  "**/*.spec.*",
  "**/*_spec.*",
  "**/test_*.py",
  "**/conftest.py",
  "**/*.bats",
  "**/{test,tests,__tests__,spec,testdata}/**",
];

/** The result of the rules: the counted files and every broken limit. */
export interface RuleResult {
  /** Changed paths as `max_files_per_diff` counts them (a rename is one). */
  readonly files: number;
  readonly violations: Violation[];
}

/**
 * Applies the guard-rails to a change.
 *
 * - `max_files_per_diff`: changed paths, a rename counting once and a deletion too.
 * - `protected_paths`: globs on the path from the repository's top (`**` any folders, and a
 *   leading dot matched like any character), checked on the old and the new path of every
 *   change, and on where a new or changed symlink points.
 * - `allowed_file_types`: globs on the file name of every path a change writes (deletions
 *   write nothing); a glob with a `/` is matched against the whole path.
 * - `max_file_size_kb`: the new content's size in bytes, over 1024 × the limit.
 * - `require_tests`: source written (added, changed, renamed) and no test written.
 *
 * @param changes The change.
 * @param rails The limits; an absent one is not checked.
 * @param top The repository's top folder, for symlinks with an absolute target.
 * @returns The count and the violations, grouped in the order of the rules above.
 */
export function checkRules(
  changes: readonly Change[],
  rails: Guardrails,
  top?: string,
): RuleResult {
  const violations: Violation[] = [];
  const files = changes.length;
  if (rails.max_files_per_diff !== undefined && files > rails.max_files_per_diff) {
    violations.push({
      rule: "max_files_per_diff",
      message: `The change touches ${files} files; the limit is ${rails.max_files_per_diff}`,
      limit: rails.max_files_per_diff,
      actual: files,
    });
  }
  if (rails.protected_paths !== undefined && rails.protected_paths.length > 0) {
    violations.push(...protectedPaths(changes, rails.protected_paths, top));
  }
  if (rails.allowed_file_types !== undefined) {
    violations.push(...fileTypes(changes, rails.allowed_file_types));
  }
  if (rails.max_file_size_kb !== undefined) {
    violations.push(...fileSizes(changes, rails.max_file_size_kb));
  }
  if (rails.require_tests === true) {
    const missing = missingTests(
      changes,
      rails.source_globs ?? DEFAULT_SOURCE_GLOBS,
      rails.test_globs ?? DEFAULT_TEST_GLOBS,
    );
    if (missing !== undefined) violations.push(missing);
  }
  return { files, violations };
}

// `s`: a newline in a file name is matched like any other character (picomatch's `.` would not).
const OPTIONS = { dot: true, flags: "s" } as const;

/** One matcher per glob, so a report can name the glob that matched. */
function matchers(globs: readonly string[]): [string, (path: string) => boolean][] {
  return globs.map((glob) => [glob, matcher(glob)]);
}

/**
 * Whether a path matches a glob, or any of several: picomatch's own test with
 * these options (the path is the glob itself, or matches its regular
 * expression), without the result object picomatch's matcher builds on every
 * call (~7 ms of the rules on a 2,000-file change). Exported for its tests,
 * which hold it to picomatch's.
 *
 * @param globs One glob or several.
 * @returns The test.
 */
export function matcher(globs: string | readonly string[]): (path: string) => boolean {
  const list = typeof globs === "string" ? [globs] : globs;
  if (list.length === 0) return () => false;
  const literal = new Set(list);
  // One expression for the list (each glob's is anchored): a path is tested once, not per glob.
  const any = new RegExp(
    list.map((glob) => picomatch.makeRe(glob, OPTIONS).source).join("|"),
    OPTIONS.flags,
  );
  return (path) => path !== "" && (literal.has(path) || any.test(path));
}

function protectedPaths(
  changes: readonly Change[],
  globs: readonly string[],
  top: string | undefined,
): Violation[] {
  const tests = matchers(globs);
  // Most paths match none: one test of them all first, then the glob to name.
  const any = matcher(globs);
  const hit = (path: string) => any(path) ? tests.find(([, test]) => test(path))?.[0] : undefined;
  // A glob's fixed folder (`.github/workflows` of `.github/workflows/**`): a link to it or to a
  // folder above it reaches what the glob protects.
  const bases = globs.map((glob) => [glob, picomatch.scan(glob).base] as const);
  const above = (target: string) =>
    target === "."
      ? globs[0]
      : bases.find(([, base]) => base === target || base.startsWith(`${target}/`))?.[0];
  const out: Violation[] = [];
  for (const change of changes) {
    const verb = change.status === "deleted"
      ? "deletes"
      : change.status === "added"
      ? "adds"
      : change.status === "renamed"
      ? "renames"
      : "changes";
    if (change.oldPath !== undefined) {
      const glob = hit(change.oldPath);
      if (glob !== undefined) {
        out.push({
          rule: "protected_paths",
          path: change.path,
          oldPath: change.oldPath,
          message: `Renames protected ${change.oldPath} (${glob}) to ${change.path}`,
          limit: globs,
        });
        continue;
      }
    }
    const glob = hit(change.path);
    if (glob !== undefined) {
      out.push({
        rule: "protected_paths",
        path: change.path,
        ...(change.oldPath === undefined ? {} : { oldPath: change.oldPath }),
        message: change.oldPath === undefined
          ? `${verb[0]!.toUpperCase()}${verb.slice(1)} protected ${change.path} (${glob})`
          : `Renames ${change.oldPath} into protected ${change.path} (${glob})`,
        limit: globs,
      });
      continue;
    }
    if (change.kind === "symlink" && change.target !== undefined && change.status !== "deleted") {
      const target = linkTarget(change.path, change.target, top);
      if (target === undefined) continue;
      // The target itself, anything inside it when it is a folder, or a folder above one.
      const glob = hit(target) ?? hit(`${target}/x`) ?? above(target);
      if (glob !== undefined) {
        out.push({
          rule: "protected_paths",
          path: change.path,
          message: `Symlink ${change.path} points into protected ${target} (${glob})`,
          limit: globs,
        });
      }
    }
  }
  return out;
}

/**
 * Where a symlink at `path` (from the repository's top) points, as a path from
 * the top; undefined when it points outside the repository.
 *
 * @param path The link's path.
 * @param target What the link holds.
 * @param top The repository's top folder, for an absolute target.
 * @returns The normalised path, `.` for the top.
 */
export function linkTarget(path: string, target: string, top?: string): string | undefined {
  let parts = path.split("/").slice(0, -1);
  let rest = target;
  if (target.startsWith("/")) {
    if (top === undefined || (target !== top && !target.startsWith(`${top}/`))) return undefined;
    parts = [];
    rest = target.slice(top.length);
  }
  for (const part of rest.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
}

function fileTypes(changes: readonly Change[], globs: readonly string[]): Violation[] {
  const byName = globs.filter((g) => !g.includes("/"));
  const byPath = globs.filter((g) => g.includes("/"));
  const name = matcher(byName);
  const whole = matcher(byPath);
  const out: Violation[] = [];
  for (const change of changes) {
    if (change.status === "deleted" || change.kind === "submodule") continue;
    const base = change.path.slice(change.path.lastIndexOf("/") + 1);
    if (name(base) || whole(change.path)) continue;
    out.push({
      rule: "allowed_file_types",
      path: change.path,
      message: `Not an allowed file type: ${change.path}`,
      limit: globs,
    });
  }
  return out;
}

function fileSizes(changes: readonly Change[], kb: number): Violation[] {
  const out: Violation[] = [];
  for (const change of changes) {
    if (change.size === undefined || change.size <= kb * 1024) continue;
    const what = change.measured === "lfs-pointer" ? "its Git LFS pointer" : "its new content";
    out.push({
      rule: "max_file_size_kb",
      path: change.path,
      message: `Too large: ${change.path} is ${kib(change.size)} KiB (${what}, ${change.size} ` +
        `bytes); the limit is ${kb} KiB`,
      limit: kb,
      actual: Math.ceil(change.size / 1024),
    });
  }
  return out;
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1).replace(/\.0$/, "");
}

function missingTests(
  changes: readonly Change[],
  sourceGlobs: readonly string[],
  testGlobs: readonly string[],
): Violation | undefined {
  const isTest = matcher(testGlobs);
  const isSource = matcher(sourceGlobs);
  const written = changes.filter((c) => c.status !== "deleted" && c.kind !== "submodule");
  if (written.some((c) => isTest(c.path))) return undefined;
  const sources = written.filter((c) => isSource(c.path)).map((c) => c.path);
  if (sources.length === 0) return undefined;
  const shown = sources.slice(0, 5).join(", ") + (sources.length > 5 ? ", …" : "");
  return {
    rule: "require_tests",
    message: `The change writes ${sources.length} source file${
      sources.length === 1 ? "" : "s"
    } (${shown}) and no test`,
    limit: true,
    actual: sources.length,
  };
}
