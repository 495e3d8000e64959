import * as z from "../zod.ts";
import { ConfigError, type ConfigIssue } from "../errors/mod.ts";
import { formatPath } from "../errors/zod_issues.ts";
import { type FastYaml, loadYamlFast } from "../yaml/mod.ts";

/**
 * The largest configuration file wst reads (2 MiB: thousands of projects). A
 * larger one is refused, not parsed: 8 MiB took ~1 GB to parse with positions.
 */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/** How many problems of one file are listed; the rest are counted. */
export const MAX_LISTED_ISSUES = 200;

/**
 * Reads a configuration file, or null when there is none. Only a regular file
 * (a symbolic link to one included) of at most {@linkcode MAX_CONFIG_BYTES}:
 * a FIFO would block the read forever, a device never end.
 *
 * @param path The file's path.
 * @param file Its name as the user should read it (in the error).
 * @returns The text, or null when nothing is there.
 * @throws {ConfigError} When it is not a regular file or too large.
 */
export function readConfigFileSync(path: string, file: string): string | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  if (info.isSymlink) info = followLink(path, file);
  checkConfigFile(info, file);
  return Deno.readTextFileSync(path);
}

/** {@linkcode readConfigFileSync}, asynchronously. */
export async function readConfigFile(path: string, file: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  if (info.isSymlink) info = followLink(path, file);
  checkConfigFile(info, file);
  return await Deno.readTextFile(path);
}

/**
 * A configuration file that is a symbolic link: read only when it leads to a
 * file inside the folder it is named from (`path` is that folder, then
 * `file`). A link out of the workspace (to `/etc/passwd`, to another
 * repository) is an error that says so: a confined task would find what the
 * sandbox shows there, or nothing, and report that file's text as the
 * workspace's, or the file as missing.
 *
 * @returns What the link leads to.
 * @throws {ConfigError} When it leads outside, or nowhere.
 */
function followLink(path: string, file: string): Deno.FileInfo {
  const root = path.endsWith(`/${file}`) ? path.slice(0, -file.length - 1) : undefined;
  let target = "?";
  try {
    target = Deno.readLinkSync(path);
  } catch {
    // unreadable: named as "?"
  }
  const outside = () =>
    wholeFile(
      file,
      `Is a symbolic link to ${JSON.stringify(target)}, outside the workspace: wst reads ` +
        "configuration only from files in it",
    );
  let real: string;
  try {
    real = Deno.realPathSync(path);
  } catch {
    throw outside(); // leads nowhere here (outside the sandbox's view, or dangling)
  }
  if (root !== undefined) {
    let realRoot = root;
    try {
      realRoot = Deno.realPathSync(root);
    } catch {
      // the folder it is named from: as given
    }
    if (real !== realRoot && !real.startsWith(`${realRoot}/`)) throw outside();
  }
  return Deno.statSync(path);
}

/** A problem with a file as a whole, reported at its start. */
function wholeFile(file: string, message: string): ConfigError {
  return new ConfigError([{ file, line: 1, column: 1, path: "", message }]);
}

function checkConfigFile(info: Deno.FileInfo, file: string): void {
  if (!info.isFile) {
    throw wholeFile(
      file,
      `Is not a regular file (${
        info.isDirectory ? "a folder" : "a FIFO, a socket or a device"
      }): wst reads configuration only from a regular file`,
    );
  }
  if (info.size > MAX_CONFIG_BYTES) {
    throw wholeFile(
      file,
      `Is ${(info.size / 1024 / 1024).toFixed(1)} MiB: wst reads configuration files of up to ` +
        `${MAX_CONFIG_BYTES / 1024 / 1024} MiB`,
    );
  }
}

/** A configuration file, parsed and validated. */
export interface LoadedConfig<T> {
  /** The validated data, with defaults applied and unknown keys dropped. */
  readonly data: T;
  /** Unknown keys: reported, not fatal, so old files keep working. */
  readonly warnings: readonly ConfigIssue[];
}

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** `yaml` (default) or `json`. */
  format?: "yaml" | "json";
}

