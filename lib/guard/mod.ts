/**
 * `wst guard`: checks a git change against the guard-rails of
 * `ai-gateway.yaml` (docs/adr/0018).
 *
 * @module
 */
import { parseConfig, readConfigFile } from "../config/load.ts";
import { relativeTo } from "../_path.ts";
import { aiGatewayFileSchema } from "../config/ai_gateway.ts";
import { ConfigError, type ConfigIssue, UsageError } from "../errors/mod.ts";
import { git } from "./_git.ts";
import { type ChangeOptions, readChange } from "./change.ts";
import { checkRules, type Guardrails } from "./rules.ts";
import type { GuardReport, Violation } from "./types.ts";

export type { Change, GuardReport, RuleName, Side, Violation } from "./types.ts";
export { checkRules, DEFAULT_SOURCE_GLOBS, DEFAULT_TEST_GLOBS, type Guardrails } from "./rules.ts";

/** The configuration file, at the workspace root. */
export const CONFIG_FILE = "ai-gateway.yaml";

/** What {@linkcode guard} checks. */
export interface GuardOptions extends Omit<ChangeOptions, "cwd"> {
  /** The workspace root: `ai-gateway.yaml` is read there, and git runs there. */
  readonly root: string;
  /** Receives the configuration's warnings (unknown keys). */
  readonly warn?: (issue: ConfigIssue) => void;
}

/**
 * Reads the guard-rails and the change, and applies the rules. When the change
 * edits `ai-gateway.yaml` itself, the base's limits apply as well as the new
 * ones: a change cannot loosen the limits it is checked against.
 *
 * @param options The root and the change.
 * @returns The report (`ok` false when a limit is broken).
 * @throws {ConfigError} When `ai-gateway.yaml` is missing or invalid.
 * @throws {GitError} When git cannot give the whole change.
 */
export async function guard(options: GuardOptions): Promise<GuardReport> {
  checkRefs(options);
  const root = await Deno.realPath(options.root);
  // The change first: its git commands are the longer chain.
  const [change, found] = await Promise.all([
    readChange({ ...options, cwd: root }),
    readRails(root, options),
  ]);
  // Run from a folder below the repository's top: the top's file, as git finds its own.
  const config = found ??
    (root === change.top ? undefined : await readRails(change.top, options)) ??
    missing(root, change.top, options);
  const rails = config.rails;
  const { files, violations } = checkRules(change.changes, rails, change.top);
  const notes = [...change.notes];
  const file = `${config.folder}/${CONFIG_FILE}`;
  const fromTop = relativeTo(change.top, file);
  const configPath = fromTop === file ? undefined : fromTop; // outside the repository: no base
  if (
    configPath !== undefined && change.base.commit !== undefined &&
    change.changes.some((c) => c.path === configPath || c.oldPath === configPath)
  ) {
    const before = await baseRails(change.top, change.base.commit, configPath);
    if (before !== undefined) {
      notes.push(`The change edits ${CONFIG_FILE}: the base's limits apply too`);
      violations.push(...checkRules(change.changes, before, change.top).violations);
    }
  }
  const unique = dedupe(violations);
  return {
    ok: unique.length === 0,
    config: configPath ?? CONFIG_FILE,
    base: change.base,
    head: change.head,
    files,
    changes: change.changes,
    violations: unique,
    notes,
  };
}

function checkRefs(options: GuardOptions): void {
  if (options.staged === true && options.head !== undefined) {
    throw new UsageError("--staged checks the index: it takes no --head");
  }
  for (const [flag, value] of [["--base", options.base], ["--head", options.head]] as const) {
    if (value !== undefined && (value === "" || value.startsWith("-"))) {
      throw new UsageError(`${flag} takes a ref or commit, not ${JSON.stringify(value)}`);
    }
  }
}

function missing(root: string, top: string, options: GuardOptions): never {
  const where = options.staged === true
    ? "in the index"
    : options.head !== undefined
    ? `in ${options.head}`
    : `in ${root}${root === top ? "" : ` or ${top}`}`;
  throw new ConfigError([{
    file: CONFIG_FILE,
    path: "",
    message: `Not found ${where}: wst guard reads its limits (ai_gateway.guardrails) from it`,
  }]);
}

/**
 * The guard-rails in force for the side being checked: the working tree's
 * file, the index's (`--staged`: an unstaged edit cannot loosen what is
 * committed), or the head commit's. A symbolic link is refused (an edit to its
 * target would not show as an edit to the file). An unknown key under
 * `guardrails` is an error: a misspelt limit would go unchecked.
 *
 * @returns The limits and the folder of the file, or undefined when there is none there.
 */
async function readRails(
  folder: string,
  options: GuardOptions,
): Promise<{ rails: Guardrails; folder: string } | undefined> {
  let text: string;
  if (options.staged === true || options.head !== undefined) {
    const object = `${options.staged === true ? "" : options.head}:./${CONFIG_FILE}`;
    const out = await git(["cat-file", "-p", object], { cwd: folder, ok: [128] });
    if (out.code !== 0) return undefined;
    text = new TextDecoder().decode(out.stdout);
  } else {
    try {
      if ((await Deno.lstat(`${folder}/${CONFIG_FILE}`)).isSymlink) {
        throw new ConfigError([{
          file: CONFIG_FILE,
          path: "",
          message: "Is a symbolic link: wst guard reads only a regular file (an edit to the " +
            "link's target would not count as an edit to the limits)",
        }]);
      }
      const read = await readConfigFile(`${folder}/${CONFIG_FILE}`, CONFIG_FILE);
      if (read === null) return undefined;
      text = read;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      if (err instanceof ConfigError) throw err;
      throw new ConfigError([{
        file: CONFIG_FILE,
        path: "",
        message: `Cannot read it: ${err instanceof Error ? err.message : err}`,
      }]);
    }
  }
  const loaded = await parseConfig(CONFIG_FILE, text, aiGatewayFileSchema);
  const unknown = loaded.warnings.filter((w) => w.path.startsWith("ai_gateway.guardrails"));
  if (unknown.length > 0) {
    throw new ConfigError(unknown.map((w) => ({
      ...w,
      message: `${
        w.message.replace(/ is ignored$/, "")
      }: wst guard does not know this limit, and would not check it`,
    })));
  }
  for (const warning of loaded.warnings) options.warn?.(warning);
  return { rails: loaded.data.ai_gateway.guardrails, folder };
}

/** The base's guard-rails, when the base has a valid `ai-gateway.yaml`. */
async function baseRails(
  top: string,
  commit: string,
  path: string,
): Promise<Guardrails | undefined> {
  const out = await git(["cat-file", "blob", `${commit}:${path}`], { cwd: top, ok: [128] });
  if (out.code !== 0) return undefined;
  try {
    const text = new TextDecoder().decode(out.stdout);
    return (await parseConfig(`${CONFIG_FILE} (base)`, text, aiGatewayFileSchema)).data
      .ai_gateway.guardrails;
  } catch {
    return undefined; // the base's own file was broken: the new one's limits stand
  }
}

function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.rule}\0${v.path ?? ""}\0${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
