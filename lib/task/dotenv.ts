// A task's env from outside its code: dotenv files (`dotenv: [".env"]`) and
// flag defaults from declared env vars (`envDefaults: { host: "HOST" }`).
// Read by the host, never by the task. No zod here: a run loads it.
import {
  ConfigError,
  type ConfigIssue,
  type DefinitionProblem,
  SandboxDeniedError,
} from "../errors/mod.ts";
import { isAbsolute, relativeTo, resolvePath, SEP } from "../_path.ts";

/** An env var name: letters, digits and `_`, not starting with a digit. */
export const ENV_NAME: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a dotenv file. The format, a documented subset of the common one
 * (docs/formats.md, "dotenv files"):
 *
 * - `NAME=value` per line, `export NAME=value` too; blank lines and lines
 *   starting with `#` are skipped; spaces around `=` are allowed;
 * - an unquoted value is trimmed, and ` #` starts a comment;
 * - `'single'` quotes keep everything literally; `"double"` quotes know the
 *   escapes `\n`, `\r`, `\t`, `\\`, `\"` and `\$`; both may span lines;
 * - nothing is expanded (`${OTHER}` stays as written); a name given twice
 *   takes the last value.
 *
 * @param text The file's content.
 * @param file The file's name, for errors.
 * @returns The variables, in file order.
 * @throws {ConfigError} A line that is not `NAME=value`, or a quote left open, with line and column.
 */
