/**
 * Workspaces (workspaces.yaml, docs/formats.md): where each project's clone lives, git without
 * prompts, clone states, and the VS Code `.code-workspace` files.
 *
 * @module
 */
export { codeWorkspace, VSCODE_DIR } from "./code_workspace.ts";
export {
  type CloneState,
  cloneState,
  git,
  gitMessage,
  type GitResult,
  NON_INTERACTIVE_GIT_ENV,
} from "./git.ts";
export { type Placement, placements, type WorkspacesFile } from "./plan.ts";
export { loadWorkspaces, WORKSPACES_FILE } from "./load.ts";
