// The rules for task names and descriptions, shared by the definition check
// in a task's worker and the registry on the host (which never trusts what a
// worker says about itself). No zod here: the registry is on the start-up path.

/**
 * The name rule for tasks: `:`-separated segments, each of lower-case letters,
 * digits, `-` and `_`, starting with a letter or a digit (`test:changed:unit`,
 * `seed:status`, `build_image`).
 */
export const TASK_NAME_PATTERN: RegExp = /^[a-z0-9][a-z0-9_-]*(?::[a-z0-9][a-z0-9_-]*)*$/;

/** One segment of a task name or a namespace (no `:`). */
export const NAME_SEGMENT_PATTERN: RegExp = /^[a-z0-9][a-z0-9_-]*$/;

/** Names a task may not take because the CLI's own commands use them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "list",
  "describe",
  "schema",
  "completions",
  "docs",
  "trust",
  "import",
  "guard",
  "help",
  "version",
]);

/** Argument names a task may not use because every command has these flags. */
export const RESERVED_ARG_NAMES: ReadonlySet<string> = new Set([
  "root",
  "json",
  "verbose",
  "trust",
  "help",
  "h", // the -h alias of --help
  "help-all",
  "helpAll",
  "version",
]);

/** One line, not empty, no control characters (C0, DEL, C1) and no bidi overrides. */
export const DESCRIPTION_RULE: { test(text: string): boolean } = {
  test: (text) => text.trim() !== "" && !CONTROL.test(text),
};
/** Control characters (C0, DEL, C1) and the bidi overrides and isolates ("Trojan Source"). */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * {@linkcode CONTROL} in JSON text: C0 escaped (`\u0001`, or `\n`, `\t` …), the others as they
 * are. (An escaped backslash before such a letter matches too: the walk then decides.)
 */
const CONTROL_IN_JSON =
  /\\(?:u00[01][0-9a-fA-F]|[bfnrt])|[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The message of a description that breaks {@linkcode DESCRIPTION_RULE}. */
export const DESCRIPTION_MESSAGE =
  "Expected one non-empty line with no control characters or bidi overrides";

/**
 * The descriptions and titles in an argument schema (JSON Schema) that hold
 * control characters or bidi overrides: `wst describe` and `--help` print
 * them. Each as the field it is at (`args.target.description`).
 *
 * @param argsSchema The arguments' JSON Schema.
 * @returns One problem per bad text; none when all are fine.
 */
export function argTextProblems(argsSchema: unknown): { field: string; message: string }[] {
  const properties = (argsSchema as { properties?: unknown } | null)?.properties;
  // Most schemas hold no such character anywhere: one test of their JSON (which writes C0 as
  // `\u00XX`, the rest as they are) spares the walk (~2 ms of listing 100 cached tasks).
  if (!CONTROL_IN_JSON.test(JSON.stringify(properties) ?? "")) return [];
  const problems: { field: string; message: string }[] = [];
  const walk = (node: unknown, path: string, depth: number) => {
    if (typeof node !== "object" || node === null || depth > 32) return;
    for (const [key, value] of Object.entries(node)) {
      const at = Array.isArray(node) ? `${path}[${key}]` : `${path}.${printable(key)}`;
      if ((key === "description" || key === "title") && typeof value === "string") {
        if (CONTROL.test(value)) {
          problems.push({
            field: at,
            message: "Expected text with no control characters or bidi overrides",
          });
        }
      } else {
        walk(value, at, depth + 1);
      }
    }
  };
  walk(properties, "args", 0);
  return problems;
}

function printable(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, "?");
}

/**
 * What is wrong with a task name, or undefined when it is a valid one.
 *
 * @param name The name.
 * @returns The problem, as a message.
 */
export function checkTaskName(name: string): string | undefined {
  if (RESERVED_NAMES.has(name.split(":", 1)[0]!)) {
    return `Expected a name whose first segment the CLI does not use itself, found ${
      JSON.stringify(name.slice(0, 60))
    }`;
  }
  if (!TASK_NAME_PATTERN.test(name)) {
    return `Expected a name of lower-case segments separated by ":" (e.g. "sync-repos", "test:changed:unit"), found ${
      JSON.stringify(name.slice(0, 60))
    }`;
  }
  return undefined;
}

/**
 * The full name a reference stands for, seen from a task in `namespace`:
 * `qualifyTaskName("seed", "build")` is `"seed:build"`,
 * `qualifyTaskName("seed", ":lint")` is `"lint"`, and from the root's
 * namespace (`""`) a reference is the name itself.
 *
 * @param namespace The referring task's namespace (`""` for the root's tasks).
 * @param ref The reference.
 * @returns The full task name.
 */
export function qualifyTaskName(namespace: string, ref: string): string {
  if (ref.startsWith(":")) return ref.slice(1);
  return namespace === "" ? ref : `${namespace}:${ref}`;
}
