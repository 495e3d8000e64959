import { ConfigError, formatIssue } from "../errors/mod.ts";
import { parseConfig, readConfigFile, workspacesFileSchema } from "../config/mod.ts";
import type { Reporter } from "../reporter/mod.ts";
import type { WorkspacesFile } from "./plan.ts";

/** The workspace configuration file, relative to the root. */
export const WORKSPACES_FILE = "workspaces.yaml";

/**
 * Reads and validates `workspaces.yaml`; unknown keys are logged as warnings.
 *
 * @throws {ConfigError} When it is missing, malformed or invalid.
 */
export async function loadWorkspaces(root: string, log: Reporter): Promise<WorkspacesFile> {
  const text = await readConfigFile(`${root}/${WORKSPACES_FILE}`, WORKSPACES_FILE);
  if (text === null) {
    throw new ConfigError([{
      file: WORKSPACES_FILE,
      path: "",
      message: `Not found in ${JSON.stringify(root)} (use --root to point at the workspace)`,
    }]);
  }
  const { data, warnings } = await parseConfig(WORKSPACES_FILE, text, workspacesFileSchema);
  for (const w of warnings) log.warn(formatIssue(w));
  return data;
}
