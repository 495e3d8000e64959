// The one run path of the CLI: a scanned command line in, an exit code out.
import { type Invocation, parseArgv } from "./_argv.ts";
import { type MainOptions, openInvocation, reportError } from "./_invocation.ts";
import { ExitCode, UsageError } from "../errors/mod.ts";
import type { RunContext } from "./_context.ts";
import { inGithubActions, stopCommands, stopCommandsToken } from "../ci/github.ts";
import { importOwn } from "../_load.ts";

export type { MainOptions } from "./_invocation.ts";

/**
 * Runs the wst CLI.
 *
 * @param argv The arguments after the program name.
 * @param options Where output goes and an abort signal.
 * @returns The process exit code (see `ExitCode`).
 */
export function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  return runInvocation(parseArgv(argv), options);
}

/**
 * Runs a scanned command line. A task given nothing but global flags runs at
 * once (see `directEntry`, `directLocalEntry`); everything else goes through
 * the full command tree (`runApp`), loaded only then.
 *
 * @param invocation The scanned command line.
 * @param options Where output goes and an abort signal.
 * @returns The process exit code (see `ExitCode`).
 */
export async function runInvocation(
  invocation: Invocation,
  options: MainOptions = {},
): Promise<number> {
  const opened = openInvocation(invocation, options);
  if (opened.ctx === undefined) return opened.code;
  const markers = githubStopCommands(options);
  const ctx = { ...opened.ctx, stopCommands: markers };
  if (markers !== undefined) ctx.process.stderr.write(markers.start);
  try {
    if (invocation.command === "guard" && !invocation.help) {
      // Straight from the command line, from one bundled file: a pre-commit hook should not wait
      // for the command tree or for ~200 modules (docs/adr/0018).
      if (invocation.argv.length > 0 || invocation.watch !== undefined) {
        throw new UsageError("wst guard takes no -- arguments and no --watch");
      }
      const [{ guardMain }, { VERSION }] = await Promise.all([
        loadGuard(),
        importOwn<typeof import("./_version.ts")>(new URL("./_version.ts", import.meta.url)),
      ]);
      return await guardMain(ctx, invocation.rest, VERSION);
    }
    if (
      invocation.command === undefined && !invocation.help && invocation.rest.length === 1 &&
      (invocation.rest[0] === "--version" || invocation.rest[0] === "-v")
    ) {
      // The version alone: no registry, so no task module of the folder is looked at or loaded.
      const { VERSION } = await importOwn<typeof import("./_version.ts")>(
        new URL("./_version.ts", import.meta.url),
      );
      ctx.process.stdout.write(`${VERSION}\n`);
      return ExitCode.Success;
    }
    // The direct paths (and the registry they look in) load here: `wst guard` and `--version`
    // above need neither.
    const { directEntry, directLocalEntry } = await importOwn<typeof import("./_direct.ts")>(
      new URL("./_direct.ts", import.meta.url),
    );
    const entry = directEntry(invocation);
    if (entry !== undefined) {
      const { runTaskCommand } = await importOwn<typeof import("./run_task.ts")>(
        new URL("./run_task.ts", import.meta.url),
      );
      await runTaskCommand(ctx, entry, { flags: {}, positionals: {} });
      return ctx.exit;
    }
    if (
      invocation.command === "list" && invocation.rest.length === 0 && !invocation.help &&
      invocation.argv.length === 0 && invocation.watch === undefined &&
      Object.keys(invocation.runner ?? {}).length === 0
    ) {
      // Nothing to parse (the parser reports what `list` does not take).
      const { runList } = await importOwn<typeof import("./list.ts")>(
        new URL("./list.ts", import.meta.url),
      );
      return await runList(ctx);
    }
    const local = await directLocalEntry(invocation, ctx.root, ctx.signal);
    if (local.entry !== undefined) {
      const { runTaskCommand } = await importOwn<typeof import("./run_task.ts")>(
        new URL("./run_task.ts", import.meta.url),
      );
      // Its deps are looked up in the registry it came from.
      await runTaskCommand({ ...ctx, registry: local.registry! }, local.entry, {
        flags: {},
        positionals: {},
      });
      return ctx.exit;
    }
    const { runApp } = await importOwn<typeof import("./main.ts")>(
      new URL("./main.ts", import.meta.url),
    );
    return await runApp(invocation, ctx, local.registry);
  } catch (err) {
    return reportError(ctx, err);
  } finally {
    // One end, after everything (the error included), on each stream that got a start.
    if (markers !== undefined) ctx.process.stderr.write(markers.end);
    if (markers !== undefined && markers.stdout === true) ctx.process.stdout.write(markers.end);
    for (const line of ctx.annotations ?? []) ctx.process.stderr.write(`${line}\n`);
  }
}

/**
 * In GitHub Actions, what a run prints between `::stop-commands::<token>`
 * (a new random token per run) and `::<token>::` is out of the runner's
 * reach: loading task modules, their logs, progress, errors, results, and
 * the output of children that share wst's stdout and stderr. The runner
 * reads workflow commands from both streams, one reader each: stderr gets
 * the markers around the whole run, stdout from a task's run to the end of
 * the run (`runTaskCommand` writes its start; both ends come last, after any
 * error, since one end marker ends the block for both streams), except with `--json`, where stdout is exactly one JSON
 * document, whose one line never starts with `::`.
 *
 * @returns The two lines, or undefined outside GitHub Actions.
 */
function githubStopCommands(options: MainOptions): RunContext["stopCommands"] {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  return inGithubActions(env) ? stopCommands(stopCommandsToken()) : undefined;
}

/**
 * The module of `wst guard`: its bundle (built on first use; embedded in a
 * compiled binary), else its sources.
 */
async function loadGuard(): Promise<typeof import("./_guard_main.ts")> {
  const { GUARD_BUNDLE, bundleUrl } = await importOwn<
    typeof import("../registry/_bundle_cache.ts")
  >(new URL("../registry/_bundle_cache.ts", import.meta.url));
  let url: string | undefined;
  try {
    url = bundleUrl(GUARD_BUNDLE.module, { task: "guard", cache: GUARD_BUNDLE.cache });
  } catch {
    // A bundle cache it cannot write (a read-only checkout): the sources work, only slower.
  }
  // The sources: a compiled wst embeds them too (COMPILE_INCLUDES).
  return url === undefined
    ? await importOwn<typeof import("./_guard_main.ts")>(
      new URL("./_guard_main.ts", import.meta.url),
    )
    : await import(url);
}
