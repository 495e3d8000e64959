import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import type { TaskContext } from "../lib/task/context.ts";
import { pathExists, readTextFileOrNull, writeTextFileAtomic } from "../lib/fs/mod.ts";
import { runPool } from "../lib/mr/mod.ts";
import { table } from "../lib/reporter/table.ts";
import { GIT_USER_FILES, NETWORK_ENV, NETWORK_FILES } from "../lib/net_env.ts";
import {
  cloneState,
  codeWorkspace,
  git,
  gitMessage,
  loadWorkspaces,
  type Placement,
  placements,
  VSCODE_DIR,
} from "../lib/workspace/mod.ts";

/** What sync did with one project. */
export interface SyncEntry {
  workspace: string;
  project: string;
  path: string;
  /**
   * cloned, updated, up-to-date; skipped (a clone sync will not touch: local changes, another
   * branch, unpushed commits); absent (not cloned, as asked); extra (absent but a clone exists);
   * pruned; refused (--prune could not remove it); failed.
   */
  status:
    | "cloned"
    | "updated"
    | "up-to-date"
    | "skipped"
    | "absent"
    | "extra"
    | "pruned"
    | "refused"
    | "failed";
  message: string;
}

/** The result of workspace-sync. */
export interface SyncResult {
  projects: SyncEntry[];
  /** The `.code-workspace` files written (or kept, with why). */
  files: Array<{ path: string; status: "written" | "unchanged" | "kept"; message: string }>;
}