export function parseDotenv(text: string, file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const issues: ConfigIssue[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const indent = raw.length - trimmed.length;
    const match = /^(export\s+)?([^=\s]*)\s*=\s*/.exec(trimmed);
    const name = match?.[2] ?? "";
    if (match === null || !ENV_NAME.test(name)) {
      issues.push({
        file,
        line: i + 1,
        column: indent + 1 + (match?.[1]?.length ?? 0),
        path: "",
        message: `Expected NAME=value (NAME: letters, digits, _), found ${
          JSON.stringify(trimmed.slice(0, 40))
        }`,
      });
      continue;
    }
    const start = indent + match[0].length;
    let rest = raw.slice(start);
    const quote = rest[0];
    if (quote !== "'" && quote !== '"') {
      vars[name] = rest.replace(/\s+#.*$/, "").trim();
      continue;
    }
    // A quoted value runs to its closing quote, on this line or a later one.
    let value = "";
    let line = i;
    rest = rest.slice(1);
    let closed = false;
    while (!closed) {
      let j = 0;
      for (; j < rest.length; j++) {
        const c = rest[j]!;
        if (c === quote) {
          closed = true;
          break;
        }
        if (quote === '"' && c === "\\" && j + 1 < rest.length) {
          const next = rest[++j]!;
          value += ESCAPES[next] ?? `\\${next}`;
        } else value += c;
      }
      if (closed) {
        const after = rest.slice(j + 1).trim();
        if (after !== "" && !after.startsWith("#")) {
          issues.push({
            file,
            line: line + 1,
            column: 1,
            path: name,
            message: `Expected nothing after the closing quote, found ${
              JSON.stringify(after.slice(0, 40))
            }`,
          });
        }
        break;
      }
      if (line + 1 >= lines.length) {
        issues.push({
          file,
          line: i + 1,
          column: start + 1,
          path: name,
          message: `Expected a closing ${quote} for the value of ${JSON.stringify(name)}`,
        });
        break;
      }
      value += "\n";
      rest = lines[++line]!;
    }
    vars[name] = value;
    i = line;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return vars;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  "\\": "\\",
  '"': '"',
  $: "$",
};

/**
 * What is wrong with a declared dotenv path, or undefined: it must be
 * relative and stay inside the task's root.
 *
 * @param path The path as declared.
 * @returns The problem, as a message.
 */
export function dotenvPathProblem(path: string): string | undefined {
  if (typeof path !== "string" || path === "") return "Expected a file path relative to the root";
  const base = `${SEP}r`;
  if (isAbsolute(path) || !resolvePath(base, path).startsWith(`${base}${SEP}`)) {
    return `Expected a file inside the task's root (a relative path), found ${
      JSON.stringify(path)
    }`;
  }
  return undefined;
}

/**
 * Reads a task's dotenv files, in order (a later file wins), from its root.
 * A missing file is skipped (as go-task does); a file a symbolic link leads
 * out of the root is refused.
 *
 * @param files The declared paths, relative to the root.
 * @param options The task's root (absolute), its name and scope for a denial, and a debug log.
 * @returns Every variable of the files (not yet filtered by what the task declares).
 * @throws {SandboxDeniedError} A file outside the root.
 * @throws {ConfigError} A file that does not parse.
 */
export function readDotenvFiles(
  files: readonly string[],
  options: { root: string; task: string; scope: string; debug?: (line: string) => void },
): Record<string, string> {
  const vars: Record<string, string> = {};
  const realRoot = Deno.realPathSync(options.root);
  for (const file of files) {
    const path = resolvePath(options.root, file);
    let real: string;
    try {
      real = Deno.realPathSync(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      options.debug?.(`${options.task}: dotenv file ${JSON.stringify(file)} is missing: skipped`);
      continue;
    }
    if (!(real === realRoot || real.startsWith(`${realRoot}${SEP}`))) {
      throw new SandboxDeniedError({
        task: options.task,
        operation: `reading the dotenv file ${JSON.stringify(file)}, a link to ${
          JSON.stringify(real)
        }, outside the root`,
        scope: options.scope,
      });
    }
    Object.assign(vars, parseDotenv(Deno.readTextFileSync(real), relativeTo(options.root, path)));
  }
  return vars;
}

/**
 * What is wrong with a definition's `envDefaults`: a key that is not an
 * argument, a var that the (static) permissions do not declare in `env`.
 *
 * @param envDefaults Flag → env var.
 * @param argNames The task's argument names.
 * @param env The declared env vars; undefined when the permissions are computed (checked at run).
 * @returns One problem per bad entry.
 */
export function envDefaultProblems(
  envDefaults: Readonly<Record<string, string>> | undefined,
  argNames: readonly string[],
  env: readonly string[] | undefined,
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const [flag, name] of Object.entries(envDefaults ?? {})) {
    if (!argNames.includes(flag)) {
      problems.push({
        field: `envDefaults.${flag.replace(/[^\x20-\x7e]/g, "?")}`,
        message: `Expected the name of an argument (${
          argNames.map((a) => JSON.stringify(a)).join(", ") || "none"
        }), found ${JSON.stringify(flag)}`,
      });
    } else if (env !== undefined && !env.includes(name)) {
      problems.push({
        field: `envDefaults.${flag}`,
        message: `Expected ${
          JSON.stringify(name)
        } to be declared in permissions.env: the default is read from it`,
      });
    }
  }
  return problems;
}

/** A JSON Schema property, as far as a flag's value from env needs it. */
interface Property {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Property[];
  items?: Property;
}

/**
 * A flag's value from an env var, as its flag would parse it: a number for a
 * number, `true`/`false` (also `1`/`0`, `yes`/`no`) for a boolean, a JSON
 * array or one item for an array, the text otherwise.
 *
 * @param value The env var's value.
 * @param property The flag's JSON Schema.
 * @param where `HOST` (the var), for errors.
 * @returns The value, or an error message.
 */
export function envFlagValue(
  value: string,
  property: Property | undefined,
  where: string,
): { value: unknown } | { error: string } {
  const type = simpleType(property ?? {});
  if (type === "number" || type === "integer") {
    const n = Number(value);
    return value.trim() !== "" && Number.isFinite(n)
      ? { value: n }
      : { error: `$${where}: expected a number, found ${JSON.stringify(value)}` };
  }
  if (type === "boolean") {
    const v = value.trim().toLowerCase();
    if (["1", "true", "yes"].includes(v)) return { value: true };
    if (["0", "false", "no", ""].includes(v)) return { value: false };
    return { error: `$${where}: expected true or false, found ${JSON.stringify(value)}` };
  }
  if (type === "array") {
    if (value.trimStart().startsWith("[")) {
      try {
        return { value: JSON.parse(value) };
      } catch {
        return { error: `$${where}: expected a JSON array, found ${JSON.stringify(value)}` };
      }
    }
    return { value: [value] };
  }
  return { value };
}

function simpleType(prop: Property): string | undefined {
  if (typeof prop.type === "string") return prop.type;
  if (prop.enum !== undefined) return typeof prop.enum[0] === "number" ? "number" : "string";
  const branch = prop.anyOf?.find((p) => p.type !== "null");
  return branch ? simpleType(branch) : undefined;
}
