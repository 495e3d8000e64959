/**
 * AI project artifacts (docs/formats.md, "AI projects"): the `.ai/projects/` layout, Kiro
 * symlinks, Codev pointer files, and the listing with its health checks.
 *
 * @module
 */
export {
  CODEV_KINDS,
  type CodevKind,
  KIRO_ARTIFACTS,
  KIRO_SPECS_DIR,
  kiroLinkTarget,
  pointerPath,
  PROJECTS_DIR,
  renderPointer,
  titleOf,
} from "./layout.ts";
export { listProjects, type Orphan, type ProjectEntry, type ProjectListing } from "./scan.ts";
export { checkProjectName, nextCodevNumber, projectPaths } from "./create.ts";
export {
  applyStep,
  type Journal,
  JOURNAL_PATH,
  type JournalRun,
  readJournal,
  removeJournal,
  undoStep,
  writeJournal,
} from "./migrate_apply.ts";
export {
  exists,
  ignores,
  type MigrationPlan,
  planMigration,
  type Source,
  type Step,
} from "./migrate_plan.ts";
