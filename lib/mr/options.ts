import * as z from "../zod.ts";
import type { Discovery } from "../discovery/mod.ts";
import { UsageError } from "../errors/mod.ts";

/** The flags validate-kustomizations and test-mr-all share. */
export const runFlags = {
  jobs: z.optional(z.number().check(z.int(), z.minimum(1))).check(
    z.describe("Targets checked at a time (default: the number of CPU cores)"),
  ),
  timeout: z._default(z.number().check(z.positive()), 300).check(
    z.describe("Seconds a target may take"),
  ),
  failFast: z._default(z.boolean(), false).check(
    z.describe("Stop starting targets after the first failure (default: keep going)"),
  ),
  cache: z._default(z.boolean(), true).check(
    z.describe(
      "Reuse results of kustomizations whose inputs did not change (--no-cache: build all)",
    ),
  ),
  junit: z.optional(z.string().check(z.minLength(1))).check(
    z.describe("Write a JUnit XML report to this file"),
    z.meta({ format: "path" }),
  ),
  target: z.optional(z.string().check(z.minLength(1))).check(
    z.describe("Only the target with this path (as in the matrix), e.g. for one CI matrix job"),
    z.meta({ format: "path" }),
  ),
};

/**
 * Environment a run may read: `PATH` (to tell which of kustomize and kubectl is installed
 * without starting either), GitHub Actions' files, and what Helm needs to find its home.
 */
export const RUN_ENV = [
  "PATH",
  "GITHUB_ACTIONS",
  "GITHUB_STEP_SUMMARY",
  "HOME",
  "XDG_CACHE_HOME",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
] as const;

/** The writable paths of a run: the cache, the JUnit file, the step summary. */
export function runWrites(args: { junit?: string | undefined }): string[] {
  // The JUnit file is written beside itself, then renamed over (never half a file).
  return [
    ".wst/cache",
    "$GITHUB_STEP_SUMMARY",
    ...(args.junit ? [args.junit, `${args.junit}.tmp`] : []),
  ];
}

/** Parallelism: `--jobs`, else the number of cores. */
export function jobsOf(args: { jobs?: number | undefined }): number {
  return args.jobs ?? Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Keeps the target with `--target <path>` when given.
 *
 * @throws {UsageError} When no discovered target has that path.
 */
export function selectTarget(discovery: Discovery, path: string | undefined): Discovery {
  if (path === undefined) return discovery;
  const wanted = path.replace(/^\.\//, "").replace(/\/+$/, "") || ".";
  const targets = discovery.targets.filter((t) => t.path === wanted);
  if (targets.length === 0) {
    throw new UsageError(
      `No target has the path ${JSON.stringify(path)}: run discover-mr-targets to list them`,
    );
  }
  return { ...discovery, targets };
}
