import * as z from "zod";

/** A project name: a folder name under `.ai/projects/`, kebab-case. */
export const projectNameSchema = z.string().regex(
  /^[a-z0-9][a-z0-9._-]*$/,
  "Expected a lower-case name of letters, digits, '.', '_' and '-', starting with a letter or digit",
);

/** `.ai/projects/<name>/metadata.json`. */
export const projectMetadataSchema = z.strictObject({
  name: projectNameSchema,
  displayName: z.string().min(1),
  created: z.iso.datetime({ offset: true }),
  updated: z.iso.datetime({ offset: true }),
  format: z.enum(["kiro", "codev"]),
  artifacts: z.array(z.string().min(1)),
  status: z.string().min(1),
  codevNumber: z.string().regex(/^\d{4}$/, 'Expected four digits, e.g. "0001"').optional(),
  tags: z.array(z.string().min(1)).optional(),
  repository: z.string().min(1).optional(),
  description: z.string().optional(),
}).superRefine((meta, ctx) => {
  if (meta.format === "codev" && meta.codevNumber === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["codevNumber"],
      message: 'A codev project needs codevNumber (four digits, e.g. "0001")',
    });
  }
});

/** The parsed `metadata.json`. */
export type ProjectMetadata = z.output<typeof projectMetadataSchema>;
