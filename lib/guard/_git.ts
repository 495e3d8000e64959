// Running git for `wst guard`: read-only plumbing, hardened, output read whole
// or not at all (a cap ends in a GitError, never in a shorter answer).
import { GitError } from "../errors/mod.ts";

/** The most bytes of output wst reads from one git command (512 MiB). */
export const MAX_OUTPUT = 512 * 1024 * 1024;

/**
 * Options before every command: no file-system monitor process (a repository's
 * config could name one), no optional locks (wst never writes the real index),
 * no external diff or text conversion.
 */
const HARDENING = [
  "--no-optional-locks",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "diff.external=",
  "-c",
  "core.quotePath=false",
];

/** Options of {@linkcode git}. */
export interface GitOptions {
  /** The folder git runs in. */
  readonly cwd: string;
  /** Variables added to the environment (GIT_INDEX_FILE …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes for git's stdin. */
  readonly stdin?: Uint8Array;
  /** Exit codes that are answers, not failures (merge-base's 1). */
  readonly ok?: readonly number[];
  /** Ends the command. */
  readonly signal?: AbortSignal | undefined;
  /** A cap on stdout (default {@linkcode MAX_OUTPUT}). */
  readonly maxBytes?: number;
}

/** What a git command printed, and how it ended. */
export interface GitResult {
  readonly code: number;
  readonly stdout: Uint8Array;
  readonly stderr: string;
}

/**
 * Runs one git command and reads all it prints.
 *
 * @param args The arguments after `git` and the hardening options.
 * @param options Folder, environment, stdin.
 * @returns Its output and exit code (0 or one of `options.ok`).
 * @throws {GitError} When git cannot start, fails, or prints more than the cap.
 */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return startGit(args, { ...options, stdin: options.stdin !== undefined }).result(options.stdin);
}

/** A git command started, waiting for its stdin (if it takes one) to be given. */
export interface StartedGit {
  /**
   * Gives git its stdin (when started with `stdin: true`: nothing given, it
   * reads none) and reads all it prints.
   *
   * @throws {GitError} When git fails, or prints more than the cap.
   */
  result(stdin?: Uint8Array): Promise<GitResult>;
}

/**
 * Starts one git command, to be given its stdin later: a command that is
 * certain to be needed starts while the caller works out what to tell it.
 * Call `result` exactly once (git waits for its stdin until then).
 *
 * @param args The arguments after `git` and the hardening options.
 * @param options As {@linkcode git}'s, with `stdin` true for a command that reads stdin.
 * @returns The started command.
 * @throws {GitError} When git cannot start.
 */
export function startGit(
  args: readonly string[],
  options: Omit<GitOptions, "stdin"> & { readonly stdin?: boolean },
): StartedGit {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("git", {
      args: [...HARDENING, ...args],
      cwd: options.cwd,
      env: {
        // Never ask for anything, never fetch a missing object (a partial clone), English messages.
        GIT_TERMINAL_PROMPT: "0",
        GIT_NO_LAZY_FETCH: "1",
        LC_ALL: "C",
        ...options.env,
      },
      stdin: options.stdin === true ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }).spawn();
  } catch (err) {
    throw new GitError(
      err instanceof Deno.errors.NotFound
        ? "git is not installed (or not on PATH)"
        : `Cannot start git: ${err instanceof Error ? err.message : err}`,
    );
  }
  const cap = options.maxBytes ?? MAX_OUTPUT;
  // Read from the start: git must never block on a full pipe while its stdin is awaited.
  const reading = Promise.all([
    readAll(child.stdout, cap, () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has ended already (a short output read after the exit): nothing to stop.
      }
    }),
    // (Not `new Response(…).text()`: it loads Deno's fetch extension, ~10 ms of a hook's run.)
    readAll(child.stderr, cap, () => {}).then((bytes) => new TextDecoder().decode(bytes)),
  ]);
  reading.catch(() => {}); // awaited in result()
  return {
    async result(stdin?: Uint8Array): Promise<GitResult> {
      if (options.stdin === true) {
        const writer = child.stdin.getWriter();
        try {
          if (stdin !== undefined && stdin.length > 0) await writer.write(stdin);
          await writer.close();
        } catch {
          // git ended early; its exit code says why.
        }
      }
      const [stdout, stderr] = await reading;
      const status = await child.status;
      if (stdout === undefined) {
        throw new GitError(
          `git ${args[0]} printed more than ${cap / 1024 / 1024} MiB: the change is too large to ` +
            "read completely, and wst does not check part of a change",
        );
      }
      if (status.code !== 0 && !(options.ok ?? []).includes(status.code)) {
        throw new GitError(
          `git ${args.join(" ")} failed (exit ${status.code}): ${firstLines(stderr)}`,
        );
      }
      return { code: status.code, stdout, stderr };
    },
  };
}

