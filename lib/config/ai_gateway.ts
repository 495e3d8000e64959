import * as z from "zod";

/** `ai-gateway.yaml`: models, guard-rails for agent-written changes, BMAD and discovery. */
export const aiGatewayFileSchema = z.strictObject({
  ai_gateway: z.strictObject({
    version: z.string().min(1).describe('Format version, e.g. "1.0" (quote it: 1.0 is a number)'),
    ai_models: z.strictObject({
      primary: z.string().min(1),
      fallback: z.string().min(1).optional(),
      specialized: z.record(z.string(), z.string().min(1)).optional(),
    }),
    guardrails: z.strictObject({
      max_files_per_diff: z.int().positive().optional(),
      require_tests: z.boolean().optional(),
      protected_paths: z.array(z.string().min(1)).optional().describe("Globs no change may touch"),
      max_file_size_kb: z.int().positive().optional(),
      allowed_file_types: z.array(z.string().min(1)).optional().describe(
        "Globs of file names a change may touch",
      ),
    }),
    bmad: z.strictObject({
      enabled: z.boolean(),
      methodology_source: z.string().min(1).optional(),
      inherit_templates: z.boolean().optional(),
      cross_workspace_learning: z.boolean().optional(),
    }).optional(),
    discovery: z.strictObject({
      workspace_source: z.string().min(1).optional(),
      ai_state_directory: z.string().min(1).optional(),
      auto_enable_workspaces: z.boolean().optional(),
    }).optional(),
  }),
});

/** The parsed `ai-gateway.yaml`. */
export type AiGatewayFile = z.output<typeof aiGatewayFileSchema>;
