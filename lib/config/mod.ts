/**
 * The configuration files a workspace already has (`workspaces.yaml`,
 * `ai-gateway.yaml`, `.ai/projects/<name>/metadata.json`): their zod schemas,
 * a loader whose errors carry file, line and column, and their JSON Schemas.
 *
 * @module
 */
import * as z from "../zod.ts";
import { aiGatewayFileSchema } from "./ai_gateway.ts";
import { projectMetadataSchema } from "./project_metadata.ts";
import { workspacesFileSchema } from "./workspaces.ts";

export { aiGatewayFileSchema } from "./ai_gateway.ts";
export type { AiGatewayFile } from "./ai_gateway.ts";
export { projectMetadataSchema, projectNameSchema } from "./project_metadata.ts";
export type { ProjectMetadata } from "./project_metadata.ts";
export { TOOL_NAME, workspacesFileSchema } from "./workspaces.ts";
export type { WorkspacesFile } from "./workspaces.ts";
export { MAX_CONFIG_BYTES, parseConfig, readConfigFile, readConfigFileSync } from "./load.ts";
export type { LoadedConfig, ParseConfigOptions } from "./load.ts";

/**
 * Env vars the `yaml` package reads when it parses (its debug switches).
 * A task that parses YAML declares them: the sandbox refuses what is not declared.
 */
export const YAML_ENV: readonly string[] = ["LOG_STREAM", "LOG_TOKENS"];

/** A kind of configuration file wst knows. */
export interface ConfigKind {
  /** The name used by `wst schema <name>`. */
  readonly name: string;
  /** Where the file lives, relative to the workspace root (a glob for per-project files). */
  readonly file: string;
  /** Text format. */
  readonly format: "yaml" | "json";
  /** One line for `wst schema --help`. */
  readonly description: string;
  /** The schema. */
  readonly schema: z.core.$ZodType;
}

/** Every configuration file kind, by schema name. */
export const CONFIG_KINDS: readonly ConfigKind[] = [
  {
    name: "workspaces",
    file: "workspaces.yaml",
    format: "yaml",
    description: "Projects, workspaces and development tools of the workspace",
    schema: workspacesFileSchema,
  },
  {
    name: "ai-gateway",
    file: "ai-gateway.yaml",
    format: "yaml",
    description: "AI models, guard-rails, BMAD and discovery settings",
    schema: aiGatewayFileSchema,
  },
  {
    name: "project-metadata",
    file: ".ai/projects/*/metadata.json",
    format: "json",
    description: "Metadata of one AI project artifact folder",
    schema: projectMetadataSchema,
  },
];

/**
 * The JSON Schema (draft 2020-12) of a configuration file kind, for editors
 * (yaml-language-server) to validate as people type.
 *
 * @param kind The file kind.
 * @returns A JSON Schema object.
 */
export function configJsonSchema(kind: ConfigKind): Record<string, unknown> {
  return {
    ...z.toJSONSchema(kind.schema, { io: "input" }),
    title: kind.file,
    description: kind.description,
  };
}
