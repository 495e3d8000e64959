// The data of a `wst guard` run: what changed, which limits it broke. Plain
// objects, so `--json` prints them as they are and SARIF and GitHub output read them.

/** How a path changed between the base and the head. */
export type ChangeStatus = "added" | "modified" | "deleted" | "renamed" | "type-changed";

/** What a path holds on the side that has it (the new side; the old one for a deletion). */
export type EntryKind = "file" | "executable" | "symlink" | "submodule";

/**
 * One changed path. Paths are relative to the repository's top, with `/`;
 * bytes that are not UTF-8 are shown as `\xNN` (and globs match that text).
 * A change inside a submodule carries the submodule's path as a prefix.
 */
export interface Change {
  readonly status: ChangeStatus;
  /** The new path (the old one for a deletion). */
  readonly path: string;
  /** The path before a rename. */
  readonly oldPath?: string;
  /** What the path holds now (before, for a deletion). */
  readonly kind: EntryKind;
  /** Bytes of the new content as git stores it; absent for a deletion and a submodule. */
  readonly size?: number;
  /** What `size` measured: the content itself, or the Git LFS pointer that stands for it. */
  readonly measured?: "content" | "lfs-pointer";
  /** The size the LFS pointer names (the real file's), when `measured` is `lfs-pointer`. */
  readonly lfsSize?: number;
  /** A symlink's target, as written in the link. */
  readonly target?: string;
}

/** The five limits of `ai-gateway.yaml`'s `guardrails`. */
export type RuleName =
  | "max_files_per_diff"
  | "protected_paths"
  | "allowed_file_types"
  | "max_file_size_kb"
  | "require_tests";

/** One limit a change broke. */
export interface Violation {
  readonly rule: RuleName;
  /** The offending path; absent for a rule about the whole change (file count, tests). */
  readonly path?: string;
  /** The other path of a rename, when that is the one that broke the rule. */
  readonly oldPath?: string;
  /** One sentence: what broke which limit. */
  readonly message: string;
  /** The limit as configured: a number, the globs, or `true`. */
  readonly limit: number | readonly string[] | boolean;
  /** The measured value, when the rule measures one (files, KiB). */
  readonly actual?: number;
}

/** Which side of the change is checked. */
export interface Side {
  /** What the user named, or `working tree` / `index`. */
  readonly ref: string;
  /** The commit, when the side is a commit. */
  readonly commit?: string;
  /** How the default was chosen, when it was. */
  readonly reason?: string;
}

/** The result of `wst guard`. */
export interface GuardReport {
  /** True when no limit is broken. */
  readonly ok: boolean;
  /** The configuration file, relative to the root. */
  readonly config: string;
  readonly base: Side;
  readonly head: Side;
  /** Changed paths, as `max_files_per_diff` counts them (a rename is one). */
  readonly files: number;
  readonly changes: readonly Change[];
  readonly violations: readonly Violation[];
  /** Things the user should know that are not violations (rename detection skipped …). */
  readonly notes: readonly string[];
}
