import * as z from "../zod.ts";

/** A string with at least one character. */
const text = () => z.string().check(z.minLength(1));

/** A project name: a folder name under `.ai/projects/`, kebab-case. */
export const projectNameSchema = z.string().check(z.regex(
  /^[a-z0-9][a-z0-9._-]*$/,
  "Expected a lower-case name of letters, digits, '.', '_' and '-', starting with a letter or digit",
));

/** `.ai/projects/<name>/metadata.json`. Built on first use. */
export const projectMetadataSchema = z.lazy(() =>
  z.strictObject({
    name: projectNameSchema,
    displayName: text(),
    created: z.iso.datetime({ offset: true }),
    updated: z.iso.datetime({ offset: true }),
    format: z.enum(["kiro", "codev"]),
    artifacts: z.array(text()),
    status: text(),
    codevNumber: z.optional(
      z.string().check(z.regex(/^\d{4}$/, 'Expected four digits, e.g. "0001"')),
    ),
    tags: z.optional(z.array(text())),
    repository: z.optional(text()),
    description: z.optional(z.string()),
  }).check(z.superRefine((meta, ctx) => {
    if (meta.format === "codev" && meta.codevNumber === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["codevNumber"],
        message: 'A codev project needs codevNumber (four digits, e.g. "0001")',
      });
    }
  }))
);

/** The parsed `metadata.json`. */
export type ProjectMetadata = z.output<typeof projectMetadataSchema>;
