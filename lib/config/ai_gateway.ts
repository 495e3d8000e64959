import * as z from "../zod.ts";

/** A string with at least one character. */
const text = () => z.string().check(z.minLength(1));
const positiveInt = () => z.int().check(z.positive());

/**
 * `ai-gateway.yaml`: models, guard-rails for agent-written changes, BMAD and
 * discovery. Built on first use.
 */
export const aiGatewayFileSchema = z.lazy(() =>
  z.strictObject({
    ai_gateway: z.strictObject({
      version: text().check(z.describe('Format version, e.g. "1.0" (quote it: 1.0 is a number)')),
      ai_models: z.strictObject({
        primary: text(),
        fallback: z.optional(text()),
        specialized: z.optional(z.record(z.string(), text())),
      }),
      guardrails: z.strictObject({
        max_files_per_diff: z.optional(positiveInt()),
        require_tests: z.optional(z.boolean()),
        protected_paths: z.optional(z.array(text())).check(z.describe("Globs no change may touch")),
        max_file_size_kb: z.optional(positiveInt()),
        allowed_file_types: z.optional(z.array(text())).check(z.describe(
          "Globs of file names a change may touch",
        )),
        source_globs: z.optional(z.array(text())).check(z.describe(
          "Globs of paths that count as source for require_tests (default: TypeScript/JavaScript, Python, Go, shell)",
        )),
        test_globs: z.optional(z.array(text())).check(z.describe(
          "Globs of paths that count as tests for require_tests (default: *_test.*, *.test.*, *.spec.*, test_*.py, tests/ …)",
        )),
      }),
      bmad: z.optional(z.strictObject({
        enabled: z.boolean(),
        methodology_source: z.optional(text()),
        inherit_templates: z.optional(z.boolean()),
        cross_workspace_learning: z.optional(z.boolean()),
      })),
      discovery: z.optional(z.strictObject({
        workspace_source: z.optional(text()),
        ai_state_directory: z.optional(text()),
        auto_enable_workspaces: z.optional(z.boolean()),
      })),
    }),
  })
);

/** The parsed `ai-gateway.yaml`. */
export type AiGatewayFile = z.output<typeof aiGatewayFileSchema>;
