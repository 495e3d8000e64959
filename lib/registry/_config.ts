// The root's `.wst/config.json` (docs/formats.md, docs/adr/0014): namespace
// aliases. Plain JSON checked by hand: it is read on the start-up path of
// `wst list`, where zod may not load.
import { ConfigError, type ConfigIssue } from "../errors/mod.ts";
import { resolvePath } from "../_path.ts";
import { NAME_SEGMENT_PATTERN, RESERVED_NAMES } from "../task/names.ts";

/** The root's configuration file, relative to the root. */
export const CONFIG_FILE = ".wst/config.json";

/** The aliases of `.wst/config.json`: alias → folder, and where each is in the file. */
export interface Aliases {
  entries: [alias: string, dir: string][];
  issue(alias: string, message: string): ConfigIssue;
}

/**
 * Reads the root's `.wst/config.json`: none is no aliases. The file is an
 * object whose only key so far is `namespaces`, an object of alias →
 * folder (relative to the root, inside it).
 *
 * @param root Absolute workspace root.
 * @returns The aliases.
 * @throws {ConfigError} When the file is not such an object.
 */
export function readNamespaceConfig(root: string): Aliases {
  const path = resolvePath(root, CONFIG_FILE);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { entries: [], issue: () => unreachable() };
    throw err;
  }
  const at = (needle: string, path: string, message: string): ConfigIssue => {
    const offset = text.indexOf(needle);
    return { file: CONFIG_FILE, ...position(text, offset), path, message };
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const where = /line (\d+) column (\d+)/.exec(message);
    throw new ConfigError([{
      file: CONFIG_FILE,
      ...(where ? { line: Number(where[1]), column: Number(where[2]) } : {}),
      path: "",
      message: `Expected JSON, found a syntax error (${
        message.replace(/ in JSON at position.*$|\s*\(line.*$/, "")
      })`,
    }]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError([{
      file: CONFIG_FILE,
      path: "",
      message: `Expected an object, found ${describe(value)}`,
    }]);
  }
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(value)) {
    if (key !== "namespaces") {
      issues.push(
        at(
          JSON.stringify(key),
          key,
          `Unknown key ${JSON.stringify(key)}: expected "namespaces"`,
        ),
      );
    }
  }
  const map = (value as { namespaces?: unknown }).namespaces;
  const entries: [string, string][] = [];
  if (map !== undefined && (typeof map !== "object" || map === null || Array.isArray(map))) {
    issues.push(
      at(
        `"namespaces"`,
        "namespaces",
        `Expected an object of alias → folder, found ${describe(map)}`,
      ),
    );
  }
  const folders = new Map<string, string>();
  for (const [alias, target] of Object.entries((map ?? {}) as Record<string, unknown>)) {
    const here = `namespaces.${alias}`;
    const quoted = JSON.stringify(alias);
    const segments = alias.split(":");
    if (!segments.every((s) => NAME_SEGMENT_PATTERN.test(s))) {
      issues.push(
        at(
          quoted,
          here,
          `Expected an alias of lower-case segments separated by ":" (e.g. "seed"), found ${quoted}`,
        ),
      );
      continue;
    }
    if (RESERVED_NAMES.has(segments[0]!)) {
      issues.push(
        at(quoted, here, `Expected an alias the CLI does not use itself, found ${quoted}`),
      );
      continue;
    }
    if (typeof target !== "string") {
      issues.push(
        at(quoted, here, `Expected a folder relative to the root, found ${describe(target)}`),
      );
      continue;
    }
    const dir = normalizeDir(target);
    if (dir === undefined) {
      issues.push(
        at(
          quoted,
          here,
          `Expected a folder inside the root, relative to it (e.g. "platform/seed"), found ${
            JSON.stringify(target)
          }`,
        ),
      );
      continue;
    }
    const other = folders.get(dir);
    if (other !== undefined) {
      issues.push(
        at(
          quoted,
          here,
          `Folder ${JSON.stringify(dir)} already has the alias ${
            JSON.stringify(other)
          }: one name per folder, so each task has one name`,
        ),
      );
      continue;
    }
    folders.set(dir, alias);
    entries.push([alias, dir]);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    entries,
    issue: (alias, message) => at(JSON.stringify(alias), `namespaces.${alias}`, message),
  };
}

/** A folder as written in the config, as a `/`-separated path under the root; undefined when outside. */
function normalizeDir(target: string): string | undefined {
  if (target.startsWith("/") || target.startsWith("\\") || /^[a-zA-Z]:/.test(target)) {
    return undefined;
  }
  const parts = target.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.some((p) => p === "..")) return undefined;
  return parts.join("/");
}

function position(text: string, offset: number): { line?: number; column?: number } {
  if (offset < 0) return {};
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 60))}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

function unreachable(): never {
  throw new Error("No alias without a configuration file");
}
