/**
 * Development tools (`development_tools`, docs/formats.md): the catalog, checks, installers and the
 * lock file of pinned downloads.
 *
 * @module
 */
export {
  CATALOG,
  CATEGORY_INSTALLERS,
  type Installer,
  type ToolSpec,
  toolSpec,
} from "./catalog.ts";
export { checkTool, configuredTools, type ToolCheck } from "./check.ts";
export {
  installBinary,
  installPackages,
  releaseArch,
  resolveDownload,
  sha256File,
} from "./install.ts";
export { type LockedTool, pinFor, readLock, TOOLS_LOCK, type ToolsLock } from "./lock.ts";
