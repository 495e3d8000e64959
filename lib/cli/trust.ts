// `wst trust`: approve, list and revoke what local tasks reach beyond their repository.
import { UsageError } from "../errors/mod.ts";
import { knownPermissions, type RegistryEntry, taskRoot } from "../registry/mod.ts";
import { computePermissions } from "../sandbox/host.ts";
import type { Permissions } from "../task/permissions.ts";
import {
  describeReach,
  isEmptyReach,
  moveTrustFileAside,
  type Reach,
  reachBeyond,
  readTrustFile,
  recordApproval,
  trustFilePath,
  updateTrustFile,
} from "../trust/mod.ts";
import { table } from "../reporter/table.ts";
import { type CliContext, type GlobalFlags, printResult } from "./_context.ts";

/** The flags of `wst trust`. */
export interface TrustFlags extends GlobalFlags {
  readonly list?: boolean;
  readonly revoke?: boolean;
  readonly reset?: boolean;
}

/** What `wst trust` did to one task. */
interface Outcome {
  task: string;
  /** `approved`, `not-needed` (nothing beyond the root), `built-in`, `revoked`, `not-approved`. */
  status: string;
  reach?: Reach;
}

/**
 * `wst trust <task>…`: records approval of what each task's permissions
 * (without arguments) reach beyond the root. `--revoke` removes the
 * approvals of the named tasks, `--list` shows every approval, `--reset`
 * moves the trust file aside.
 */
export async function trustCommand(
  this: CliContext,
  flags: TrustFlags,
  ...names: string[]
): Promise<void> {
  const modes = [flags.list, flags.revoke, flags.reset].filter(Boolean).length;
  if (modes > 1) throw new UsageError("Use one of --list, --revoke and --reset at a time");
  const path = trustFilePath();
  if (flags.list || flags.reset) {
    if (names.length > 0) {
      throw new UsageError(`--${flags.list ? "list" : "reset"} takes no task, found ${names[0]}`);
    }
    return flags.list ? listApprovals(this, path) : await reset(this, path);
  }
  if (names.length === 0) {
    throw new UsageError(
      "Name the tasks to approve: wst trust <task>… (or --list, --revoke <task>…, --reset)",
    );
  }
  const outcomes = flags.revoke
    ? await revoke(this, path, names)
    : await approve(this, path, names);
  const lines = outcomes.map((o) => {
    switch (o.status) {
      case "approved":
        return `approved ${o.task}: ${describeReach(o.reach!)}`;
      case "not-needed":
        return `${o.task} needs no approval: its permissions stay inside ${this.root}`;
      case "built-in":
        return `${o.task} is built-in: it never needs approval`;
      case "revoked":
        return `revoked ${o.task}`;
      default:
        return `${o.task} was not approved in ${this.root}`;
    }
  });
  printResult(this, { trustFile: path, root: this.root, tasks: outcomes }, lines.join("\n"));
}

async function approve(ctx: CliContext, path: string, names: string[]): Promise<Outcome[]> {
  const entries = names.map((name) => {
    const entry = ctx.registry.tasks.find((t) => t.name === name);
    if (entry === undefined) {
      throw new UsageError(
        `No task ${JSON.stringify(name)} in ${
          JSON.stringify(ctx.root)
        }: run "wst list" to see the tasks`,
      );
    }
    return entry;
  });
  const outcomes: Outcome[] = [];
  for (const entry of entries) {
    if (entry.source === "built-in") {
      outcomes.push({ task: entry.name, status: "built-in" });
      continue;
    }
    // A namespace's task is approved in its own folder, its root (docs/adr/0014).
    const root = taskRoot(ctx.root, entry);
    const reach = reachBeyond(await defaultPermissions(ctx, entry), root);
    if (isEmptyReach(reach)) {
      outcomes.push({ task: entry.name, status: "not-needed" });
      continue;
    }
    const approval = await recordApproval(path, root, entry, reach);
    outcomes.push({ task: entry.name, status: "approved", reach: approval.reach });
  }
  return outcomes;
}

/** The task's permissions for its default arguments (computed in a worker with none if need be). */
async function defaultPermissions(ctx: CliContext, entry: RegistryEntry): Promise<Permissions> {
  const known = knownPermissions(entry, false);
  if (known !== null) return known;
  try {
    return await computePermissions({ name: entry.name, url: entry.url }, {}, {
      root: taskRoot(ctx.root, entry),
    });
  } catch (err) {
    // A run without the arguments the task needs (its schema refused them).
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(
      `Cannot approve ${JSON.stringify(entry.name)} here: its permissions depend on arguments ` +
        `it needs (${err.message}); run it on a terminal to be asked for these arguments' permissions`,
    );
  }
}

async function revoke(ctx: CliContext, path: string, names: string[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  await updateTrustFile(path, (file) => {
    for (const name of names) {
      // A namespace's task was approved in its own folder; a task gone from the registry in the root.
      const entry = ctx.registry.tasks.find((t) => t.name === name);
      const root = entry === undefined ? ctx.root : taskRoot(ctx.root, entry);
      const tasks = file.roots[root] ?? {};
      const had = Object.hasOwn(tasks, name);
      delete tasks[name];
      outcomes.push({ task: name, status: had ? "revoked" : "not-approved" });
      if (Object.keys(tasks).length === 0) delete file.roots[root];
    }
  });
  return outcomes;
}

function listApprovals(ctx: CliContext, path: string): void {
  const file = readTrustFile(path);
  const rows = Object.entries(file.roots).flatMap(([root, tasks]) =>
    Object.entries(tasks).map(([task, a]) => ({ root, task, ...a }))
  );
  const text = rows.length === 0 ? `No approvals in ${path}` : table(
    ["ROOT", "TASK", "APPROVED", "REACH"],
    rows.map((r) => [r.root, r.task, r.approvedAt.slice(0, 10), describeReach(r.reach)]),
  );
  printResult(ctx, { trustFile: path, approvals: rows }, text);
}

async function reset(ctx: CliContext, path: string): Promise<void> {
  const aside = await moveTrustFileAside(path);
  printResult(
    ctx,
    { trustFile: path, movedTo: aside ?? null },
    aside === undefined ? `No trust file at ${path}` : `Moved ${path} to ${aside}`,
  );
}
