import { WstError } from "../errors/mod.ts";
import { TOOL_NAME } from "../config/mod.ts";
import type { Shell } from "../task/context.ts";
import type { WorkspacesFile } from "../workspace/mod.ts";
import { type ToolSpec, toolSpec } from "./catalog.ts";

/** What check-tools found for one tool. */
export interface ToolCheck {
  name: string;
  category: string;
  installer: ToolSpec["installer"];
  present: boolean;
  /** First line of its version output, or null. */
  version: string | null;
  /** Where it is on PATH, or null. */
  path: string | null;
}

/** Every tool of `development_tools`, with its category. */
export function configuredTools(
  config: WorkspacesFile,
): Array<{ spec: ToolSpec; category: string }> {
  const tools: Array<{ spec: ToolSpec; category: string }> = [];
  for (const [category, names] of Object.entries(config.development_tools ?? {})) {
    for (const name of names ?? []) tools.push({ spec: toolSpec(name, category), category });
  }
  return tools;
}

/**
 * Looks a tool up on PATH (`command -v`) and asks its version. Tools are
 * names from workspaces.yaml (never paths: see `TOOL_NAME`), so both go
 * through `sh`; a tool found only through a relative PATH entry counts as missing.
 *
 * @param $ A shell that may run `sh`.
 * @param spec The tool.
 * @param category Its category in development_tools.
 */
export async function checkTool($: Shell, spec: ToolSpec, category: string): Promise<ToolCheck> {
  const base = { name: spec.name, category, installer: spec.installer };
  // workspaces.yaml's schema refuses such names; a path here would run a file the repository chose.
  if (!TOOL_NAME.test(spec.binary)) {
    throw new WstError(
      `Cannot check tool ${JSON.stringify(spec.name)}: ${
        JSON.stringify(spec.binary)
      } is not a command name looked up on PATH`,
    );
  }
  const found = await $`sh -c ${'command -v "$0"'} ${spec.binary}`.stdout("piped").stderr("null")
    .noThrow();
  // Only an executable file found on PATH: not a shell builtin, alias or function, nor a file found
  // through a relative PATH entry (".", "bin"), which would be the repository's.
  const path = found.code === 0 && found.stdout.trim().startsWith("/") ? found.stdout.trim() : "";
  if (path === "") return { ...base, present: false, version: null, path: null };
  const out = await $`sh -c ${'"$0" "$@" 2>&1'} ${path} ${spec.versionArgs}`.stdout("piped")
    .stderr("null").noThrow().timeout(15_000);
  const version = out.stdout.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? null;
  return { ...base, present: true, version, path };
}