/** Stdout as text, for commands that print refs and names. */
export function text(result: GitResult): string {
  return new TextDecoder().decode(result.stdout);
}

async function readAll(
  stream: ReadableStream<Uint8Array>,
  cap: number,
  kill: () => void,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > cap) {
      if (!over) kill();
      over = true;
      continue; // drain what is left, so the process can end
    }
    chunks.push(chunk);
  }
  if (over) return undefined;
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function firstLines(stderr: string): string {
  const lines = stderr.trim().split("\n").filter((l) => l.length > 0);
  return lines.slice(0, 3).join("; ") || "no message";
}

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * A path's bytes as text: UTF-8 as it is, each byte that is not part of valid
 * UTF-8 as `\xNN` (so two different names never read the same, and globs can
 * still match the rest).
 *
 * @param bytes The path as git printed it (with `-z`, unquoted).
 * @returns The text.
 */
export function pathText(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    let out = "";
    let i = 0;
    while (i < bytes.length) {
      const n = sequenceLength(bytes, i);
      if (n === 0) {
        out += `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, "0")}`;
        i += 1;
      } else {
        out += strict.decode(bytes.subarray(i, i + n));
        i += n;
      }
    }
    return out;
  }
}

/** The length of the valid UTF-8 sequence at `i`, or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const n = b >= 0xc2 && b <= 0xdf
    ? 2
    : b >= 0xe0 && b <= 0xef
    ? 3
    : b >= 0xf0 && b <= 0xf4
    ? 4
    : 0;
  if (n === 0 || i + n > bytes.length) return 0;
  try {
    strict.decode(bytes.subarray(i, i + n));
    return n;
  } catch {
    return 0;
  }
}

/** One line of `git diff --raw -z`. */
export interface RawEntry {
  readonly oldMode: string;
  readonly newMode: string;
  readonly oldId: string;
  readonly newId: string;
  /** The status letter: A, C, D, M, R, T, U, X. */
  readonly status: string;
  /** The path (the new one for a rename or copy). */
  readonly path: string;
  /** The old path of a rename or copy. */
  readonly oldPath?: string;
}

/**
 * Parses `git diff-index|diff-tree --raw -z` output.
 *
 * @param bytes The whole output.
 * @returns The entries, in git's order.
 * @throws {GitError} When the output ends inside an entry.
 */
export function parseRaw(bytes: Uint8Array): RawEntry[] {
  if (bytes.length === 0) return [];
  if (bytes[bytes.length - 1] !== 0) {
    throw new GitError("git's diff output ended inside an entry: it was not read whole");
  }
  // One decode for the whole output (thousands of small ones cost ~10 µs each), read field by
  // field with indexOf; byte by byte only when some name is not UTF-8.
  let all: string;
  try {
    all = strict.decode(bytes);
  } catch {
    all = "";
    let at = 0;
    while (at < bytes.length) {
      const end = bytes.indexOf(0, at);
      all += `${pathText(bytes.subarray(at, end))}\0`;
      at = end + 1;
    }
  }
  const entries: RawEntry[] = [];
  let at = 0;
  const field = (): string => {
    const end = all.indexOf("\0", at);
    if (end < 0) {
      throw new GitError("git's diff output ended inside an entry: it was not read whole");
    }
    const value = all.slice(at, end);
    at = end + 1;
    return value;
  };
  while (at < all.length) {
    // :oldmode newmode oldid newid status
    const header = field();
    const s1 = header.indexOf(" ");
    const s2 = header.indexOf(" ", s1 + 1);
    const s3 = header.indexOf(" ", s2 + 1);
    const s4 = header.indexOf(" ", s3 + 1);
    if (header[0] !== ":" || s1 < 0 || s2 < 0 || s3 < 0 || s4 < 0 || header.includes(" ", s4 + 1)) {
      throw new GitError(`Unexpected line in git's diff output: ${JSON.stringify(header)}`);
    }
    const oldMode = header.slice(1, s1);
    const newMode = header.slice(s1 + 1, s2);
    const oldId = header.slice(s2 + 1, s3);
    const newId = header.slice(s3 + 1, s4);
    const letter = header[s4 + 1] ?? "";
    const first = field();
    if (letter === "R" || letter === "C") {
      const second = field();
      entries.push({
        oldMode,
        newMode,
        oldId,
        newId,
        status: letter,
        path: second,
        oldPath: first,
      });
    } else {
      entries.push({ oldMode, newMode, oldId, newId, status: letter, path: first });
    }
  }
  return entries;
}
