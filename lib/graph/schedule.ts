// Runs a plan: each task once its deps succeeded, up to `jobs` at once.
import type { Plan } from "./plan.ts";

/** How one task of a plan ended. */
export type StepOutcome =
  | { readonly status: "done" }
  | { readonly status: "failed"; readonly error: unknown }
  /** Not started: a dep failed (`dep` names it), or `--fail-fast` stopped the run. */
  | { readonly status: "not-run"; readonly dep?: string };

/** Options of {@linkcode runPlan}. */
export interface ScheduleOptions {
  /** At most this many tasks at once (at least 1). */
  readonly jobs: number;
  /**
   * On the first failure, abort the running tasks (their signal) and start no
   * other. Without it the tasks that do not depend on the failed one still run,
   * and the running ones finish.
   */
  readonly failFast: boolean;
  /** Runs one task; its signal aborts with `--fail-fast` or the run's own signal. */
  readonly run: (name: string, signal: AbortSignal) => Promise<void>;
  /** The run's signal (Ctrl-C): nothing new starts once it aborted. */
  readonly signal: AbortSignal;
}

/**
 * Runs every task of a plan once, each after its deps succeeded, up to
 * `jobs` at once, in the plan's order where there is a choice.
 *
 * @param plan The plan.
 * @param options Parallelism, fail-fast, the runner and the run's signal.
 * @returns How each task ended, by name.
 */
export async function runPlan(
  plan: Plan,
  options: ScheduleOptions,
): Promise<Map<string, StepOutcome>> {
  const outcomes = new Map<string, StepOutcome>();
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const waiting = [...plan.order];
  const running = new Set<Promise<void>>();
  const jobs = Math.max(1, Math.floor(options.jobs));
  for (;;) {
    // Settle what can no longer run, then start what can.
    for (let i = 0; i < waiting.length;) {
      const step = waiting[i]!;
      const failedDep = step.deps.find((d) => {
        const o = outcomes.get(d);
        return o !== undefined && o.status !== "done";
      });
      if (failedDep !== undefined || signal.aborted) {
        outcomes.set(step.name, {
          status: "not-run",
          ...(failedDep === undefined ? {} : { dep: failedDep }),
        });
        waiting.splice(i, 1);
      } else if (running.size < jobs && step.deps.every((d) => outcomes.has(d))) {
        waiting.splice(i, 1);
        const started: Promise<void> = options.run(step.name, signal).then(
          () => void outcomes.set(step.name, { status: "done" }),
          (error) => {
            outcomes.set(step.name, { status: "failed", error });
            if (options.failFast) stop.abort();
          },
        ).finally(() => running.delete(started));
        running.add(started);
      } else {
        i++;
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  return outcomes;
}
