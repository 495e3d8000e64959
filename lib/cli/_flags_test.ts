import { z } from "zod";
import { assertEquals } from "../../tests/assert.ts";
import { parametersFromSchema } from "./_flags.ts";

Deno.test("parametersFromSchema() derives switches, choices, numbers, lists and positionals", () => {
  const schema = z.toJSONSchema(
    z.object({
      name: z.string().meta({ positional: true, description: "Project name" }),
      dryRun: z.boolean().default(false),
      format: z.enum(["kiro", "codev"]),
      jobs: z.number().int().default(2),
      tags: z.array(z.string()).optional(),
    }),
    { io: "input" },
  ) as Record<string, unknown>;
  const params = parametersFromSchema(schema);
  assertEquals(params.positionalNames, ["name"]);
  const flags = params.flags as Record<string, Record<string, unknown>>;
  assertEquals(flags.dryRun?.kind, "boolean");
  assertEquals([flags.format?.kind, flags.format?.values, flags.format?.optional], [
    "enum",
    ["kiro", "codev"],
    false,
  ]);
  assertEquals([flags.jobs?.kind, flags.jobs?.optional, flags.jobs?.brief], [
    "parsed",
    true,
    " (default: 2)",
  ]);
  assertEquals((flags.jobs?.parse as (s: string) => unknown)("4"), 4);
  assertEquals([flags.tags?.variadic, flags.tags?.optional], [true, true]);
});