/**
 * Parses and validates the text of a configuration file. Every problem is
 * reported with file, line, column, the path inside the document, what was
 * expected and what was found; unknown keys are warnings.
 *
 * @param file The file's name as the user should read it.
 * @param text The file's content.
 * @param schema The zod schema the content must satisfy.
 * @param options The format of the text.
 * @returns The data and the warnings.
 * @throws {ConfigError} When the text is malformed or does not satisfy the schema.
 */
export async function parseConfig<S extends z.core.$ZodType>(
  file: string,
  text: string,
  schema: S,
  options: ParseConfigOptions = {},
): Promise<LoadedConfig<z.output<S>>> {
  if (text.length > MAX_CONFIG_BYTES) {
    throw wholeFile(
      file,
      `Is over ${MAX_CONFIG_BYTES / 1024 / 1024} MiB: wst reads configuration files of up to that`,
    );
  }
  // Fast path: most files are well-formed and valid, and need no positions.
  const fast = options.format === "json" ? loadJsonFast(text) : loadYamlFast(text);
  if (fast.ok && fast.value !== null && fast.value !== undefined) {
    const result = check(file, schema, fast.value);
    if (result.success) return { data: result.data, warnings: [] };
  }

  // The `yaml` package keeps positions, for the messages. Loaded here only: a bundle keeps it in a
  // chunk of its own (~190 kB) that a valid file never loads (docs/adr/0005).
  const yaml = await import("yaml");
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  let raw: unknown;
  if (options.format === "json") {
    raw = parseJson(file, text, at);
  } else {
    if (doc.errors.length > 0) {
      throw new ConfigError(doc.errors.map((e) => ({
        ...at(e.pos[0]),
        path: "",
        message: `Invalid YAML: ${e.message.split("\n")[0]}`,
      })));
    }
    try {
      raw = doc.toJS();
    } catch (err) {
      // yaml refuses documents whose aliases would expand past its limit ("billion laughs").
      const message = err instanceof Error ? err.message : String(err);
      throw wholeFile(file, `Invalid YAML: ${message}`);
    }
  }
  if (raw === null || raw === undefined) {
    throw wholeFile(file, "The file is empty");
  }

  const locate = (path: readonly PropertyKey[], key?: string) => {
    const offset = nodeOffset(yaml, doc.contents, path, key);
    return at(offset);
  };
  const first = check(file, schema, raw);
  if (first.success) return { data: first.data, warnings: [] };

  const warnings: ConfigIssue[] = [];
  const errors: ConfigIssue[] = [];
  let stripped: unknown = raw;
  for (const issue of first.error.issues) {
    if (issue.code === "unrecognized_keys") {
      stripped = stripped === raw ? structuredClone(raw) : stripped;
      for (const key of issue.keys) {
        deleteAt(stripped, issue.path, key);
        warnings.push({
          ...locate(issue.path, key),
          path: formatPath([...issue.path, key]),
          message: `Unknown key ${JSON.stringify(key)} is ignored`,
        });
      }
    } else {
      errors.push({
        ...locate(issue.path),
        path: formatPath(issue.path),
        message: describeIssue(issue, valueAt(raw, issue.path)),
      });
    }
  }
  if (errors.length > 0) throw new ConfigError(listed(file, sortIssues(errors)));
  const second = check(file, schema, stripped);
  if (!second.success) {
    throw new ConfigError(second.error.issues.map((issue) => ({
      ...locate(issue.path),
      path: formatPath(issue.path),
      message: issue.message,
    })));
  }
  return { data: second.data, warnings: listed(file, sortIssues(warnings)) };
}

/**
 * `z.safeParse`, except that a document with so many problems that zod runs
 * out of stack gathering them (~100,000) is a ConfigError, not a crash.
 */
