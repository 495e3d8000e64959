import type { CliContext, GlobalFlags } from "./_context.ts";

/** Names accepted by `wst schema`. Kept here (not imported from lib/config) so help needs no zod. */
export const SCHEMA_NAMES = ["workspaces", "ai-gateway", "project-metadata"] as const;

/** `wst schema <name>`: the JSON Schema of a configuration file, for editors. */
export async function schemaCommand(
  this: CliContext,
  _flags: GlobalFlags,
  name: typeof SCHEMA_NAMES[number],
): Promise<void> {
  const { CONFIG_KINDS, configJsonSchema } = await import("../config/mod.ts");
  const kind = CONFIG_KINDS.find((k) => k.name === name)!;
  this.process.stdout.write(`${JSON.stringify(configJsonSchema(kind), null, 2)}\n`);
}
