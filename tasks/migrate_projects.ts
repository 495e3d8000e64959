import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import { ConfigError } from "../lib/errors/mod.ts";
import {
  applyStep,
  exists,
  type Journal,
  JOURNAL_PATH,
  KIRO_SPECS_DIR,
  planMigration,
  readJournal,
  removeJournal,
  type Step,
  undoStep,
  writeJournal,
} from "../lib/projects/mod.ts";

/** A step as reported: its kind and paths (file contents left out). */
export interface ReportedStep {
  op: Step["op"];
  path?: string;
  from?: string;
  to?: string;
  target?: string;
}

/** The result of migrate-projects. */
export interface MigrateResult {
  /** What happened: `planned` is a dry run. */
  action: "migrated" | "planned" | "nothing-to-do" | "rolled-back" | "nothing-to-roll-back";
  /** Whether an interrupted migration was finished first. */
  resumed: boolean;
  /** The projects moved (or to move). */
  projects: Array<{ name: string; format: "kiro" | "codev"; files: number }>;
  steps: ReportedStep[];
}

export default defineTask({
  name: "migrate-projects",
  description: "Move Kiro and Codev projects into .ai/projects (journaled, resumable, --rollback)",
  args: z.object({
    dryRun: z._default(z.boolean(), false).check(
      z.describe("Print the plan (every move, link, write); change nothing"),
    ),
    rollback: z._default(z.boolean(), false).check(
      z.describe("Restore the tree as it was before migrating"),
    ),
  }),
  permissions: {
    read: [KIRO_SPECS_DIR, "codev", ".ai", ".gitignore", ".gitignore.tmp", ".wst"],
    write: [KIRO_SPECS_DIR, "codev", ".ai", ".gitignore", ".gitignore.tmp", ".wst"],
    // Deno.symlink needs unrestricted file access, which no task gets: links are made with ln.
    run: ["ln"],
  },
  async run(ctx, a): Promise<MigrateResult> {
    const root = ctx.root;
    const journal = await readJournal(root);
    if (a.rollback) {
      if (journal === null || journal.runs.length === 0) {
        return { action: "nothing-to-roll-back", resumed: false, projects: [], steps: [] };
      }
      if (a.dryRun) {
        return { action: "planned", resumed: false, projects: [], steps: undoList(journal) };
      }
      const undone: Step[] = [];
      const progress = ctx.log.progress("rolling back", undoList(journal).length);
      while (journal.runs.length > 0) {
        const run = journal.runs.at(-1)!;
        run.state = "rolling-back";
        await writeJournal(root, journal);
        for (const step of [...run.steps].reverse()) {
          await undoStep(root, step);
          undone.push(step);
          progress.tick();
        }
        journal.runs.pop();
        if (journal.runs.length > 0) await writeJournal(root, journal);
      }
      await removeJournal(root, journal);
      progress.done();
      return { action: "rolled-back", resumed: false, projects: [], steps: undone.map(report) };
    }

    const interrupted = journal?.runs.find((r) => r.state === "rolling-back");
    if (interrupted) {
      throw new ConfigError([{
        file: JOURNAL_PATH,
        path: "",
        message: "A rollback was interrupted: run migrate-projects --rollback to finish it",
      }]);
    }
    let resumed = false;
    const unfinished = journal?.runs.find((r) => r.state === "migrating");
    if (journal && unfinished && !a.dryRun) {
      ctx.log.info(`Finishing the migration interrupted at ${unfinished.startedAt}`);
      for (const step of unfinished.steps) await applyStep(root, step, ctx.$);
      unfinished.state = "migrated";
      await writeJournal(root, journal);
      resumed = true;
    }

    const plan = await planMigration(root);
    if (plan.conflicts.length > 0) {
      throw new ConfigError(
        plan.conflicts.map((message) => ({ file: "migrate-projects", path: "", message })),
      );
    }
    const projects = plan.sources.map((s) => ({
      name: s.name,
      format: s.format,
      files: s.files.length,
    }));
    if (plan.steps.length === 0) {
      return { action: resumed ? "migrated" : "nothing-to-do", resumed, projects: [], steps: [] };
    }
    if (a.dryRun) return { action: "planned", resumed, projects, steps: plan.steps.map(report) };

    const next: Journal = journal ?? {
      version: 1,
      createdWstDir: !(await exists(`${root}/.wst`)),
      runs: [],
    };
    const run = {
      state: "migrating" as const,
      startedAt: new Date().toISOString(),
      steps: plan.steps,
    };
    next.runs.push(run);
    await writeJournal(root, next); // before anything moves
    const progress = ctx.log.progress("migrating", plan.steps.length);
    for (const step of plan.steps) {
      await applyStep(root, step, ctx.$);
      progress.tick();
    }
    next.runs[next.runs.length - 1] = { ...run, state: "migrated" };
    await writeJournal(root, next);
    progress.done(`${projects.length} project(s) migrated`);
    return { action: "migrated", resumed, projects, steps: plan.steps.map(report) };
  },
  render(r) {
    const lines = r.steps.map(describeStep);
    switch (r.action) {
      case "nothing-to-do":
        return "Nothing to migrate: every project is already in .ai/projects";
      case "nothing-to-roll-back":
        return "Nothing to roll back: there is no migration journal";
      case "planned":
        return `Dry run, nothing changed. The plan:\n${lines.join("\n")}`;
      case "rolled-back":
        return `Rolled back ${r.steps.length} step(s): the tree is as it was before the migration`;
      default:
        return `${
          r.resumed ? "Finished the interrupted migration. " : ""
        }Migrated ${r.projects.length} project(s):\n` +
          r.projects.map((p) => `  ${p.name} (${p.format}, ${p.files} file(s))`).join("\n");
    }
  },
});

function undoList(journal: Journal): ReportedStep[] {
  return journal.runs.toReversed().flatMap((run) => run.steps.toReversed().map(report));
}

function report(step: Step): ReportedStep {
  switch (step.op) {
    case "write":
      return { op: step.op, path: step.path };
    case "gitignore":
      return { op: step.op };
    default:
      return step;
  }
}

function describeStep(step: ReportedStep): string {
  const s = step;
  switch (step.op) {
    case "move":
      return `  move     ${s.from} -> ${s.to}`;
    case "symlink":
      return `  symlink  ${s.path} -> ${s.target}`;
    case "gitignore":
      return "  append   .ai/projects/ to .gitignore";
    default:
      return `  ${step.op.padEnd(8)} ${s.path}`;
  }
}
