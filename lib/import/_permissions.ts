// The permissions of a generated task, inferred from its steps (best effort;
// the importer prints them for review).
import { resolvePath } from "../_path.ts";
import type { Condition, PermissionPlan, StepPlan } from "./_plan.ts";
import { envReadsOf, NETWORK_CLIENTS, programsOf } from "./_shell.ts";
import { joinRelative } from "./_paths.ts";

/** The shell scripts a step runs: its own, its status checks, its `if:` condition. */
function scriptsOf(step: StepPlan): Condition[] {
  switch (step.kind) {
    case "skip":
      return step.when === undefined ? [] : [step.when];
    case "status":
      return step.sources.map((source) => ({ ...step, source }));
    case "task":
      return step.when === undefined ? [] : [step.when];
    default: {
      const own: Condition = step;
      return step.kind === "script" && step.when !== undefined ? [own, step.when] : [own];
    }
  }
}

/**
 * What a task with these steps declares: read and write its root (and the
 * folders its steps run in, when outside it), run bash and every program the
 * scripts name, the env vars they read without setting them and the keys of
 * its dotenv files that exist now, `net: ["*"]` when a program is a network
 * client, and the tasks it starts.
 *
 * @param steps The task's steps.
 * @param options The import root, the task's folder (relative to it), its
 * dotenv files and working folder (relative to the task's folder).
 * @returns The permissions.
 */
export function inferPermissions(
  steps: readonly StepPlan[],
  options: { root: string; folder: string; dotenv: readonly string[]; cwd: string },
): PermissionPlan {
  const run = new Set<string>();
  const env = new Set<string>();
  const tasks = new Set<string>();
  const scope = new Set<string>(["."]);
  for (const step of steps) {
    if (step.kind === "task") tasks.add(step.name);
    for (const script of scriptsOf(step)) {
      run.add("bash");
      for (const program of programsOf(script.source)) run.add(program);
      for (const name of envReadsOf(script.source, Object.keys(script.env))) env.add(name);
      if ((script.cwd ?? "").startsWith("..")) scope.add(script.cwd!);
    }
    // A shebang recipe's interpreter (`/usr/bin/env python3` runs env, then python3).
    for (const program of step.kind === "script" ? step.interpreter ?? [] : []) run.add(program);
  }
  if (options.cwd.startsWith("..")) scope.add(options.cwd);
  for (const file of options.dotenv) {
    let text: string;
    try {
      text = Deno.readTextFileSync(resolvePath(options.root, joinRelative(options.folder, file)));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)) {
      env.add(m[1]!);
    }
  }
  const programs = [...run];
  return {
    read: [...scope],
    write: [...scope],
    run: programs,
    env: [...env].sort(),
    net: programs.some((p) => NETWORK_CLIENTS.has(p.split("/").pop()!)) ? ["*"] : [],
    tasks: [...tasks],
    interactive: false,
  };
}
