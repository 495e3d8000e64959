/**
 * Merge-request target discovery (docs/formats.md, "Discovery"): the tree walk, Taskfile
 * and kustomization detection, unique names, change filtering.
 *
 * @module
 */
export {
  affectedTargets,
  comparePaths,
  discoverTargets,
  type Discovery,
  type Target,
  type TargetType,
} from "./discover.ts";
export { changedPaths } from "./changes.ts";
export { uniqueNames } from "./names.ts";
export { readTaskfile, TEST_MR_TASK } from "./taskfile.ts";
export {
  KUSTOMIZATION_NAMES,
  type Problem,
  SKIPPED_DIRS,
  TASKFILE_NAMES,
  walkTree,
} from "./walk.ts";
