// `wst guard [--base <ref>] [--head <ref> | --staged] [--sarif <file>]`: run
// straight from the scanned command line (no command tree, no registry), so a
// pre-commit hook pays for Deno's start, git and little else.
import { ExitCode, UsageError } from "../errors/mod.ts";
import { resolvePath } from "../_path.ts";
import { writeTextFileAtomic } from "../fs/atomic.ts";
import { inGithubActions } from "../ci/github.ts";
import { guard } from "../guard/mod.ts";
import { formatReport } from "../guard/report.ts";
import type { GuardReport } from "../guard/types.ts";
import { formatIssue } from "../errors/mod.ts";
import { safeJson } from "../reporter/mod.ts";
import type { RunContext } from "./_context.ts";
import { GUARD_FLAGS, type GuardFlags } from "./_guard_flags.ts";

export { GUARD_FLAGS, type GuardFlags } from "./_guard_flags.ts";

/**
 * Parses what follows `guard` on the command line (wst's global flags are
 * already taken off).
 *
 * @param rest The arguments after `guard`.
 * @returns The flags.
 * @throws {UsageError} On an unknown flag, a missing value or a positional.
 */
export function parseGuardArgs(rest: readonly string[]): GuardFlags {
  const flags: GuardFlags = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : undefined;
    const spec = name === undefined ? undefined : GUARD_FLAGS[name as keyof typeof GUARD_FLAGS];
    if (name === undefined || spec === undefined) {
      throw new UsageError(
        `wst guard does not take ${JSON.stringify(arg)}: it takes ${
          Object.keys(GUARD_FLAGS).map((f) => `--${f}`).join(", ")
        } (wst guard --help)`,
      );
    }
    if (spec.value === undefined) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      (flags as Record<string, unknown>)[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === "") {
      throw new UsageError(`--${name} needs a ${spec.value}`);
    }
    (flags as Record<string, unknown>)[name] = value;
  }
  return flags;
}

/**
 * Runs `wst guard`: prints the report (or one JSON document with `--json`),
 * writes SARIF when asked, and under GitHub Actions adds `::error`
 * annotations and a step-summary table.
 *
 * @param ctx The invocation.
 * @param flags The parsed flags.
 * @param version wst's version, for SARIF's tool.
 * @returns 0 when the change keeps every limit, 1 when it breaks one.
 * @throws {ConfigError} `ai-gateway.yaml` missing or invalid (exit 2).
 * @throws {GitError} git could not give the whole change (exit 2).
 */
export async function runGuard(
  ctx: RunContext,
  flags: GuardFlags,
  version: string,
): Promise<number> {
  const env = ctx.process.env === undefined
    ? (name: string) => Deno.env.get(name)
    : (name: string) => ctx.process.env?.[name];
  const report = await guard({
    root: ctx.root,
    base: flags.base,
    head: flags.head,
    staged: flags.staged,
    env,
    signal: ctx.signal,
    warn: (issue) => ctx.reporter.warn(formatIssue(issue)),
  });
  if (flags.sarif !== undefined) {
    const { toSarif } = await import("../guard/sarif.ts");
    const sarif = toSarif(report, { version });
    try {
      await writeTextFileAtomic(resolvePath(ctx.base, flags.sarif), `${JSON.stringify(sarif)}\n`);
    } catch (err) {
      throw new UsageError(
        `Cannot write the SARIF file ${flags.sarif}: ${err instanceof Error ? err.message : err}`,
      );
    }
  }
  if (inGithubActions(env)) await github(ctx, report, env);
  if (ctx.json) {
    // One line that starts with `{`, and no `##[` in it: GitHub's runner reads its legacy
    // commands anywhere in a line (`#` appears only inside JSON strings, where \u0023 is the same).
    ctx.process.stdout.write(`${safeJson(report).replaceAll("##[", "\\u0023#[")}\n`);
  } else {
    // The report names files a change chose: under GitHub Actions it goes inside the run's
    // stop-commands block, as a task's output does, so no name reads as a workflow command.
    const markers = ctx.stopCommands;
    if (markers !== undefined && markers.stdout !== true) {
      ctx.process.stdout.write(markers.start);
      markers.stdout = true;
    }
    ctx.process.stdout.write(formatReport(report));
  }
  return report.ok ? ExitCode.Success : ExitCode.TaskFailed;
}

async function github(
  ctx: RunContext,
  report: GuardReport,
  env: (name: string) => string | undefined,
): Promise<void> {
  const { guardAnnotations, stepSummary } = await import("../guard/github.ts");
  // Printed after the run's stop-commands block ends, so GitHub reads them.
  ctx.annotations?.push(...guardAnnotations(report));
  const summary = env("GITHUB_STEP_SUMMARY");
  if (summary !== undefined && summary !== "") {
    await Deno.writeTextFile(summary, stepSummary(report), { append: true });
  }
}