function check<S extends z.core.$ZodType>(
  file: string,
  schema: S,
  value: unknown,
): ReturnType<typeof z.safeParse<S>> {
  try {
    return z.safeParse(schema, value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw wholeFile(
      file,
      "Has too many problems to check (the checker ran out of stack): fix it in parts",
    );
  }
}

/** The first {@linkcode MAX_LISTED_ISSUES} problems, and a last line counting the rest. */
function listed(file: string, issues: ConfigIssue[]): ConfigIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  const rest = issues.length - MAX_LISTED_ISSUES;
  const last = issues[MAX_LISTED_ISSUES]!;
  return [
    ...issues.slice(0, MAX_LISTED_ISSUES),
    {
      file,
      ...(last.line === undefined ? {} : { line: last.line, column: last.column }),
      path: "",
      message: `${rest} more problem${rest === 1 ? "" : "s"} from here on, not listed`,
    },
  ];
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** "what was expected, and what was found" for one zod issue. */
function describeIssue(issue: z.core.$ZodIssue, found: unknown): string {
  const foundText = describeValue(found);
  switch (issue.code) {
    case "invalid_type":
      return found === undefined
        ? `Missing required key: expected ${issue.expected}`
        : `Expected ${issue.expected}, found ${foundText}`;
    case "invalid_value": {
      const expected = issue.values.map((v) => JSON.stringify(v)).join(" or ");
      return found === undefined
        ? `Missing required key: expected ${expected}`
        : `Expected ${expected}, found ${foundText}`;
    }
    case "custom":
      return issue.message;
    default:
      return `${issue.message}, found ${foundText}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    // A file that is not YAML at all (a link to another file, a binary) is one long string:
    // enough of it to recognise, not the whole file in the error.
    return value.length > FOUND_CHARS
      ? `${JSON.stringify(value.slice(0, FOUND_CHARS))}… (${value.length} characters)`
      : JSON.stringify(value);
  }
  return `${typeof value} ${String(value)}`;
}

/** How much of a string value an error quotes. */
const FOUND_CHARS = 60;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function deleteAt(root: unknown, path: readonly PropertyKey[], key: string): void {
  const parent = valueAt(root, path);
  if (parent !== null && typeof parent === "object") {
    delete (parent as Record<string, unknown>)[key];
  }
}

/**
 * The offset of the deepest node on `path` that exists in the document: the
 * value for a wrong value, the key itself for an unknown key, the parent for
 * a missing key.
 */
function nodeOffset(
  yaml: Pick<typeof import("yaml"), "isMap" | "isSeq">,
  contents: unknown,
  path: readonly PropertyKey[],
  key?: string,
): number {
  let node = contents;
  let offset = rangeStart(node) ?? 0;
  const steps = key === undefined ? path : [...path, key];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (yaml.isMap(node)) {
      const pair = node.items.find((p) => scalarValue(p.key) === String(step));
      if (pair === undefined) break;
      const isLast = i === steps.length - 1;
      if (isLast && key !== undefined) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (yaml.isSeq(node) && typeof step === "number") {
      node = node.items[step];
      if (node === undefined) break;
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  return offset;
}

function scalarValue(node: unknown): string | undefined {
  if (node !== null && typeof node === "object" && "value" in node) {
    return String((node as { value: unknown }).value);
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] }).range;
    return range?.[0];
  }
  return undefined;
}

function loadJsonFast(text: string): FastYaml {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function parseJson(
  file: string,
  text: string,
  at: (offset: number) => Omit<ConfigIssue, "path" | "message">,
): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /at position (\d+)/.exec(message);
    const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
    const where = lineCol
      ? { file, line: Number(lineCol[1]), column: Number(lineCol[2]) }
      : at(position ? Number(position[1]) : 0);
    throw new ConfigError([{ ...where, path: "", message: `Invalid JSON: ${message}` }]);
  }
}
