import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import {
  aiGatewayFileSchema,
  parseConfig,
  projectMetadataSchema,
  readConfigFileSync,
  workspacesFileSchema,
  YAML_ENV,
} from "../lib/config/mod.ts";
import { ConfigError, type ConfigIssue, formatIssue, UsageError } from "../lib/errors/mod.ts";

/** What `validate-config` found in one file. */
export interface FileReport {
  file: string;
  warnings: ConfigIssue[];
}

/** The result of `validate-config`. */
export interface ValidateConfigResult {
  valid: true;
  files: FileReport[];
}

const ROOT_FILES = [
  { file: "workspaces.yaml", schema: workspacesFileSchema },
  { file: "ai-gateway.yaml", schema: aiGatewayFileSchema },
] as const;

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export default defineTask({
  name: "validate-config",
  description: "Check workspaces.yaml, ai-gateway.yaml and project metadata against their schemas",
  args: z.object({
    strict: z._default(z.boolean(), false).check(
      z.describe("Treat warnings (unknown keys) as errors"),
    ),
  }),
  permissions: {
    read: ["workspaces.yaml", "ai-gateway.yaml", ".ai/projects"],
    env: [...YAML_ENV],
  },
  async run(ctx, args): Promise<ValidateConfigResult> {
    const files: FileReport[] = [];
    const errors: ConfigIssue[] = [];
    // Synchronous reads: a few small files, in the task's own worker thread.
    const check = async <S extends z.core.$ZodType>(
      file: string,
      schema: S,
      format: "yaml" | "json",
      extra?: (data: z.output<S>) => ConfigIssue[],
    ) => {
      let text: string | null;
      try {
        text = readConfigFileSync(`${ctx.root}/${file}`, file);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        errors.push(...err.issues); // a FIFO, a folder, a file too large
        return;
      }
      if (text === null) return;
      // Deno decodes leniently: a byte that is not UTF-8 becomes U+FFFD, silently.
      if (text.includes("\uFFFD") && !isUtf8(Deno.readFileSync(`${ctx.root}/${file}`))) {
        errors.push({ file, path: "", message: "Expected UTF-8 text, found bytes that are not" });
        return;
      }
      try {
        const { data, warnings } = await parseConfig(file, text, schema, { format });
        errors.push(...(extra?.(data) ?? []));
        files.push({ file, warnings: [...warnings] });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        errors.push(...err.issues);
      }
    };

    for (const { file, schema } of ROOT_FILES) await check(file, schema, "yaml");
    for (const name of projectFolders(`${ctx.root}/.ai/projects`)) {
      const file = `.ai/projects/${name}/metadata.json`;
      await check(file, projectMetadataSchema, "json", (meta) =>
        meta.name === name ? [] : [{
          file,
          line: 1,
          column: 1,
          path: "name",
          message: `Expected the folder's name ${JSON.stringify(name)}, found ${
            JSON.stringify(meta.name)
          }`,
        }]);
    }

    const warnings = files.flatMap((f) => f.warnings);
    // An unknown key is an error here: not "ignored", as the warning says.
    if (args.strict) {
      errors.push(
        ...warnings.map((w) => ({ ...w, message: w.message.replace(/ is ignored$/, "") })),
      );
    }
    if (errors.length > 0) throw new ConfigError(errors);
    if (files.length === 0) {
      throw new UsageError(
        `No configuration file found in ${JSON.stringify(ctx.root)}: looked for workspaces.yaml, ` +
          "ai-gateway.yaml and .ai/projects/*/metadata.json (use --root to point at the workspace)",
      );
    }
    for (const w of warnings) ctx.log.warn(formatIssue(w));
    return { valid: true, files };
  },
  render(result) {
    return result.files.map((f) =>
      `✓ ${f.file}${f.warnings.length > 0 ? ` (${f.warnings.length} warning(s))` : ""}`
    ).join("\n");
  },
});

function projectFolders(dir: string): string[] {
  const names: string[] = [];
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort();
}
