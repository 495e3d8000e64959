import type { Shell } from "../task/context.ts";

/**
 * Environment that keeps git from ever waiting for a person: no terminal
 * prompt, no askpass, ssh in batch mode with a connect timeout. A remote that
 * needs credentials it does not have fails at once with git's message.
 */
export const NON_INTERACTIVE_GIT_ENV: Readonly<Record<string, string>> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "",
  SSH_ASKPASS: "",
  GCM_INTERACTIVE: "never",
  GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o ConnectTimeout=15",
};

/**
 * Settings given on git's command line, where they win over the repository's
 * own `.git/config`: a repository (or a task that may write into one) cannot
 * make wst's git run a program of its choosing through an fsmonitor hook or
 * the hooks folder (git's ssh command is fixed by `GIT_SSH_COMMAND` above).
 */
export const SAFE_GIT_ARGS: readonly string[] = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null",
];

/** The outcome of one git command. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `git <args>` in `cwd`, never interactively, without a repository's hooks, without throwing. */
export async function git($: Shell, cwd: string, ...args: string[]): Promise<GitResult> {
  const out = await $`git ${[...SAFE_GIT_ARGS, ...args]}`.cwd(cwd).env(NON_INTERACTIVE_GIT_ENV)
    .stdin("null")
    .stdout("piped").stderr("piped").noThrow();
  return { code: out.code, stdout: out.stdout.trim(), stderr: out.stderr.trim() };
}

/** The state of a clone, as status and sync need it. */
export interface CloneState {
  /** The checked-out branch, or null (detached HEAD). */
  branch: string | null;
  /** Uncommitted changes (untracked files included). */
  dirty: boolean;
  /** Commits on HEAD not on its upstream, and the other way round (null without an upstream). */
  ahead: number | null;
  behind: number | null;
  /** The upstream, e.g. `origin/main`, or null. */
  upstream: string | null;
}

/**
 * Reads a clone's branch, dirty state and ahead/behind counts against its
 * upstream (as of the last fetch: no network).
 *
 * @param $ A shell that may run git.
 * @param dir Absolute path of the clone.
 * @returns The state, or null when `dir` is not a git clone.
 */
export async function cloneState($: Shell, dir: string): Promise<CloneState | null> {
  const top = await git($, dir, "rev-parse", "--show-toplevel");
  if (top.code !== 0 || (await Deno.realPath(top.stdout)) !== (await Deno.realPath(dir))) {
    return null;
  }
  const [branch, status, upstream] = await Promise.all([
    git($, dir, "symbolic-ref", "--short", "-q", "HEAD"),
    git($, dir, "status", "--porcelain"),
    git($, dir, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"),
  ]);
  let ahead: number | null = null;
  let behind: number | null = null;
  if (upstream.code === 0) {
    const counts = await git($, dir, "rev-list", "--left-right", "--count", "HEAD...@{u}");
    const [a, b] = counts.stdout.split(/\s+/).map(Number);
    ahead = a ?? null;
    behind = b ?? null;
  }
  return {
    branch: branch.code === 0 ? branch.stdout : null,
    dirty: status.stdout !== "",
    ahead,
    behind,
    upstream: upstream.code === 0 ? upstream.stdout : null,
  };
}

/** git's own error lines (`fatal: …`, `error: …`), or its last line, for reports. */
export function gitMessage(result: GitResult): string {
  const lines = (result.stderr || result.stdout).split("\n").map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^(fatal|error):/.test(l));
  return (errors.length > 0 ? errors.join(" ") : lines.at(-1)) ?? `exit code ${result.code}`;
}
