import { UsageError, WstError } from "../errors/mod.ts";
import type { Shell } from "../task/context.ts";
import { NON_INTERACTIVE_GIT_ENV, SAFE_GIT_ARGS } from "../workspace/git.ts";

/**
 * The paths that differ between `ref` and the working tree of the git
 * repository at `root`: committed, staged and unstaged changes, deletions
 * (renames count as a deletion and an addition) and untracked files that are
 * not ignored. Paths are relative to `root`; changes outside it are left out.
 *
 * @param $ A shell that may run `git`.
 * @param options The workspace root and the git ref to compare with.
 * @returns The changed paths, sorted.
 * @throws {UsageError} When `root` is not in a git repository, or `ref` is unknown
 *   (in a shallow clone: with the advice to fetch more history).
 */
export async function changedPaths(
  $: Shell,
  options: { root: string; ref: string },
): Promise<string[]> {
  const { root, ref } = options;
  const git = (...args: string[]) =>
    $`git ${[...SAFE_GIT_ARGS, ...args]}`.cwd(root).env(NON_INTERACTIVE_GIT_ENV).stdin("null")
      .stdout("piped").stderr("piped").noThrow();
  const inside = await git("rev-parse", "--show-prefix");
  if (inside.code !== 0) {
    throw new UsageError(
      `Cannot use --changed-since: ${JSON.stringify(root)} is not inside a git repository (${
        firstLine(inside.stderr)
      })`,
    );
  }
  const prefix = inside.stdout.trim();
  const verify = await git(
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  );
  if (verify.code !== 0) {
    const shallow = (await git("rev-parse", "--is-shallow-repository")).stdout.trim() === "true";
    throw new UsageError(
      shallow
        ? `Cannot find ${JSON.stringify(ref)} in this shallow clone: fetch more history ` +
          `(git fetch --unshallow, or fetch-depth: 0 in actions/checkout) and run again`
        : `Cannot find ${JSON.stringify(ref)}: expected a branch, tag or commit of this repository`,
    );
  }
  const diff = await git("diff", "--name-only", "--no-renames", "-z", verify.stdout.trim(), "--");
  const untracked = await git("ls-files", "--others", "--exclude-standard", "-z", "--full-name");
  for (const result of [diff, untracked]) {
    if (result.code !== 0) {
      throw new WstError(`git failed while listing changes: ${firstLine(result.stderr)}`);
    }
  }
  const paths = new Set<string>();
  for (const path of [...diff.stdout.split("\0"), ...untracked.stdout.split("\0")]) {
    if (path === "" || !path.startsWith(prefix)) continue;
    paths.add(path.slice(prefix.length));
  }
  return [...paths].sort();
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
