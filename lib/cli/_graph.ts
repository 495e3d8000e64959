// A run of a task with deps or sources: plans the graph, runs each task once
// through the one run path (`runEntry`: its own sandbox, permissions and trust
// check), up to --jobs at once, skips the ones that are up to date, and prints
// the asked-for task's result (docs/adr/0012-graph.md).
import { ExitCode, InterruptedError, toWstError, WstError } from "../errors/mod.ts";
import type { RegistryEntry } from "../registry/mod.ts";
import { prefixReporter } from "../reporter/mod.ts";
import type { ConfineMode } from "../sandbox/confine.ts";
import type { SandboxResult } from "../sandbox/host.ts";
import { type Plan, planRun, type PlanTask } from "../graph/plan.ts";
import { runPlan } from "../graph/schedule.ts";
import { recordRun, type UpToDateKey, upToDateKey, whyRun } from "../graph/up_to_date.ts";
import { resolvePath } from "../_path.ts";
import type { RunnerFlags } from "./_argv.ts";
import { printResult, type RunContext } from "./_context.ts";
import { errorLine } from "./_invocation.ts";
import {
  asSubtaskFailure,
  checkTrust,
  jobsFlag,
  permissionsForRun,
  runEntry,
  taskOutput,
} from "./run_task.ts";

/** How one task of a graph ended, as `--json` and the log report it. */
export type StepStatus = "ran" | "up-to-date" | "failed" | "not-run";

/**
 * Runs a task and its deps (transitively), each at most once, deps first,
 * up to `--jobs` at once; or, with `--dry-run`, prints the plan. A task with
 * `sources` is skipped while it is up to date (unless `--force`).
 *
 * @param ctx The CLI context.
 * @param target The task asked for.
 * @param options Its raw arguments (deps run with their defaults), the runner
 *   flags, every task (to find the deps) and the confinement mode.
 * @throws {UsageError} On a cycle or a bad `--jobs` (exit 2).
 * @throws {TaskDefinitionError} When a dep names no task (exit 2).
 * @throws {SubtaskFailedError} When a dep failed: the task did not run (exit 1).
 */
export async function runGraph(
  ctx: RunContext,
  target: RegistryEntry,
  options: {
    args: Record<string, unknown>;
    runner: RunnerFlags;
    tasks: readonly RegistryEntry[];
    confine: ConfineMode;
    /** Run the target's deps only (a task started with `ctx.runTask` runs itself). */
    depsOnly?: boolean;
  },
): Promise<void> {
  const jobs = jobsFlag(options.runner.jobs);
  const byName = new Map(options.tasks.map((t) => [t.name, t]));
  byName.set(target.name, target);
  const plan = planRun(planTask(target), (name) => {
    const entry = byName.get(name);
    return entry === undefined ? undefined : planTask(entry);
  });
  const argsOf = (name: string) => (name === target.name ? options.args : {});
  const rootOf = (entry: RegistryEntry) => resolvePath(ctx.root, taskDir(entry));

  if (options.runner.dryRun) {
    await printPlan(ctx, plan, async (name) => {
      const entry = byName.get(name)!;
      if (!entry.sources?.length) return undefined;
      if (options.runner.force) return "runs: --force";
      const root = rootOf(entry);
      const args = argsOf(name);
      const own = await permissionsForRun(ctx, entry, { root, args });
      const why = await staleness(entry, { root, workspace: ctx.root, args, env: own.env });
      return why.reason === undefined ? "up to date" : `runs: ${why.reason}`;
    });
    return;
  }

  // Names before lines only where tasks may run at once: a chain of deps (or --jobs 1) runs one
  // task at a time, and its output reads as the tasks' own, as just's and go-task's do.
  const many = jobs > 1 && plan.levels.some((level) => level.length > 1);
  // An unconfined task's relative paths are relative to the process's folder, one for all: each
  // task gets its own root as that folder when one task runs at a time or all share the root.
  const oneCwd = !many ||
    new Set(plan.levels.flat().map((name) => rootOf(byName.get(name)!))).size === 1;
  const statuses = new Map<string, StepStatus>();
  const failures: { name: string; error: unknown }[] = [];
  let result: SandboxResult | undefined;
  // Every task that needs the user's approval has it before the first one runs: a dep that ran
  // before its dependent's approval was refused would already have done its work.
  for (const level of plan.levels) {
    for (const name of level) {
      if (options.depsOnly && name === target.name) continue;
      const entry = byName.get(name)!;
      if (entry.source !== "local") continue;
      const root = rootOf(entry);
      const own = await permissionsForRun(ctx, entry, { root, args: argsOf(name) });
      await checkTrust(ctx, entry, own, { root });
    }
  }
  const outcomes = await runPlan(plan, {
    jobs,
    failFast: options.runner.failFast === true,
    signal: ctx.signal,
    run: async (name, signal) => {
      if (options.depsOnly && name === target.name) return;
      const entry = byName.get(name)!;
      const root = rootOf(entry);
      const args = argsOf(name);
      const reporter = many ? prefixReporter(ctx.reporter, `[${name}] `) : ctx.reporter;
      const stepCtx = { ...ctx, signal, reporter };
      try {
        const own = await permissionsForRun(stepCtx, entry, { root, args });
        let key: UpToDateKey | undefined;
        if (entry.sources?.length) {
          const why = await staleness(entry, { root, workspace: ctx.root, args, env: own.env });
          key = why.key;
          if (why.reason === undefined && !options.runner.force) {
            reporter.info(`${name}: up to date`);
            statuses.set(name, "up-to-date");
            return;
          }
          reporter.debug(`${name} runs: ${options.runner.force ? "--force" : why.reason}`);
        }
        const output = taskOutput(ctx);
        if (ctx.chdirToRoot && oneCwd) Deno.chdir(root);
        const done = await runEntry(stepCtx, entry, {
          root,
          args,
          // Arguments after `--` are the target's; deps run with none.
          argv: name === target.name ? ctx.argv ?? [] : [],
          reporter,
          output: many ? (stream, line) => output(stream, `[${name}] ${line}`) : output,
          confine: options.confine,
          own,
          ...(many ? { outputPrefix: `[${name}] ` } : {}),
        });
        statuses.set(name, done.failed ? "failed" : "ran");
        if (name === target.name) result = done;
        else if (done.text.trim() !== "") reporter.info(done.text.trimEnd());
        if (done.failed && name !== target.name) {
          throw new WstError(`Task ${JSON.stringify(name)} reported a failure`);
        }
        if (!done.failed && key !== undefined) await record(root, key, name, reporter);
      } catch (err) {
        statuses.set(name, "failed");
        failures.push({ name, error: err });
        throw err;
      }
    },
  });

  if (options.depsOnly && failures.length === 0 && !ctx.signal.aborted) return;
  if (result !== undefined) {
    printResult(ctx, result.value, result.text);
    if (result.failed) ctx.exit = ExitCode.TaskFailed;
    return;
  }
  const outcome = outcomes.get(target.name);
  if (statuses.get(target.name) === "up-to-date") {
    printResult(ctx, { task: target.name, status: "up-to-date" }, "");
    return;
  }
  if (ctx.signal.aborted) {
    throw new InterruptedError(`Task ${JSON.stringify(target.name)} was interrupted`);
  }
  // The first failure is the cause; with --fail-fast the ones it aborted came after it.
  const first = failures[0];
  if (outcome?.status === "failed" && first?.name === target.name) throw first.error;
  for (const failure of failures.slice(1)) {
    const error = toWstError(failure.error);
    ctx.reporter.error(
      `[${failure.name}] ${
        error instanceof InterruptedError ? "aborted (--fail-fast)" : errorLine(error)
      }`,
    );
  }
  if (first === undefined) throw new WstError(`Task ${JSON.stringify(target.name)} did not run`);
  if (first.name === target.name) throw first.error;
  ctx.reporter.error(
    `${target.name}: not run: its dependency ${JSON.stringify(first.name)} failed`,
  );
  throw asSubtaskFailure(first.name, first.error);
}

