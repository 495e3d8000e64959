// A task and its dependencies as a plan: every task once, in an order where
// each comes after its deps, grouped in levels (a level's tasks may run at once).
import { TaskDefinitionError, UsageError } from "../errors/mod.ts";
import { qualifyTaskName } from "../task/names.ts";

/** What planning needs to know of a task. */
export interface PlanTask {
  /** Its full name. */
  readonly name: string;
  /** Its namespace (`""` for the root's tasks and built-ins): its deps are relative to it. */
  readonly namespace: string;
  /** Its module, for messages. */
  readonly file: string;
  /** Its deps as written (references). */
  readonly deps: readonly string[];
}

/** One task of a plan, with its deps as full names. */
export interface PlanStep {
  readonly name: string;
  readonly deps: readonly string[];
}

/** The tasks a run starts, in an order where each comes after its deps. */
export interface Plan {
  /** The task asked for (last in `order`). */
  readonly target: string;
  /** Every task of the graph once, deps first. */
  readonly order: readonly PlanStep[];
  /** The tasks by level: a task's level is one more than its deepest dep's. */
  readonly levels: readonly (readonly string[])[];
}

/**
 * Plans a run of a task and everything it depends on, transitively.
 *
 * @param target The task asked for.
 * @param lookup Finds a task by full name.
 * @returns The plan.
 * @throws {TaskDefinitionError} When a dep names no task (exit code 2).
 * @throws {UsageError} When the deps form a cycle, which the message names (exit code 2).
 */
export function planRun(target: PlanTask, lookup: (name: string) => PlanTask | undefined): Plan {
  const steps = new Map<string, PlanStep>();
  const level = new Map<string, number>();
  const visiting: string[] = [];
  const visit = (task: PlanTask): number => {
    const done = level.get(task.name);
    if (done !== undefined) return done;
    const at = visiting.indexOf(task.name);
    if (at !== -1) {
      const cycle = [...visiting.slice(at), task.name].map((n) => JSON.stringify(n)).join(" -> ");
      throw new UsageError(`Dependency cycle: ${cycle}: remove one of these deps`);
    }
    visiting.push(task.name);
    const deps: string[] = [];
    let depth = 0;
    task.deps.forEach((ref, i) => {
      const name = qualifyTaskName(task.namespace, ref);
      const dep = lookup(name);
      if (dep === undefined) {
        throw new TaskDefinitionError(task.file, [{
          field: `deps[${i}]`,
          message: `Task ${JSON.stringify(task.name)} depends on ${JSON.stringify(ref)}${
            name === ref ? "" : ` (${JSON.stringify(name)})`
          }, which is not a task: run "wst list" to see the tasks`,
        }]);
      }
      if (!deps.includes(dep.name)) deps.push(dep.name);
      depth = Math.max(depth, visit(dep) + 1);
    });
    visiting.pop();
    level.set(task.name, depth);
    steps.set(task.name, { name: task.name, deps });
    return depth;
  };
  visit(target);
  const levels: string[][] = [];
  for (const [name, depth] of level) (levels[depth] ??= []).push(name);
  return { target: target.name, order: [...steps.values()], levels };
}