export default defineTask({
  name: "workspace-sync",
  description:
    "Clone and fast-forward the projects of workspaces.yaml; write .code-workspace files",
  args: z.object({
    workspace: z.optional(z.string().check(z.minLength(1))).check(
      z.describe("Only this workspace (default: all)"),
    ),
    prune: z._default(z.boolean(), false).check(
      z.describe("Remove clones of absent projects when they are clean and fully pushed"),
    ),
    jobs: z._default(z.number().check(z.int(), z.minimum(1)), 4).check(
      z.describe("Projects synced at a time"),
    ),
  }),
  // Clones, folders and pruning can be anywhere workspaces.yaml says, under the root.
  permissions: {
    // git's user configuration, and ssh's (known_hosts, config, keys) for ssh remotes.
    read: [".", ...GIT_USER_FILES, ...NETWORK_FILES],
    write: ["."],
    run: ["git"],
    env: ["HOME", "SSH_AUTH_SOCK", ...NETWORK_ENV],
    // git reaches the remotes of workspaces.yaml, whatever hosts they name.
    net: ["*"],
  },
  async run(ctx, a): Promise<SyncResult> {
    const config = await loadWorkspaces(ctx.root, ctx.log);
    const list = placements(config, a.workspace);
    const chosen = config.workspaces.filter((w) =>
      a.workspace === undefined || w.name === a.workspace
    );
    for (const w of chosen) {
      if (w.internalFolder) {
        await Deno.mkdir(`${ctx.root}/${w.internalFolder}`, { recursive: true });
      }
    }
    const progress = ctx.log.progress("syncing", list.length);
    const projects = (await runPool(list, {
      jobs: a.jobs,
      signal: ctx.signal,
      work: async (placement) => {
        const entry = await syncOne(ctx, placement, a.prune);
        progress.tick(`${entry.status} ${placement.path}`);
        return entry;
      },
    })).filter((e): e is SyncEntry => e !== undefined);
    progress.done();

    const files: SyncResult["files"] = [];
    await Deno.mkdir(`${ctx.root}/${VSCODE_DIR}`, { recursive: true });
    for (const w of chosen) {
      const path = `${VSCODE_DIR}/${w.name}.code-workspace`;
      const existing = await readTextFileOrNull(`${ctx.root}/${path}`);
      let text: string;
      try {
        text = codeWorkspace(config, w.name, existing);
      } catch (err) {
        files.push({
          path,
          status: "kept",
          message: `Not plain JSON (${err instanceof Error ? err.message : err}): left as it is`,
        });
        continue;
      }
      if (text === existing) {
        files.push({ path, status: "unchanged", message: "" });
        continue;
      }
      await writeTextFileAtomic(`${ctx.root}/${path}`, text);
      files.push({ path, status: "written", message: "" });
    }
    return { projects, files };
  },
  render(r) {
    const rows = r.projects.map((p) => [p.status, p.project, p.workspace, p.path, p.message]);
    const counts = new Map<string, number>();
    for (const p of r.projects) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
    return [
      r.projects.length === 0
        ? "No projects"
        : table(["STATUS", "PROJECT", "WORKSPACE", "PATH", "NOTE"], rows),
      ...r.files.map((f) => `${f.path}: ${f.status}${f.message ? ` (${f.message})` : ""}`),
      "",
      [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "nothing to do",
    ].join("\n");
  },
  failed: (r) => r.projects.some((p) => p.status === "failed" || p.status === "refused"),
});

async function syncOne(ctx: TaskContext, p: Placement, prune: boolean): Promise<SyncEntry> {
  const entry = (status: SyncEntry["status"], message = ""): SyncEntry => ({
    workspace: p.workspace,
    project: p.project,
    path: p.path,
    status,
    message,
  });
  const dir = `${ctx.root}/${p.path}`;
  const exists = await pathExists(dir);

  if (p.state === "absent") {
    if (!exists) return entry("absent");
    if (!prune) {
      return entry(
        "extra",
        "absent in workspaces.yaml but cloned; --prune removes it when clean and pushed",
      );
    }
    const why = await unsafeToRemove(ctx, dir);
    if (why) return entry("refused", `Not pruned: ${why}`);
    await Deno.remove(dir, { recursive: true });
    return entry("pruned");
  }

  if (!exists) {
    const args = [
      "clone",
      "--quiet",
      ...(p.branch ? ["--branch", p.branch] : []),
      "--",
      p.repo,
      p.path,
    ];
    const out = await git(ctx.$, ctx.root, ...args);
    return out.code === 0 ? entry("cloned") : entry("failed", gitMessage(out));
  }
  const state = await cloneState(ctx.$, dir);
  if (state === null) return entry("failed", `${p.path} exists and is not a git clone`);
  const fetch = await git(ctx.$, dir, "fetch", "--quiet", "origin");
  if (fetch.code !== 0) return entry("failed", gitMessage(fetch));
  const branch = p.branch ?? await remoteDefault(ctx, dir);
  if (branch === null) {
    return entry("failed", "Cannot tell the remote's default branch: set default_branch");
  }
  if (state.branch !== branch) {
    return entry(
      "skipped",
      `On ${
        state.branch ? `branch ${state.branch}` : "a detached HEAD"
      }, not ${branch}: not touched`,
    );
  }
  if (state.dirty) return entry("skipped", "Local changes: not touched");
  const unpushed = await git(ctx.$, dir, "rev-list", "--count", `origin/${branch}..HEAD`);
  if (unpushed.code !== 0) return entry("failed", gitMessage(unpushed));
  if (Number(unpushed.stdout) > 0) {
    return entry("skipped", `${unpushed.stdout} unpushed commit(s): not touched`);
  }
  const before = await git(ctx.$, dir, "rev-parse", "HEAD");
  const merge = await git(ctx.$, dir, "merge", "--ff-only", "--quiet", `origin/${branch}`);
  if (merge.code !== 0) return entry("failed", gitMessage(merge));
  const after = await git(ctx.$, dir, "rev-parse", "HEAD");
  return entry(before.stdout === after.stdout ? "up-to-date" : "updated");
}

async function remoteDefault(ctx: TaskContext, dir: string): Promise<string | null> {
  const head = await git(ctx.$, dir, "symbolic-ref", "--short", "refs/remotes/origin/HEAD");
  return head.code === 0 ? head.stdout.replace(/^origin\//, "") : null;
}

/** Why a clone may not be deleted (local changes, stashes, unpushed commits on any branch), or null. */
async function unsafeToRemove(ctx: TaskContext, dir: string): Promise<string | null> {
  const state = await cloneState(ctx.$, dir);
  if (state === null) return "it is not a git clone";
  if (state.dirty) return "it has local changes";
  const stash = await git(ctx.$, dir, "stash", "list");
  if (stash.stdout !== "") return "it has stashed changes";
  const refs = await git(
    ctx.$,
    dir,
    "for-each-ref",
    "--format=%(refname:short)\t%(upstream)\t%(upstream:track)",
    "refs/heads",
  );
  for (const line of refs.stdout.split("\n").filter(Boolean)) {
    const [name, upstream, track] = line.split("\t");
    if (!upstream) {
      // A branch without upstream is safe only when the remote has all its commits.
      const local = await git(ctx.$, dir, "rev-list", "--count", name!, "--not", "--remotes");
      if (Number(local.stdout) > 0) return `branch ${name} has commits that are on no remote`;
    } else if (track?.includes("ahead")) return `branch ${name} has unpushed commits`;
  }
  return null;
}
