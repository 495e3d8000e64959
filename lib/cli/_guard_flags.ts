// The flags of `wst guard`: read by the command tree (lib/cli/main.ts, for --help) without
// loading the command's code, and by lib/cli/guard.ts.

/** The flags of `wst guard`, with their help text (the command tree shows the same). */
export const GUARD_FLAGS = {
  base: {
    value: "ref",
    brief: "Compare from where HEAD (or --head) and this ref meet " +
      "(default: the merge-base with the upstream of the default branch)",
  },
  head: {
    value: "ref",
    brief: "Check this commit (default: the working tree, untracked files too)",
  },
  staged: { value: undefined, brief: "Check the index only (for a pre-commit hook)" },
  sarif: {
    value: "file",
    brief: "Also write the violations as SARIF 2.1.0 (GitHub code scanning)",
  },
} as const;

/** The parsed flags of `wst guard`. */
export interface GuardFlags {
  base?: string;
  head?: string;
  staged?: boolean;
  sarif?: string;
}
