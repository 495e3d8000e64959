/**
 * `wst guard`: checks a git change against the guard-rails of
 * `ai-gateway.yaml` (docs/adr/0018).
 *
 * @module
 */
import { parseConfig } from "../config/load.ts";
import { aiGatewayFileSchema } from "../config/ai_gateway.ts";
import { ConfigError, type ConfigIssue } from "../errors/mod.ts";
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
  const [rails, change] = await Promise.all([
    readRails(options),
    readChange({ ...options, cwd: options.root }),
  ]);
  const { files, violations } = checkRules(change.changes, rails);
  const notes = [...change.notes];
  const root = await Deno.realPath(options.root);
  const configPath = root === change.top
    ? CONFIG_FILE
    : relativeToTop(change.top, `${root}/${CONFIG_FILE}`);
  if (
    configPath !== undefined && change.base.commit !== undefined &&
    change.changes.some((c) => c.path === configPath || c.oldPath === configPath)
  ) {
    const before = await baseRails(change.top, change.base.commit, configPath);
    if (before !== undefined) {
      notes.push(`The change edits ${CONFIG_FILE}: the base's limits apply too`);
      violations.push(...checkRules(change.changes, before).violations);
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

async function readRails(options: GuardOptions): Promise<Guardrails> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${options.root}/${CONFIG_FILE}`);
  } catch (err) {
    throw new ConfigError([{
      file: CONFIG_FILE,
      path: "",
      message: err instanceof Deno.errors.NotFound
        ? `Not found in ${options.root}: wst guard reads its limits (ai_gateway.guardrails) from it`
        : `Cannot read it: ${err instanceof Error ? err.message : err}`,
    }]);
  }
  const loaded = parseConfig(CONFIG_FILE, text, aiGatewayFileSchema);
  for (const warning of loaded.warnings) options.warn?.(warning);
  return loaded.data.ai_gateway.guardrails;
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
    return parseConfig(`${CONFIG_FILE} (base)`, text, aiGatewayFileSchema).data.ai_gateway
      .guardrails;
  } catch {
    return undefined; // the base's own file was broken: the new one's limits stand
  }
}

function relativeToTop(top: string, path: string): string | undefined {
  if (path.startsWith(`${top}/`)) return path.slice(top.length + 1);
  return undefined;
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
