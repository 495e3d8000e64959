// A task that starts another with `ctx.runTask` runs it with the intersection
// of their permissions (docs/adr/0011's rule for subtasks): an imported
// task's calls (go-task's `task:` commands) work only when the caller declares
// what its callees need. This widens each caller by its callees', paths moved
// from the callee's folder to the caller's, until nothing changes.
import { qualifyTaskName } from "../task/names.ts";
import type { PermissionPlan, TaskPlan } from "./_plan.ts";
import { joinRelative, relativePath } from "./_paths.ts";

/**
 * Widens each task's permissions by those of the tasks it calls (transitively).
 *
 * @param tasks The plans of one import; their `permissions` are replaced.
 */
export function widenCallers(tasks: readonly TaskPlan[]): void {
  const full = (t: TaskPlan) => (t.namespace === "" ? t.name : `${t.namespace}:${t.name}`);
  const byName = new Map(tasks.map((t) => [full(t), t]));
  let changed = true;
  for (let round = 0; changed && round <= tasks.length; round++) {
    changed = false;
    for (const caller of tasks) {
      for (const step of caller.steps) {
        if (step.kind !== "task") continue;
        const callee = byName.get(qualifyTaskName(caller.namespace, step.name));
        if (callee === undefined || callee === caller) continue;
        const wider = union(caller.permissions, callee.permissions, moved(callee.dir, caller.dir));
        if (JSON.stringify(wider) !== JSON.stringify(caller.permissions)) {
          (caller as { permissions: PermissionPlan }).permissions = wider;
          changed = true;
        }
      }
    }
  }
}

/** A path relative to folder `from` as seen from folder `to` (both relative to the import root). */
function moved(from: string, to: string): (path: string) => string {
  return (path) => {
    if (path.startsWith("/") || path.startsWith("$") || path.startsWith("~") || from === to) {
      return path;
    }
    const prefix = relativePath(`/${to}`, `/${from}`);
    return prefix === "" || prefix === "." ? path : joinRelative(prefix, path) || ".";
  };
}

function union(
  own: PermissionPlan,
  other: PermissionPlan,
  move: (path: string) => string,
): PermissionPlan {
  const merge = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  return {
    read: merge(own.read, other.read.map(move)),
    write: merge(own.write, other.write.map(move)),
    run: merge(own.run, other.run),
    env: merge(own.env, other.env),
    net: merge(own.net, other.net),
    tasks: [...own.tasks],
    interactive: own.interactive || other.interactive,
  };
}