/** Whether a task with sources must run, and the key its run records. */
async function staleness(
  entry: RegistryEntry,
  run: {
    root: string;
    workspace: string;
    args: Record<string, unknown>;
    env: readonly string[] | undefined;
  },
): Promise<{ key: UpToDateKey; reason: string | undefined }> {
  const key = await upToDateKey({
    task: entry.name,
    root: run.root,
    boundary: run.workspace,
    module: decodeURIComponent(new URL(entry.url).pathname),
    sources: entry.sources ?? [],
    args: run.args,
    env: run.env ?? [],
  });
  const reason = await whyRun(run.root, key, { task: entry.name, outputs: entry.outputs ?? [] });
  return { key, reason };
}

/** `--dry-run`: the levels of the plan, and for a task with sources whether it would run. */
async function printPlan(
  ctx: RunContext,
  plan: Plan,
  status: (name: string) => Promise<string | undefined>,
): Promise<void> {
  const notes = new Map<string, string>();
  for (const step of plan.order) {
    const note = await status(step.name);
    if (note !== undefined) notes.set(step.name, note);
  }
  const value = {
    dryRun: true,
    task: plan.target,
    order: plan.order.map((step) => ({
      task: step.name,
      deps: step.deps,
      ...(notes.has(step.name) ? { status: notes.get(step.name) } : {}),
    })),
    levels: plan.levels,
  };
  const lines = [
    `${plan.target} would run in ${plan.levels.length} step${
      plan.levels.length === 1 ? "" : "s"
    } (the tasks of a step may run at once); nothing was run:`,
    ...plan.levels.map((level, i) =>
      `  ${i + 1}. ${
        level.map((name) => notes.has(name) ? `${name} (${notes.get(name)})` : name).join(", ")
      }`
    ),
  ];
  printResult(ctx, value, lines.join("\n"));
}

/** A registry entry as planning sees it. */
function planTask(entry: RegistryEntry): PlanTask {
  return {
    name: entry.name,
    namespace: entry.namespace,
    file: entry.file,
    deps: entry.deps ?? [],
  };
}

/** The task's root folder relative to the workspace root (`""`: the workspace root). */
function taskDir(entry: RegistryEntry): string {
  return entry.dir;
}

/**
 * Records a successful run; a root wst may not write (a read-only checkout)
 * costs the skip next time, not this run.
 */
async function record(
  root: string,
  key: UpToDateKey,
  task: string,
  reporter: RunContext["reporter"],
): Promise<void> {
  try {
    await recordRun(root, key, task);
  } catch (err) {
    if (!(err instanceof Deno.errors.PermissionDenied)) throw err;
    reporter.warn(
      `Cannot record that ${
        JSON.stringify(task)
      } is up to date (${err.message}): it runs again next time`,
    );
  }
}
