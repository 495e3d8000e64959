// Builds Stricli flags and positionals from a task's argument JSON Schema
// (itself generated from the task's zod schema: one source of truth).
import { buildChoiceParser, numberParser } from "@stricli/core";

/** A JSON Schema property, as zod's `toJSONSchema` emits it. */
interface JsonProperty {
  type?: string | string[];
  enum?: unknown[];
  items?: JsonProperty;
  default?: unknown;
  description?: string;
  anyOf?: JsonProperty[];
  positional?: boolean;
  format?: string;
}

/** Stricli parameters of one task command. */
export interface TaskParameters {
  flags: Record<string, unknown>;
  positional: { kind: "tuple"; parameters: unknown[] };
  /** Argument names taken positionally, in order. */
  positionalNames: string[];
}

/** The property type, looking through `anyOf` with `null` (nullable). */
function simpleType(prop: JsonProperty): string | undefined {
  if (typeof prop.type === "string") return prop.type;
  if (prop.enum !== undefined) return typeof prop.enum[0] === "number" ? "number" : "string";
  const branch = prop.anyOf?.find((p) => p.type !== "null");
  return branch ? simpleType(branch) : undefined;
}

function briefOf(prop: JsonProperty, env?: string): string {
  const text = prop.description ?? "";
  const fallback = prop.default === undefined ? "" : JSON.stringify(prop.default);
  if (env !== undefined) {
    return `${text} (default: $${env}${fallback === "" ? "" : `, else ${fallback}`})`;
  }
  return fallback === "" ? text : `${text} (default: ${fallback})`;
}

function parserFor(prop: JsonProperty): (input: string) => unknown {
  const type = simpleType(prop);
  if (prop.enum !== undefined && prop.enum.every((v) => typeof v === "string")) {
    return buildChoiceParser(prop.enum as string[]);
  }
  if (type === "number" || type === "integer") return numberParser;
  if (type === "string") return String;
  return (input: string) => {
    try {
      return JSON.parse(input);
    } catch {
      return input;
    }
  };
}

/**
 * Stricli parameters from an argument schema: booleans become switches
 * (`--x`, `--no-x`), enums choices, numbers parsed, arrays repeatable.
 * Properties marked `positional` (zod `.meta({ positional: true })`) are
 * positional arguments. Requiredness and defaults are left to zod, which
 * validates inside the task's worker; help shows them.
 *
 * @param schema The task's argument JSON Schema.
 * @param options `allOptional`: no flag or positional is required (`wst describe <task>`);
 *   `envDefaults`: flag → the env var its default comes from (shown in help; not required).
 * @returns Flags and positionals for `buildCommand`.
 */
export function parametersFromSchema(
  schema: Record<string, unknown>,
  options: { allOptional?: boolean; envDefaults?: Readonly<Record<string, string>> } = {},
): TaskParameters {
  const properties = (schema.properties ?? {}) as Record<string, JsonProperty>;
  const required = new Set(options.allOptional ? [] : (schema.required ?? []) as string[]);
  const flags: Record<string, unknown> = {};
  const positional: unknown[] = [];
  const positionalNames: string[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    const env = options.envDefaults?.[name];
    const optional = !required.has(name) || prop.default !== undefined || env !== undefined;
    const brief = (p: JsonProperty) => briefOf(p, env);
    if (prop.positional) {
      positionalNames.push(name);
      positional.push({ brief: brief(prop), placeholder: name, parse: parserFor(prop), optional });
      continue;
    }
    const type = simpleType(prop);
    if (type === "boolean") {
      flags[name] = { kind: "boolean", brief: brief(prop), optional: true };
    } else if (type === "array") {
      const items = prop.items ?? {};
      flags[name] = {
        kind: "parsed",
        brief: brief(prop),
        parse: parserFor(items),
        variadic: true,
        optional: true,
        placeholder: simpleType(items) ?? "value",
      };
    } else if (prop.enum !== undefined && prop.enum.every((v) => typeof v === "string")) {
      flags[name] = {
        kind: "enum",
        brief: brief(prop),
        values: prop.enum,
        optional,
      };
    } else {
      flags[name] = {
        kind: "parsed",
        brief: brief(prop),
        parse: parserFor(prop),
        optional,
        placeholder: prop.format === "path" ? "path" : type ?? "json",
      };
    }
  }
  return { flags, positional: { kind: "tuple", parameters: positional }, positionalNames };
}
