// Which change `wst guard` checks, read from git in batch: one diff, one
// `cat-file --batch-check` for every size, one `cat-file --batch` for the few
// blobs whose content matters (symlink targets, possible LFS pointers).
import { GitError } from "../errors/mod.ts";
import { pathExists } from "../fs/read.ts";
import {
  git,
  type GitResult,
  parseRaw,
  type RawEntry,
  type StartedGit,
  startGit,
  text,
} from "./_git.ts";
import type { Change, ChangeStatus, EntryKind, Side } from "./types.ts";

/** git's empty tree: the base of a repository with no commits yet. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** What to compare. */
export interface ChangeOptions {
  /** A folder inside the repository. */
  readonly cwd: string;
  /** `--base`: the change starts where HEAD (or `head`) and this ref meet. */
  readonly base?: string | undefined;
  /** `--head`: a commit; default the working tree. */
  readonly head?: string | undefined;
  /** `--staged`: the index instead of the working tree. */
  readonly staged?: boolean | undefined;
  /** Reads the environment (`GITHUB_BASE_REF`). */
  readonly env: (name: string) => string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The change, read whole. */
export interface ReadChange {
  /** The repository's top folder. */
  readonly top: string;
  readonly base: Side;
  readonly head: Side;
  /** Every changed path, submodules' insides included. */
  readonly changes: Change[];
  /** What the reader should know (renames not looked for …). */
  readonly notes: string[];
}

interface Repo {
  readonly top: string;
  readonly shallow: boolean;
  readonly objects: string;
  readonly index: string;
}

/**
 * Reads the change between the base and the head (the flags checked by the
 * caller: `guard` in ./mod.ts).
 *
 * @param options What to compare.
 * @returns The changed paths with their kinds and sizes.
 * @throws {GitError} When git cannot answer completely (fail closed).
 */
export async function readChange(options: ChangeOptions): Promise<ReadChange> {
  const { repo, base, headCommit } = await openChange(options);
  const head: Side = options.head !== undefined
    ? { ref: options.head }
    : { ref: options.staged === true ? "index" : "working tree" };
  const notes: string[] = [];
  let scratch: Record<string, string> | undefined;
  let tmp: string | undefined;
  try {
    let args: string[];
    if (headCommit !== undefined) {
      args = ["diff-tree", base.commit!, headCommit];
    } else if (options.staged === true) {
      args = ["diff-index", "--cached", base.commit!];
    } else {
      // The working tree as git would commit it (`git add -A`: staged, unstaged and untracked
      // files that are not ignored), added to a copy of the index whose new objects go to a
      // folder of wst's: the repository is not touched. Clean filters (Git LFS) apply, so an
      // LFS file is its pointer, as it would be committed.
      tmp = await Deno.makeTempDir({ prefix: "wst-guard-" });
      await Deno.mkdir(`${tmp}/objects`);
      try {
        await Deno.copyFile(repo.index, `${tmp}/index`);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
      scratch = {
        GIT_INDEX_FILE: `${tmp}/index`,
        GIT_OBJECT_DIRECTORY: `${tmp}/objects`,
        GIT_ALTERNATE_OBJECT_DIRECTORIES: repo.objects,
      };
      await snapshotWorkingTree(repo.top, scratch, options.signal);
      args = ["diff-index", "--cached", base.commit!];
    }
    const env = scratch ?? {};
    // The sizes' reader starts with the diff that names the blobs (its start overlaps the diff).
    const sizes = startSizes(repo.top, env, options.signal);
    let entries: RawEntry[];
    try {
      entries = await diff(repo.top, args, env, notes);
    } catch (err) {
      await sizes(new Set()).catch(() => {}); // told there is nothing, so that it ends
      throw err;
    }
    const changes = await describe(repo.top, "", entries, env, options.signal, sizes);
    return {
      top: repo.top,
      base,
      head: headCommit === undefined ? head : { ...head, commit: headCommit },
      changes,
      notes,
    };
  } finally {
    if (tmp !== undefined) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** The repository, where the change starts, and the head commit (with `--head`). */
interface Opened {
  readonly repo: Repo;
  readonly base: Side;
  readonly headCommit: string | undefined;
}

/**
 * Finds the repository and the two ends of the change. Once the base's ref
 * is known (`--base`, or the default chosen from the refs), one `rev-parse`
 * answers it all (the repository's folders, both commits, and
 * their merge-base as the `^` line of `head...base`); anything it cannot
 * answer plainly (a ref that does not resolve or is ambiguous, no commits yet,
 * no or several merge-bases) goes the long way, which also says why.
 */
async function openChange(options: ChangeOptions): Promise<Opened> {
  // The default base is a ref chosen from the repository's refs (a pre-commit hook's case).
  let refs: RefInfo[] | undefined;
  let chosen: Side | undefined = options.base === undefined ? undefined : { ref: options.base };
  if (options.base === undefined) {
    try {
      refs = await listRefs(options);
      chosen = refs.length === 0 ? undefined : defaultBase(refs, options.env);
    } catch {
      // the long way says why
    }
  }
  const quick = chosen === undefined ? undefined : await openWithBase(options, chosen);
  if (quick !== undefined) return quick;
  // Three questions at once: where the repository is, where the change starts, what the head is.
  const opening = openRepo(options);
  opening.catch(() => {}); // awaited below; a failure is reported from there
  const [repo, base, headCommit] = await Promise.all([
    opening,
    (async () =>
      resolveBase(
        opening,
        options.base === undefined ? refs ?? await listRefs(options) : undefined,
        options,
      ))(),
    options.head === undefined ? undefined : commitOf(opening, options.cwd, options.head),
  ]);
  return { repo, base, headCommit };
}

async function openWithBase(options: ChangeOptions, chosen: Side): Promise<Opened | undefined> {
  const headRev = options.head ?? "HEAD";
  const baseRef = chosen.ref;
  const out = await git(
    [
      "rev-parse",
      ...REPO_QUESTIONS,
      `${headRev}^{commit}`,
      `${baseRef}^{commit}`,
      `${headRev}^{commit}...${baseRef}^{commit}`,
      "--",
    ],
    { cwd: options.cwd, signal: options.signal, ok: [128] },
  );
  if (out.code !== 0 || /\bis ambiguous\b/.test(out.stderr)) return undefined;
  const lines = text(out).split("\n");
  const repo = repoOf(lines);
  const [head, base] = lines.slice(REPO_QUESTIONS_LINES, REPO_QUESTIONS_LINES + 2);
  const merges = lines.filter((line) => line.startsWith("^"));
  if (head === undefined || base === undefined || merges.length !== 1) return undefined;
  return {
    repo,
    base: { ...chosen, ref: shortRef(baseRef), commit: merges[0]!.slice(1) },
    headCommit: options.head === undefined ? undefined : head,
  };
}

/**
 * Adds the working tree to the scratch index as `git add -A` would, after
 * refusing unmerged paths (an add would take a file full of conflict markers as
 * resolved) and clearing the assume-unchanged and skip-worktree bits of files
 * that are there (git would not look at their edits). The index is written
 * whole (no split index: its shared part lives in the repository), and loose
 * objects are not compressed (a 200 MB file costs a copy, not a deflate).
 */
async function snapshotWorkingTree(
  top: string,
  scratch: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const tagged = await git(["ls-files", "-v", "-z", "--stage"], { cwd: top, env: scratch, signal });
  // git's update-index clears one kind of bit per run.
  const hidden = { "--no-skip-worktree": [] as string[], "--no-assume-unchanged": [] as string[] };
  for (const entry of text(tagged).split("\0")) {
    if (entry === "") continue;
    // `<tag> <mode> <object> <stage>\t<path>`: stage 1-3 is unmerged; a lower-case tag is
    // assume-unchanged, S is skip-worktree.
    const tab = entry.indexOf("\t");
    const [tag = "", , , stage = "0"] = entry.slice(0, tab).split(" ");
    const path = entry.slice(tab + 1);
    if (stage !== "0") {
      throw new GitError(`${path} has unresolved merge conflicts: resolve them first`);
    }
    const kind = tag === "S" || tag === "s"
      ? "--no-skip-worktree"
      : tag !== tag.toUpperCase()
      ? "--no-assume-unchanged"
      : undefined;
    // A skip-worktree file that is not there is a sparse checkout's: not a deletion.
    if (kind !== undefined && await pathExists(`${top}/${path}`)) {
      hidden[kind].push(path);
      if (tag === "s") hidden["--no-assume-unchanged"].push(path); // both bits
    }
  }
  // No fsync: the objects are thrown away with the snapshot (on a slow disk, 2,000 fsyncs took
  // seconds).
  const options = [
    "-c",
    "core.splitIndex=false",
    "-c",
    "core.looseCompression=0",
    "-c",
    "core.fsync=none",
    "-c",
    "core.fsyncObjectFiles=false",
  ];
  for (const [flag, paths] of Object.entries(hidden)) {
    if (paths.length === 0) continue;
    await git([...options, "update-index", flag, "-z", "--stdin"], {
      cwd: top,
      env: scratch,
      signal,
      stdin: new TextEncoder().encode(paths.join("\0") + "\0"),
    });
  }
  await git([...options, "add", "-A", "--", "."], { cwd: top, env: scratch, signal });
}

/** What `rev-parse` is asked about the repository: its top, whether it is shallow, two paths. */
const REPO_QUESTIONS = [
  "--show-toplevel",
  "--is-shallow-repository",
  "--path-format=absolute",
  "--git-path",
  "objects",
  "--git-path",
  "index",
];

/** How many lines `rev-parse` answers {@linkcode REPO_QUESTIONS} with. */
const REPO_QUESTIONS_LINES = 4;

function repoOf(lines: readonly string[]): Repo {
  const [top, shallow, objects, index] = lines;
  return { top: top!, shallow: shallow === "true", objects: objects!, index: index! };
}

async function openRepo(options: ChangeOptions): Promise<Repo> {
  const out = await git(["rev-parse", ...REPO_QUESTIONS], {
    cwd: options.cwd,
    signal: options.signal,
    ok: [128],
  });
  if (out.code !== 0) {
    throw new GitError(`${options.cwd} is not inside a git work tree: ${out.stderr.trim()}`);
  }
  return repoOf(text(out).split("\n"));
}

interface RefInfo {
  readonly name: string;
  readonly upstream: string;
  readonly symref: string;
}

async function listRefs(options: ChangeOptions): Promise<RefInfo[]> {
  const out = await git(
    ["for-each-ref", "--format=%(refname)%00%(upstream)%00%(symref)", "refs/heads", "refs/remotes"],
    { cwd: options.cwd, signal: options.signal },
  );
  return text(out).split("\n").filter((l) => l.length > 0).map((line) => {
    const [name = "", upstream = "", symref = ""] = line.split("\0");
    return { name, upstream, symref };
  });
}

/**
 * The default base: in a GitHub pull request, its base branch on origin;
 * otherwise the upstream of the default branch (origin/HEAD's branch, else
 * main or master); in a repository with no remote, the local default branch.
 */
function defaultBase(refs: readonly RefInfo[], env: ChangeOptions["env"]): Side {
  const has = new Set(refs.map((r) => r.name));
  const remotes = refs.filter((r) => r.name.startsWith("refs/remotes/"));
  const pr = env("GITHUB_BASE_REF");
  if (pr !== undefined && pr !== "") {
    return {
      ref: `refs/remotes/origin/${pr}`,
      reason: `the pull request's base (GITHUB_BASE_REF)`,
    };
  }
  const originHead = refs.find((r) => r.name === "refs/remotes/origin/HEAD")?.symref ??
    remotes.find((r) => r.name.endsWith("/HEAD") && r.symref !== "")?.symref;
  const branch = originHead?.replace(/^refs\/remotes\/[^/]+\//, "") ??
    ["main", "master"].find((b) =>
      has.has(`refs/remotes/origin/${b}`) || (remotes.length === 0 && has.has(`refs/heads/${b}`))
    );
  if (branch === undefined) {
    throw new GitError(
      remotes.length === 0
        ? "No base to compare with: no remote, and no local main or master branch; pass --base <ref>"
        : "No base to compare with: cannot tell the default branch (no origin/HEAD, origin/main " +
          "or origin/master); pass --base <ref>",
    );
  }
  if (remotes.length === 0) {
    return { ref: `refs/heads/${branch}`, reason: `no remote: the local default branch ${branch}` };
  }
  const upstream = refs.find((r) => r.name === `refs/heads/${branch}`)?.upstream;
  if (upstream !== undefined && upstream !== "" && has.has(upstream)) {
    return { ref: upstream, reason: `the upstream of the default branch ${branch}` };
  }
  const fallback = originHead ?? `refs/remotes/origin/${branch}`;
  return { ref: fallback, reason: `the default branch ${branch} on its remote` };
}

async function resolveBase(
  opening: Promise<Repo>,
  refs: readonly RefInfo[] | undefined,
  options: ChangeOptions,
): Promise<Side> {
  const unborn: Side = {
    ref: "(no commits yet)",
    commit: EMPTY_TREE,
    reason: "the repository has no commits: every file is new",
  };
  // A repository with no branch at all has no commits: its whole index or tree is the change.
  if (refs !== undefined && options.head === undefined && refs.length === 0) return unborn;
  const chosen: Side = refs === undefined ? { ref: options.base! } : defaultBase(refs, options.env);
  const headRev = options.head ?? "HEAD";
  const out = await git(["merge-base", headRev, chosen.ref], {
    cwd: options.cwd,
    signal: options.signal,
    ok: [1, 128],
  });
  if (/\bis ambiguous\b/.test(out.stderr)) {
    // A tag or branch named like the remote branch (a tag `origin/main`) would pick the base.
    throw new GitError(
      `The ref ${chosen.ref} is ambiguous (${
        out.stderr.trim().split("\n")[0]
      }): name it in full, ` +
        `as refs/remotes/${shortRef(chosen.ref)} or refs/heads/…`,
    );
  }
  if (out.code === 0) {
    return { ...chosen, ref: shortRef(chosen.ref), commit: text(out).trim() };
  }
  const repo = await opening;
  // Why there is no merge base: each reason is an error, never an empty change.
  const [headCommit, baseCommit] = await Promise.all([
    commitId(repo.top, headRev, options.signal),
    commitId(repo.top, chosen.ref, options.signal),
  ]);
  const headOk = headCommit !== undefined;
  const baseOk = baseCommit !== undefined;
  const shallow = repo.shallow
    ? " This is a shallow clone: fetch the history (git fetch --unshallow, or fetch-depth: 0 " +
      "in actions/checkout)."
    : "";
  if (!headOk && options.head === undefined) {
    if (refs !== undefined) return unborn;
    // No commits yet, and a base named: the change is everything since that commit.
    if (baseOk) return { ref: shortRef(chosen.ref), commit: baseCommit };
  }
  if (!headOk) {
    throw new GitError(`The head ${headRev} is not a commit in this repository.${shallow}`);
  }
  if (!baseOk) {
    throw new GitError(
      `The base ${shortRef(chosen.ref)} is not a commit in this repository.${shallow}`,
    );
  }
  throw new GitError(
    `${headRev} and the base ${shortRef(chosen.ref)} have no commit in common` +
      (repo.shallow
        ? `: the history where they meet is not here.${shallow}`
        : ": pass the commit to compare with as --base"),
  );
}

/** The commit `rev` names, or undefined when it names none here. */
async function commitId(
  cwd: string,
  rev: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const out = await git(["rev-parse", "--verify", "-q", `${rev}^{commit}`], {
    cwd,
    signal,
    ok: [1, 128],
  });
  return out.code === 0 ? text(out).trim() : undefined;
}

async function commitOf(opening: Promise<Repo>, cwd: string, rev: string): Promise<string> {
  const commit = await commitId(cwd, rev);
  if (commit === undefined) {
    const repo = await opening;
    throw new GitError(
      `The head ${rev} is not a commit in this repository` +
        (repo.shallow ? " (a shallow clone: fetch the history)" : ""),
    );
  }
  return commit;
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|remotes)\//, "");
}

async function diff(
  cwd: string,
  args: readonly string[],
  env: Record<string, string>,
  notes: string[],
): Promise<RawEntry[]> {
  const out: GitResult = await git(
    [args[0]!, "-r", "-z", "--raw", "-M", "--no-ext-diff", "--no-textconv", ...args.slice(1), "--"],
    { cwd, env },
  );
  if (/rename detection was skipped|exhaustive rename detection was skipped/.test(out.stderr)) {
    notes.push(
      "git skipped rename detection (too many files, diff.renameLimit): each rename counts as a " +
        "deletion and an addition",
    );
  }
  return parseRaw(out.stdout);
}

const KINDS: Record<string, EntryKind> = {
  "100644": "file",
  "100755": "executable",
  "120000": "symlink",
  "160000": "submodule",
};

const STATUS: Record<string, ChangeStatus> = {
  A: "added",
  C: "added",
  D: "deleted",
  M: "modified",
  R: "renamed",
  T: "type-changed",
};

/** Git LFS's pointer files are under 1024 bytes and start with this line. */
const LFS_PREFIX = "version https://git-lfs.github.com/spec/v1\n";

/**
 * Turns raw entries into changes: kinds, sizes (one `cat-file --batch-check`),
 * symlink targets and LFS pointers (one `cat-file --batch` for those few), and
 * the insides of submodules whose commits are here.
 */
async function describe(
  top: string,
  prefix: string,
  entries: readonly RawEntry[],
  env: Record<string, string>,
  signal: AbortSignal | undefined,
  reader: SizeReader = startSizes(top, env, signal),
): Promise<Change[]> {
  const blobs = new Set<string>();
  let problem: GitError | undefined;
  for (const e of entries) {
    if (e.status === "U") {
      problem ??= new GitError(
        `${prefix}${e.path} has unresolved merge conflicts: resolve them first`,
      );
    } else if (STATUS[e.status] === undefined) {
      problem ??= new GitError(
        `git reported ${prefix}${e.path} with status ${e.status}, which wst cannot check`,
      );
    } else if (e.status !== "D" && e.newMode !== "160000") blobs.add(e.newId);
  }
  if (problem !== undefined) {
    await reader(new Set()).catch(() => {});
    throw problem;
  }
  const sizes = await reader(blobs);
  const wanted = entries.filter((e) => {
    if (e.status === "D") return false;
    if (e.newMode === "120000") return true;
    const size = sizes.get(e.newId) ?? 0;
    return e.newMode !== "160000" && size >= LFS_PREFIX.length + 60 && size < 1024;
  }).map((e) => e.newId);
  const contents = await blobContents(top, [...new Set(wanted)], env, signal);
  const changes: Change[] = [];
  for (const e of entries) {
    const status = STATUS[e.status]!;
    const deleted = status === "deleted";
    const mode = deleted ? e.oldMode : e.newMode;
    const kind = KINDS[mode] ?? "file";
    const path = prefix + e.path;
    const oldPath = e.oldPath === undefined ? {} : { oldPath: prefix + e.oldPath };
    if (deleted || kind === "submodule") {
      changes.push({ status, path, ...oldPath, kind });
      if (kind === "submodule" && !deleted) {
        changes.push(...await submoduleChange(top, prefix, e, signal));
      }
      continue;
    }
    const size = sizes.get(e.newId)!;
    const content = contents.get(e.newId);
    const change: Change = { status, path, ...oldPath, kind, size, measured: "content" };
    if (kind === "symlink" && content !== undefined) {
      changes.push({ ...change, target: new TextDecoder().decode(content) });
      continue;
    }
    const lfs = content === undefined ? undefined : lfsPointerSize(content);
    changes.push(lfs === undefined ? change : { ...change, measured: "lfs-pointer", lfsSize: lfs });
  }
  return changes;
}

/** The object size a Git LFS pointer names, or undefined when the bytes are not one. */
export function lfsPointerSize(content: Uint8Array): number | undefined {
  const body = new TextDecoder().decode(content);
  if (!body.startsWith(LFS_PREFIX)) return undefined;
  if (!/^oid sha256:[0-9a-f]{64}$/m.test(body)) return undefined;
  const size = /^size (\d+)$/m.exec(body);
  return size === null ? undefined : Number(size[1]);
}

/**
 * Objects per `cat-file --batch-check` beyond which the sizes are asked of two at once: reading
 * each object's header (a file to open and inflate for a loose one) is git's own CPU time, and a
 * second process halves it on a second core (2,000 loose objects: ~26 → ~15 ms).
 */
const SPLIT_SIZES_AT = 256;

const SIZES_ARGS = [
  "cat-file",
  // One write at the end, not a flush per object (each a wake-up of this reader: ~25 µs an
  // object, half the time of 2,000 objects).
  "--buffer",
  "--batch-check=%(objectname) %(objecttype) %(objectsize)",
];

/** Asks the sizes of blobs, once (an empty set ends the reader). */
type SizeReader = (ids: ReadonlySet<string>) => Promise<Map<string, number>>;

/**
 * Starts a `cat-file --batch-check` now, for blobs named later: its start
 * overlaps the diff that names them. More than {@linkcode SPLIT_SIZES_AT}
 * blobs are shared with a second one.
 */
function startSizes(
  cwd: string,
  env: Record<string, string>,
  signal: AbortSignal | undefined,
): SizeReader {
  const options = { cwd, env, signal, stdin: true };
  const first = startGit(SIZES_ARGS, options);
  return async (set) => {
    const ids = [...set];
    const sizes = new Map<string, number>();
    if (ids.length > SPLIT_SIZES_AT && navigator.hardwareConcurrency > 1) {
      const half = Math.ceil(ids.length / 2);
      const second = startGit(SIZES_ARGS, options);
      await Promise.all([
        readSizes(first, ids.slice(0, half), sizes),
        readSizes(second, ids.slice(half), sizes),
      ]);
    } else await readSizes(first, ids, sizes);
    return sizes;
  };
}

/** Gives git the ids and reads their sizes into `sizes` (each line checked against its id). */
async function readSizes(
  started: StartedGit,
  ids: readonly string[],
  sizes: Map<string, number>,
): Promise<void> {
  const out = await started.result(
    ids.length === 0 ? undefined : new TextEncoder().encode(ids.join("\n") + "\n"),
  );
  const all = text(out);
  let at = 0;
  for (const id of ids) {
    // `<id> blob <size>`, read with indexOf: thousands of splits cost milliseconds.
    const eol = all.indexOf("\n", at);
    const line = all.slice(at, eol < 0 ? all.length : eol);
    at = eol < 0 ? all.length : eol + 1;
    const size = line.startsWith(`${id} blob `) ? line.slice(id.length + 6) : "";
    if (eol < 0 || !/^\d+$/.test(size)) {
      throw new GitError(
        `git cannot read object ${id} (${line || "no answer"}): a partial or broken clone; ` +
          "wst does not check a change it cannot read",
      );
    }
    sizes.set(id, Number(size));
  }
}

async function blobContents(
  cwd: string,
  ids: readonly string[],
  env: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<Map<string, Uint8Array>> {
  const contents = new Map<string, Uint8Array>();
  if (ids.length === 0) return contents;
  const out = await git(["cat-file", "--buffer", "--batch"], {
    cwd,
    env,
    signal,
    stdin: new TextEncoder().encode(ids.join("\n") + "\n"),
  });
  const bytes = out.stdout;
  const decoder = new TextDecoder();
  let at = 0;
  for (const id of ids) {
    const eol = bytes.indexOf(10, at);
    const header = decoder.decode(bytes.subarray(at, eol < 0 ? bytes.length : eol));
    const [name, , size] = header.split(" ");
    if (eol < 0 || name !== id || size === undefined) {
      throw new GitError(`git cannot read object ${id} (${header || "no answer"})`);
    }
    const start = eol + 1;
    const end = start + Number(size);
    if (end > bytes.length) throw new GitError(`git's answer for object ${id} was cut short`);
    contents.set(id, bytes.slice(start, end));
    at = end + 1; // the newline after the content
  }
  return contents;
}

/**
 * The files a submodule bump changes, under the submodule's path: read in the
 * submodule's own repository when both commits are there. A submodule wst
 * cannot look into is an error: its new commit could hold anything.
 */
async function submoduleChange(
  top: string,
  prefix: string,
  e: RawEntry,
  signal: AbortSignal | undefined,
): Promise<Change[]> {
  const where = `${top}/${e.path}`;
  const name = prefix + e.path;
  const cannot = (why: string) =>
    new GitError(
      `Submodule ${name} changed (${short(e.oldId)} -> ${short(e.newId)}) and wst cannot look ` +
        `inside: ${why}. Run git submodule update --init ${e.path}, or check it on its own`,
    );
  let inside: string;
  try {
    const out = await git(["rev-parse", "--show-toplevel"], { cwd: where, signal, ok: [128] });
    inside = text(out).trim();
    if (out.code !== 0 || inside !== where) throw cannot("it is not checked out");
  } catch (err) {
    if (err instanceof GitError && err.message.startsWith("Submodule")) throw err;
    throw cannot("it is not checked out");
  }
  const from = e.status === "A" || /^0+$/.test(e.oldId) ? EMPTY_TREE : e.oldId;
  for (const commit of from === EMPTY_TREE ? [e.newId] : [e.oldId, e.newId]) {
    const ok = await git(["cat-file", "-e", `${commit}^{commit}`], {
      cwd: where,
      signal,
      ok: [1, 128],
    });
    if (ok.code !== 0) throw cannot(`commit ${short(commit)} is not in it`);
  }
  const entries = await diff(where, ["diff-tree", from, e.newId], {}, []);
  return describe(where, `${name}/`, entries, {}, signal);
}

function short(id: string): string {
  return id.slice(0, 12);
}
