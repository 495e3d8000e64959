import { assertEquals } from "../../tests/assert.ts";
import * as z from "../zod.ts";
import { formatZodIssues } from "./zod_issues.ts";

const issues = (schema: z.ZodMiniType, value: unknown) => {
  const result = z.safeParse(schema, value);
  return result.success ? [] : result.error.issues;
};

Deno.test("formatZodIssues() says a missing flag is required, and shows other problems with the flag's name", () => {
  const args = z.object({
    cluster: z.string(),
    count: z.number(),
    changedSince: z.optional(z.string()),
  });
  assertEquals(formatZodIssues(issues(args, { count: 1 }), "flag"), "--cluster is required");
  assertEquals(
    formatZodIssues(issues(args, { cluster: "c" }), "flag"),
    "--count is required (number)",
  );
  assertEquals(
    formatZodIssues(issues(args, { cluster: "c", count: 1, changedSince: 3 }), "flag"),
    "--changed-since: Invalid input: expected string, received number",
  );
  // A file's path keeps zod's words.
  assertEquals(
    formatZodIssues(issues(args, { count: 1 }), "path"),
    "cluster: Invalid input: expected string, received undefined",
  );
});
