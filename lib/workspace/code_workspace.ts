import type { WorkspacesFile } from "./plan.ts";

/** Where the VS Code workspace files go, relative to the root. */
export const VSCODE_DIR = ".vscode";

/**
 * The `.code-workspace` file of one workspace: `folders` (paths relative to
 * the file, absent projects left out) and `extensions.recommendations` are
 * generated; every other key of an existing file (settings, launch,
 * `extensions.unwantedRecommendations` …) is kept as it was, in its place.
 *
 * @param config The parsed workspaces.yaml.
 * @param name The workspace.
 * @param existing The current file's text, or null.
 * @returns The file's new text.
 * @throws {SyntaxError} When the existing file is not plain JSON (comments, say).
 */
export function codeWorkspace(
  config: WorkspacesFile,
  name: string,
  existing: string | null,
): string {
  const workspace = config.workspaces.find((w) => w.name === name)!;
  const present = new Set(
    config.projects.filter((p) => p.desired_state === "present").map((p) => p.name),
  );
  const folders = workspace.projects.filter((p) => present.has(p)).map((p) => ({
    name: p,
    path: `../${workspace.internalFolder ? `${workspace.internalFolder}/` : ""}${p}`,
  }));
  const current = existing === null ? {} : JSON.parse(existing) as Record<string, unknown>;
  const extensions = {
    ...(typeof current.extensions === "object" && current.extensions !== null
      ? current.extensions
      : {}),
    recommendations: [...(workspace.extensions ?? [])],
  };
  const next: Record<string, unknown> = existing === null
    ? { folders, extensions, settings: {} }
    : { ...current, folders, extensions };
  return JSON.stringify(next, null, 2) + "\n";
}
