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
export async function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
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
      stdin: options.stdin === undefined ? "null" : "piped",
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
  const writing = options.stdin === undefined ? Promise.resolve() : (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(options.stdin);
      await writer.close();
    } catch {
      // git ended early; its exit code says why.
    }
  })();
  const cap = options.maxBytes ?? MAX_OUTPUT;
  const [stdout, stderr] = await Promise.all([
    readAll(child.stdout, cap, () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has ended already (a short output read after the exit): nothing to stop.
      }
    }),
    // (Not `new Response(…).text()`: it loads Deno's fetch extension, ~10 ms of a hook's run.)
    readAll(child.stderr, cap, () => {}).then((bytes) => new TextDecoder().decode(bytes)),
    writing,
  ]);
  const status = await child.status;
  if (stdout === undefined) {
    throw new GitError(
      `git ${args[0]} printed more than ${cap / 1024 / 1024} MiB: the change is too large to ` +
        "read completely, and wst does not check part of a change",
    );
  }
  if (status.code !== 0 && !(options.ok ?? []).includes(status.code)) {
    throw new GitError(`git ${args.join(" ")} failed (exit ${status.code}): ${firstLines(stderr)}`);
  }
  return { code: status.code, stdout, stderr };
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
  // One decode for the whole output (thousands of small ones cost ~10 µs each); field by field
  // only when some name is not UTF-8.
  let fields: string[];
  try {
    fields = strict.decode(bytes.subarray(0, -1)).split("\0");
  } catch {
    fields = [];
    let at = 0;
    while (at < bytes.length) {
      const end = bytes.indexOf(0, at);
      fields.push(pathText(bytes.subarray(at, end)));
      at = end + 1;
    }
  }
  const entries: RawEntry[] = [];
  let i = 0;
  const field = (): string => {
    if (i >= fields.length) {
      throw new GitError("git's diff output ended inside an entry: it was not read whole");
    }
    return fields[i++]!;
  };
  while (i < fields.length) {
    const header = field();
    // :oldmode newmode oldid newid status
    const parts = header.slice(1).split(" ");
    if (header[0] !== ":" || parts.length !== 5) {
      throw new GitError(`Unexpected line in git's diff output: ${JSON.stringify(header)}`);
    }
    const [oldMode, newMode, oldId, newId, status] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    const letter = status[0] ?? "";
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
