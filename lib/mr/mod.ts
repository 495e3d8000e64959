/**
 * Running merge-request targets: the kustomization validator with its cache,
 * a bounded pool, results and their reports (table, JUnit, GitHub).
 *
 * @module
 */
export { runPool } from "./pool.ts";
export {
  renderResults,
  resultsAnnotations,
  resultsJunit,
  resultsMarkdown,
  skippedResult,
  type TargetResult,
  type TargetStatus,
  type Totals,
  totals,
} from "./results.ts";
export { createValidator, type ValidateOptions, type Validator } from "./validate.ts";
export { jobsOf, RUN_ENV, runFlags, runWrites, selectTarget } from "./options.ts";
export { writeReports } from "./report.ts";
export { parseShard, type Shard, shardItems } from "./shard.ts";
