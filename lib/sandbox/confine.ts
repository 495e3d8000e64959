// OS-level confinement on Linux (docs/adr/0009): a task run in a bubblewrap
// sandbox. The host starts `bwrap … -- deno run … <runner bundle> <socket>`
// (`wst __runner <socket>` when compiled); the runner (`_runner.ts`) connects
// to a unix socket in a private host folder before any task code loads, then
// runs the task (a local one in a Worker with the same explicit Deno
// permissions, a built-in one in its own isolate, the process started with the
// task's permissions as flags) and relays the protocol as JSON lines.
import { isAbsolute, resolvePath, SEP } from "../_path.ts";
import { RUNTIME_FLAGS } from "../../scripts/runtime_flags.ts";
import type { Permissions } from "../task/permissions.ts";
import type { HostMessage, WorkerMessage } from "./_protocol.ts";
import { expandEnvPath, findBinary } from "./worker_permissions.ts";
import { encodeError } from "../errors/wire.ts";
import { SandboxDeniedError } from "../errors/mod.ts";
import { escapeStream } from "../reporter/escape.ts";
import { linePrefixer } from "../reporter/prefix.ts";
import { BUNDLE_CACHE, type BundleCacheOptions, bundleUrl } from "../registry/_bundle_cache.ts";
import { localRunnerCodeCache, runnerCodeCache, type Sandboxed } from "./_runner_cache.ts";
import { denoCacheDir } from "../registry/_npm_cache.ts";
import { confinedRunners } from "./process_tree.ts";
import { trustFilePath } from "../trust/store.ts";
import { cacheHome } from "../registry/_cache.ts";
import {
  bwrapProcess,
  DENO_DIR_SLOT,
  type Launch,
  recordLaunch,
  RECORDS_DIR,
  SOCKET_SLOT,
  type StartedRunner,
  startRunner,
  takeEarlyRunner,
} from "./_prelaunch.ts";

/** How a run is confined: `auto` (where bubblewrap works), `require` (or exit 3), `off`. */
export type ConfineMode = "auto" | "require" | "off";

/** The modes, for messages and checks. */
export const CONFINE_MODES: readonly ConfineMode[] = ["auto", "require", "off"];

/** wst's own folder (read-only in the sandbox). */
export const WST_DIR: string = decodeURIComponent(new URL("../../", import.meta.url).pathname)
  .replace(/\/$/, "");

/** Where the private folder holding the protocol socket appears inside the sandbox. */
const SOCKET_DIR = "/run/wst-runner";
/** The sandbox's own Deno cache: a tmpfs with the host cache's package folders read-only. */
const SANDBOX_DENO_DIR = "/run/wst-deno";
/** Folders of the host's Deno cache the runner reads (never writes). */
const DENO_DIR_PARTS = ["npm", "remote", "gen"];
/** System folders bound read-only (or recreated as the symlinks they are). */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"];
/**
 * What of `/etc` a sandbox gets: never the rest (no shadow, no machine
 * secrets), and of this only what its task can use. Any Deno: the dynamic
 * linker's cache, the time zone, users and groups.
 */
const ETC_ALWAYS = [
  "/etc/ld.so.cache",
  "/etc/localtime",
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
];
/**
 * With a network (`net`) or programs (`run`): name resolution and TLS roots.
 * Without, each of these mounts is time (bubblewrap's mounts cost ~0.2 ms
 * each: the 25 of `/etc` were ~6 ms of a confined `validate-config`).
 */
const ETC_NETWORK = [
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/host.conf",
  "/etc/gai.conf",
  "/etc/services",
  "/etc/protocols",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/ca-certificates.conf",
  "/etc/pki",
];
/**
 * With programs (`run`): alternatives, the linker's configuration, MIME
 * types, git's and ssh's system configuration, apt's sources, the release.
 */
const ETC_PROGRAMS = [
  "/etc/alternatives",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/mime.types",
  "/etc/gitconfig",
  "/etc/ssh/ssh_config",
  "/etc/ssh/ssh_config.d",
  "/etc/apt",
  "/etc/dpkg",
  "/etc/debian_version",
  "/etc/os-release",
  "/etc/lsb-release",
];
/**
 * Environment variables of the runner itself, removed before the task loads
 * (`NPM_CONFIG_REGISTRY`: where Deno's npm cache keeps a repository's pinned
 * packages, docs/adr/0013-module-deps.md).
 */
const RUNNER_ONLY_ENV = ["DENO_DIR", "DENO_COVERAGE_DIR", "PWD", "NPM_CONFIG_REGISTRY"];

/** Whether confinement works here, and why not when it does not. */
export interface ConfineSupport {
  /** The `bwrap` to run, when it works. */
  readonly bwrap?: string;
  /** Why a run cannot be confined. */
  readonly reason?: string;
}

let support: ConfineSupport | undefined;

/**
 * The cheap half of {@linkcode confineSupport}, for every run: Linux, and
 * `bwrap` on `PATH`. Whether it works is found out by starting it: a run
 * whose bwrap fails before the runner connects asks `confineSupport` why.
 *
 * @returns The binary, or why there is none.
 */
export function findBwrap(): ConfineSupport {
  if (Deno.build.os !== "linux") {
    return { reason: `bubblewrap confinement is Linux-only (this is ${Deno.build.os})` };
  }
  const bwrap = findBinary("bwrap", Deno.env.get("PATH") ?? "", "/");
  return bwrap === undefined ? { reason: "bwrap (bubblewrap) is not on PATH" } : { bwrap };
}

/**
 * Finds bubblewrap on `PATH` and tries it once (`bwrap --unshare-all … true`):
 * containers without user namespaces have the binary but cannot use it. The
 * answer is kept for the process.
 *
 * @returns The binary, or why there is none.
 */
export function confineSupport(): ConfineSupport {
  if (support !== undefined) return support;
  const found = findBwrap();
  if (found.bwrap === undefined) return support = found;
  const bwrap = found.bwrap;
  try {
    const out = new Deno.Command(bwrap, {
      args: ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      clearEnv: true,
    }).outputSync();
    if (out.success) return support = { bwrap };
    const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0] ?? "";
    return support = { reason: `${bwrap} does not work here (${why || `exit ${out.code}`})` };
  } catch (err) {
    return support = { reason: `${bwrap} cannot be started (${(err as Error).message})` };
  }
}

/**
 * The confinement mode: `--confine` when given, else `WST_CONFINE`, else
 * `auto`.
 *
 * @param given The flag's value, if any.
 * @returns The mode, or a message naming what is wrong.
 */
export function confineMode(given: string | undefined): ConfineMode | { error: string } {
  const value = given ?? Deno.env.get("WST_CONFINE") ?? "auto";
  if ((CONFINE_MODES as readonly string[]).includes(value)) return value as ConfineMode;
  const from = given === undefined ? "WST_CONFINE" : "--confine";
  return {
    error: `${from} must be one of ${CONFINE_MODES.join(", ")}, found ${JSON.stringify(value)}`,
  };
}

/**
 * Copies a confined runner's stdout or stderr (the task's and its children's
 * output) to wst's stderr, escaped (`escapeStream`): wst's stdout carries only the result.
 *
 * @param stream The runner's stdout or stderr.
 * @param options `after`: forwarding starts when this settles true; false drops the stream.
 *   `prefix`: put before every line (`linePrefixer`): a task's name while several run at once.
 *   `end`: the runner's end mark ({@linkcode untilMark}): the copy stops there.
 * @returns Settles when the stream ends: `"mark"` when it ended at the end mark.
 */
export async function forwardTaskOutput(
  stream: ReadableStream<Uint8Array>,
  options: {
    after?: Promise<boolean> | undefined;
    prefix?: string | undefined;
    end?: Uint8Array | undefined;
  } = {},
): Promise<"mark" | "end"> {
  // Held until the runner has connected: bwrap's own complaints, when it fails, are the reason.
  if (!await (options.after ?? true)) {
    await stream.cancel();
    return "end";
  }
  const write = (chunk: Uint8Array) => {
    try {
      Deno.stderr.writeSync(chunk);
    } catch {
      // stderr closed: the output is dropped, the run goes on
    }
  };
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const lines = options.prefix === undefined
    ? undefined
    : linePrefixer(options.prefix, (text) => write(encoder.encode(text)));
  const marked = options.end === undefined ? undefined : untilMark(options.end);
  const raw = marked === undefined ? stream : stream.pipeThrough(marked.stream);
  // Task-controlled bytes: control sequences other than colour are shown escaped.
  for await (const chunk of raw.pipeThrough(escapeStream())) {
    if (lines === undefined) write(chunk);
    else lines.write(decoder.decode(chunk, { stream: true }));
  }
  lines?.write(decoder.decode());
  lines?.flush();
  return marked?.found() === true ? "mark" : "end";
}

/**
 * Passes bytes on until `mark` and ends there (the mark is dropped). A confined
 * runner writes its end mark (random, sent by the host in `RunnerStart.end`,
 * never seen by task code) to its stdout and stderr after its last message:
 * every byte the task or its children wrote before the run ended comes first,
 * so the host need not wait for the runner's exit (Deno's and bubblewrap's
 * teardown, ~20 ms) to have all of it. Bytes that could be the start of the
 * mark are held until the next chunk tells.
 *
 * @param mark The end mark.
 * @returns The transform, and whether it met the mark.
 */
export function untilMark(
  mark: Uint8Array,
): { stream: TransformStream<Uint8Array, Uint8Array>; found: () => boolean } {
  let held = new Uint8Array(0);
  let found = false;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (found) return;
      const bytes = held.length === 0 ? chunk : concatBytes(held, chunk);
      const at = indexOfBytes(bytes, mark);
      if (at >= 0) {
        found = true;
        held = new Uint8Array(0);
        if (at > 0) controller.enqueue(bytes.slice(0, at));
        controller.terminate();
        return;
      }
      const keep = markStartAtEnd(bytes, mark);
      if (keep < bytes.length) controller.enqueue(bytes.slice(0, bytes.length - keep));
      held = bytes.slice(bytes.length - keep);
    },
    flush(controller) {
      if (held.length > 0) controller.enqueue(held);
    },
  });
  return { stream, found: () => found };
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Where `needle` starts in `bytes`, or -1. */
function indexOfBytes(bytes: Uint8Array, needle: Uint8Array): number {
  for (let at = bytes.indexOf(needle[0]!); at >= 0; at = bytes.indexOf(needle[0]!, at + 1)) {
    if (at + needle.length > bytes.length) return -1;
    let i = 1;
    while (i < needle.length && bytes[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

/** The length of the longest end of `bytes` that is a start of `mark` (shorter than it). */
function markStartAtEnd(bytes: Uint8Array, mark: Uint8Array): number {
  for (let n = Math.min(mark.length - 1, bytes.length); n > 0; n--) {
    let i = 0;
    while (i < n && bytes[bytes.length - n + i] === mark[i]) i++;
    if (i === n) return n;
  }
  return 0;
}

/** A new end mark for a runner (see {@linkcode untilMark}): NUL-framed, 128 random bits. */
export function newEndMark(): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `\0wst-end-${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}\0`;
}

/** The part of the run the sandbox is built from. */
export interface SandboxPlan {
  /** Absolute workspace root (the runner's working folder). */
  readonly root: string;
  /** The declared permissions. */
  readonly permissions: Permissions;
  /** Declared read paths, resolved (binaries included). */
  readonly read: readonly string[];
  /** Declared write paths, resolved. */
  readonly write: readonly string[];
  /** Declared binaries, resolved on PATH. */
  readonly binaries: Readonly<Record<string, string>>;
  /** PATH plus the declared env vars that are set. */
  readonly env: Readonly<Record<string, string>>;
  /** Folders a local module loads from (its `.wst/` folder), read-only. */
  readonly moduleDirs: readonly string[];
  /** The host folder holding the protocol socket. */
  readonly socketDir: string;
  /** A private host folder for the sandbox's Deno cache (a code cache copy); else a tmpfs. */
  readonly denoDir?: string | undefined;
  /**
   * The Deno configuration a local module loads with when its `.wst/` folder
   * pins packages of its own (wst's merged with it: lib/registry/_module_deps.ts);
   * its folder is among `moduleDirs`.
   */
  readonly config?: string | undefined;
  /**
   * The host's transpiled-code cache (`gen/`) is bound writable: only for
   * warming, which runs wst's own code and nothing of a repository's
   * ({@linkcode warmingSandbox}).
   */
  readonly writesEmits?: boolean;
}

function realPath(path: string): string | undefined {
  try {
    return Deno.realPathSync(path);
  } catch {
    return undefined;
  }
}

function lstat(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The host's Deno cache folder (`DENO_DIR`, else the platform's default). */
function hostDenoDir(): string | undefined {
  const given = Deno.env.get("DENO_DIR");
  if (given) return given;
  const cache = Deno.env.get("XDG_CACHE_HOME") ||
    (Deno.env.get("HOME") ? `${Deno.env.get("HOME")}/.cache` : undefined);
  return cache === undefined ? undefined : `${cache}/deno`;
}

/**
 * What the runner's Deno needs in its environment as it starts: `PATH`, its
 * cache, and coverage and the npm registry when wst has them. wst's own
 * values, not the task's: they go on bubblewrap's command line (`--setenv`,
 * after `--clearenv`), which every user of the machine can read in `/proc`.
 * The declared variables' values ({@linkcode declaredEnv}) never go there,
 * nor into bubblewrap's own environment, which its dynamic loader reads on the
 * host (a repository's `.env` giving a declared `LD_PRELOAD` would run its
 * code there): the runner sets them itself, from its start message.
 *
 * @param plan What the task declared, resolved.
 * @returns The variables.
 */
export function runnerEnv(plan: Omit<SandboxPlan, "socketDir">): Record<string, string> {
  const env: Record<string, string> = { DENO_DIR: SANDBOX_DENO_DIR };
  if (plan.env.PATH !== undefined) env.PATH = plan.env.PATH;
  const coverage = Deno.env.get("DENO_COVERAGE_DIR");
  if (coverage) env.DENO_COVERAGE_DIR = coverage;
  const registry = Deno.env.get("NPM_CONFIG_REGISTRY");
  if (registry && plan.config !== undefined) env.NPM_CONFIG_REGISTRY = registry;
  return env;
}

/**
 * The declared variables' values (all but `PATH`, which is wst's own): sent
 * to the runner over its socket, set by it before the task loads.
 */
export function declaredEnv(plan: Omit<SandboxPlan, "socketDir">): Record<string, string> {
  const { PATH: _path, ...declared } = plan.env;
  return declared;
}

/**
 * bubblewrap's arguments for one run, up to (not including) `--`: the
 * runner's own environment ({@linkcode runnerEnv}) after `--clearenv`, never a
 * declared variable's value; bubblewrap itself is started with an empty one.
 *
 * Every declared path is bound at its declared location from its real path,
 * so a symbolic link inside a scope that points outside it dangles.
 *
 * @param plan What the task declared, resolved.
 * @param unwritable Gets the declared write paths that are not writable in the sandbox (outside
 *   the root, not there yet, in a folder holding what was not declared).
 * @param mounted Gets each declared folder or file bound, with the identity of what it is now:
 *   what the sandbox must show there ({@linkcode checkMounts}).
 * @returns The arguments.
 */
export function bwrapArgs(
  plan: SandboxPlan,
  unwritable: string[] = [],
  mounted: Mounted[] = [],
): string[] {
  const args = [
    "--unshare-all",
    ...((plan.permissions.net ?? []).length > 0 ? ["--share-net"] : []),
    "--die-with-parent",
    "--new-session",
    "--clearenv",
  ];
  for (const [name, value] of Object.entries(runnerEnv(plan))) args.push("--setenv", name, value);
  const coverage = Deno.env.get("DENO_COVERAGE_DIR");
  // Mounts, sorted so that a folder is bound before what is bound inside it.
  type Kind = "ro" | "rw" | "dir" | "proc" | "dev" | "tmpfs";
  const binds = new Map<string, { source: string; kind: Kind }>();
  const bind = (dest: string, kind: Kind, source?: string) => {
    const real = source ?? realPath(dest);
    if (real === undefined) return;
    const before = binds.get(dest);
    if (before?.kind === "rw" && kind === "ro") return;
    binds.set(dest, { source: real, kind });
  };
  binds.set("/proc", { source: "", kind: "proc" });
  binds.set("/dev", { source: "", kind: "dev" });
  binds.set("/tmp", { source: "", kind: "tmpfs" });
  binds.set("/run", { source: "", kind: "tmpfs" });
  for (const dir of SYSTEM_DIRS) {
    const info = lstat(dir);
    if (info?.isSymlink) args.push("--symlink", Deno.readLinkSync(dir), dir);
    else if (info?.isDirectory) bind(dir, "ro");
  }
  const programs = listed(plan.permissions.run) || Object.keys(plan.binaries).length > 0;
  const network = programs || listed(plan.permissions.net);
  const etc = [
    ...ETC_ALWAYS,
    ...(network ? ETC_NETWORK : []),
    ...(programs ? ETC_PROGRAMS : []),
  ];
  for (const file of etc) {
    // A link into a system folder is recreated as the link it is: `/etc/localtime` bound as a
    // plain file makes ICU search every file of /usr/share/zoneinfo for one with the same bytes to
    // learn the zone's name (~9 ms of a task's first Date, a stat's mtime); and a link costs
    // bubblewrap less than a mount.
    const target = lstat(file)?.isSymlink ? Deno.readLinkSync(file) : undefined;
    const real = target === undefined ? undefined : realPath(file);
    if (
      target !== undefined && real !== undefined && isSystemPath(real) &&
      isSystemPath(resolvePath("/etc", target))
    ) {
      args.push("--symlink", target, file);
    } else bind(file, "ro", real);
  }
  bind(Deno.execPath(), "ro");
  bind(WST_DIR, "ro");
  if (plan.denoDir !== undefined) bind(SANDBOX_DENO_DIR, "rw", plan.denoDir);
  const denoDir = hostDenoDir();
  for (const part of DENO_DIR_PARTS) {
    if (denoDir !== undefined) {
      const kind = part === "gen" && plan.writesEmits === true ? "rw" : "ro";
      bind(`${SANDBOX_DENO_DIR}/${part}`, kind, realPath(`${denoDir}/${part}`));
    }
  }
  if (coverage) bind(coverage, "rw");
  // What a task may have changed on the way (the root, a declared folder, a module's folder):
  // checked in the sandbox once it is made, against what it is now.
  const checked = new Set<string>(plan.moduleDirs);
  for (const dir of plan.moduleDirs) bind(dir, "ro");
  const realRoot = realPath(plan.root) ?? plan.root;
  // A declared path in the root that a link leads out of it is not bound: it dangles.
  const declared = (path: string, kind: "ro" | "rw") => {
    const real = realPath(path);
    if (real === undefined || (within(path, plan.root) && !within(real, realRoot))) return;
    bind(path, kind, real);
    checked.add(path);
  };
  const folders = declaredFolders(plan);
  for (const path of plan.write) {
    let info = lstat(path);
    if (info === undefined && folders.has(path)) {
      // Declared as a folder (a trailing `/`): made when missing, and bound itself.
      try {
        Deno.mkdirSync(path, { recursive: true });
        info = lstat(path);
      } catch {
        // Not ours to make: as any other path that is not there.
      }
    }
    if (info?.isDirectory) declared(path, "rw");
    else if (info?.isFile && !within(path, plan.root)) {
      // A file outside the root (`$GITHUB_OUTPUT`) is bound alone: its folder holds other files
      // (`$GITHUB_ENV` next to it) that the task did not declare. It can be appended to, not
      // replaced by a rename.
      declared(path, "rw");
    } else if (!within(path, plan.root)) {
      // Outside the root, a path that is not there yet needs its folder, which is made if it is
      // missing (as the task would make it) and bound only while all it holds was declared: a
      // folder of the user's (`$HOME` for `~/.tool/config`, or `~/.config`) would give the
      // task's programs everything else in it, what runs at the next login included.
      const parent = path.slice(0, path.lastIndexOf(SEP));
      if (onlyDeclared(parent, plan.write)) declared(parent, "rw");
      else unwritable.push(path);
    } else {
      // In the root, a file is replaced atomically (a temp file renamed over it: a mount point
      // cannot be), and a path that does not exist yet is created: both need their folder, made
      // when missing (as the task would make it; never through a link out of the root), not a
      // folder above it (`out/report.json` gets `out/`, not the whole root). Deno's permissions
      // still hold the task's own code to the path.
      const parent = path.slice(0, path.lastIndexOf(SEP));
      const above = existingParent(path);
      if (lstat(parent) === undefined && above !== undefined) {
        const realAbove = realPath(above);
        if (realAbove !== undefined && within(realAbove, realRoot)) {
          try {
            Deno.mkdirSync(parent, { recursive: true });
          } catch {
            // not ours to make: its nearest existing folder, as before
          }
        }
      }
      const folder = lstat(parent)?.isDirectory ? parent : above;
      if (folder !== undefined) declared(folder, "rw");
    }
  }
  // The root's .git holds what git runs (hooks, the programs its config names): it stays
  // read-only under a writable folder unless a write path names it or a path inside it.
  const gitDir = `${plan.root}${SEP}.git`;
  const namesGit = plan.write.some((path) => within(path, gitDir));
  if (!namesGit && lstat(gitDir)?.isDirectory) {
    const covering = [...binds.entries()].some(([dest, b]) =>
      b.kind === "rw" && within(gitDir, dest)
    );
    if (covering) declared(gitDir, "ro");
  }
  // Write implies read: a read path in a writable folder stays writable (a file bound read-only
  // there could not be replaced).
  const writable = [...binds.entries()].filter(([, b]) => b.kind === "rw").map(([dest]) => dest);
  for (const path of plan.read) {
    if (!writable.some((dir) => within(path, dir))) declared(path, "ro");
  }
  for (const path of Object.values(plan.binaries)) {
    const real = realPath(path);
    // A binary in the root that a link leads out of it is not bound, nor its folder.
    if (real === undefined || (within(path, plan.root) && !within(real, realRoot))) continue;
    bind(path, "ro", real);
    // A script or a binary with files next to it (an npm package's bin, a tool's folder).
    const folder = real.slice(0, real.lastIndexOf(SEP));
    if (!isSystemPath(folder) && folder !== "") bind(folder, "ro");
  }
  const sshSocket = plan.env.SSH_AUTH_SOCK;
  if (sshSocket !== undefined && isAbsolute(sshSocket)) bind(sshSocket, "rw");
  bind(SOCKET_DIR, "rw", plan.socketDir);
  // The code the host runs stays read-only, whatever a task may write: wst's own folder (its
  // sources, its bundle cache, the launches of the runners it starts early, `_prelaunch.ts`): a
  // declared write inside it is bound read-only, and it is bound read-only again inside a writable
  // folder that holds it (wst's checkout as, or inside, the workspace). The host's Deno cache
  // (compiled code, packages) likewise inside a writable folder that holds it (`write: ["."]` with a
  // `DENO_DIR` in the workspace, a write to `~/.cache`); a task that names the cache itself keeps
  // it writable (one that runs `deno`: beyond the root, the user approved that path). Real paths
  // on both sides: reached through a link, it is the same folder.
  const realWst = realPath(WST_DIR) ?? WST_DIR;
  const realDenoDir = denoDir === undefined ? undefined : realPath(denoDir);
  // Your approvals (the trust file's folder) and wst's cache (the registry's descriptions, which
  // runs take permissions from; a module's merged configuration) likewise, always: a task allowed
  // to write `~/.local` would otherwise approve any other, one allowed `~/.cache` plant another
  // task's permissions. Made first when missing, so that they are there to bind (empty folders of
  // wst's own; a task could otherwise create the files inside).
  const guarded = wstStateFolders();
  // (Not the run's own folders: its socket's, its Deno cache, the coverage of wst's own tests.)
  const own = new Set([SOCKET_DIR, SANDBOX_DENO_DIR, ...(coverage ? [coverage] : [])]);
  const readOnlyWithin = (dest: string, source: string, folder: string) =>
    binds.set(`${dest}${folder.slice(source.length)}`, { source: folder, kind: "ro" });
  for (const [dest, b] of [...binds.entries()]) {
    if (b.kind !== "rw" || own.has(dest)) continue;
    if (within(b.source, realWst)) binds.set(dest, { ...b, kind: "ro" });
    else if (within(realWst, b.source)) readOnlyWithin(dest, b.source, realWst);
    if (realDenoDir !== undefined && realDenoDir !== b.source && within(realDenoDir, b.source)) {
      readOnlyWithin(dest, b.source, realDenoDir);
    }
    for (const folder of guarded) {
      if (within(b.source, folder.path)) binds.set(dest, { ...b, kind: "ro" });
      else if (within(folder.path, b.source)) readOnlyWithin(dest, b.source, folder.real());
    }
  }
  // The launches recorded there name other workspaces and commands: none of the sandbox's business.
  if (lstat(RECORDS_DIR)?.isDirectory) binds.set(RECORDS_DIR, { source: "", kind: "tmpfs" });
  // The root is the working folder, even when nothing in it is declared (or exists yet).
  if (!binds.has(plan.root)) bind(plan.root, "dir", plan.root);
  // Code-unit order, not localeCompare: its first call loads ICU's collator (~30 ms of every run).
  const sorted = [...binds.entries()].sort(([a], [b]) =>
    depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0)
  );
  const emitted: Array<{ dest: string; kind: string; identity: boolean }> = [];
  for (const [dest, { source, kind }] of sorted) {
    // Inside a folder bound as itself with the same access, a path is already there as it is on
    // the host (a link in it resolves inside the sandbox); binding it again adds nothing.
    const nearest = emitted.filter((e) => within(dest, e.dest)).at(-1);
    if (nearest?.identity && (nearest.kind === kind || kind === "dir")) continue;
    if (kind === "dir") {
      if (nearest?.kind === "ro" || nearest?.kind === "rw") continue; // there, as on the host
      args.push("--dir", dest);
    } else if (kind === "proc" || kind === "dev" || kind === "tmpfs") args.push(`--${kind}`, dest);
    else {
      args.push(kind === "rw" ? "--bind" : "--ro-bind", source, dest);
      if (checked.has(dest)) {
        const info = lstat(source);
        if (info?.dev !== undefined && info.ino !== null && info.ino !== undefined) {
          mounted.push({ path: dest, dev: info.dev, ino: info.ino });
        }
      }
    }
    emitted.push({ dest, kind, identity: source === dest });
  }
  args.push("--chdir", WST_DIR);
  return args;
}

/** A path bound in a sandbox, and what it was when it was bound: its device and inode. */
export interface Mounted {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/**
 * Whether the sandbox of a runner shows at each bound path what wst bound
 * there. wst resolves a declared path and hands bubblewrap the path, which
 * bubblewrap resolves again when it mounts: a task that may write in a folder
 * above it (the caller of a subtask) can swap a folder for a link between
 * the two, and have another folder mounted (a security review wrote outside
 * the root so, one try in forty). Checked through `/proc/<pid>/root` of the
 * sandbox's first process, once the runner has connected (its mounts are all
 * made), before the run starts; a runner started early is checked alike.
 * Where the kernel does not let wst look (no children list, no access to the
 * sandbox's root), nothing is checked.
 *
 * @param pid bubblewrap's process id (its child is the sandbox's first process).
 * @param mounted What {@linkcode bwrapArgs} bound.
 * @returns The first path that shows something else, or undefined.
 */
export function checkMounts(pid: number, mounted: readonly Mounted[]): string | undefined {
  if (mounted.length === 0) return undefined;
  let inner: string;
  try {
    inner = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)[0]!;
    if (inner === "") return mounted[0]!.path; // no sandbox yet: nothing bound
    Deno.lstatSync(`/proc/${inner}/root/`);
  } catch {
    // A kernel without the children list, or a sandbox this process may not look into: the
    // check cannot be made (Deno's permissions still hold the task's own code to real paths).
    return undefined;
  }
  for (const { path, dev, ino } of mounted) {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(`/proc/${inner}/root${path}`);
    } catch {
      return path;
    }
    if (info.dev !== dev || info.ino !== ino) return path;
  }
  return undefined;
}

/** Whether a permission grants anything (a non-empty list, or `true`). */
const listed = (value: unknown) => value === true || (Array.isArray(value) && value.length > 0);

const depth = (path: string) => path === SEP ? 0 : path.split(SEP).length;

/** Whether `path` is `dir` or inside it. */
const within = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(SEP) ? dir : `${dir}${SEP}`);

function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((dir) => path === dir || path.startsWith(`${dir}${SEP}`));
}

/** The write paths declared as folders (with a trailing `/`), resolved as `plan.write` is. */
function declaredFolders(plan: SandboxPlan): Set<string> {
  const folders = new Set<string>();
  for (const path of plan.permissions.write ?? []) {
    if (!path.endsWith("/") || path === "/") continue;
    const expanded = expandEnvPath(path, (name) => Deno.env.get(name));
    if (expanded !== undefined) folders.add(resolvePath(plan.root, expanded));
  }
  return folders;
}

/**
 * Whether `folder` holds nothing but declared write paths (or nothing), made
 * first (with the folders above it) when it is missing.
 */
function onlyDeclared(folder: string, write: readonly string[]): boolean {
  if (folder === "" || folder === SEP) return false;
  try {
    if (lstat(folder) === undefined) Deno.mkdirSync(folder, { recursive: true });
    if (!lstat(folder)?.isDirectory) return false;
    for (const entry of Deno.readDirSync(folder)) {
      const path = `${folder}${SEP}${entry.name}`;
      if (!write.some((declared) => within(path, declared))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * wst's state folder (the trust file's) and its cache folder (the registry's),
 * each with its real path, made on first use (0700); none without a home folder.
 */
function wstStateFolders(): Array<{ path: string; real: () => string }> {
  const folders: string[] = [];
  try {
    const file = trustFilePath();
    folders.push(file.slice(0, file.lastIndexOf(SEP)));
  } catch {
    // no home folder: no trust file
  }
  const cache = cacheHome();
  if (cache !== undefined) folders.push(cache);
  return folders.map((folder) => {
    const path = realPath(folder) ?? folder;
    return {
      path,
      real: () => {
        if (lstat(path) === undefined) Deno.mkdirSync(path, { recursive: true, mode: 0o700 });
        return realPath(path) ?? path;
      },
    };
  });
}

function existingParent(path: string): string | undefined {
  let dir = path;
  while (dir.lastIndexOf(SEP) > 0) {
    dir = dir.slice(0, dir.lastIndexOf(SEP));
    if (lstat(dir) !== undefined) return dir;
  }
  return undefined;
}

/**
 * The runner's Deno flags: wst's, without `--v8-flags=--no-lazy`. Its code
 * cache lives in the sandbox's tmpfs and starts empty on every run, and
 * compiling every function eagerly without a cache costs more than it saves
 * (measured side by side: ~15% of a confined run under load).
 */
const RUNNER_FLAGS = RUNTIME_FLAGS.filter((flag) => !flag.startsWith("--v8-flags="));

/** The V8 flags of a runner with a code cache (wst's: ADR 0007). */
const CACHED_FLAGS = RUNTIME_FLAGS.filter((flag) => flag.startsWith("--v8-flags="));

const taskBundle = (start: { task: { worker?: string | undefined } }) =>
  decodeURIComponent(new URL(start.task.worker ?? "file:///").pathname);

/** The folder of a built-in task's bundle: the bundle and its chunks. */
const bundleFolder = (start: { task: { worker?: string | undefined } }) =>
  decodeURIComponent(new URL(".", start.task.worker ?? "file:///").pathname).replace(/\/$/, "");

/** The runner's entry module, relative to wst's folder. */
const RUNNER_MODULE = "lib/sandbox/_runner_main.ts";

/**
 * The runner's bundle: built into wst's bundle cache like a task's, its code
 * seeing itself at `_runner_main.ts` (it finds the worker runtime and wst's
 * folder relative to itself).
 */
const RUNNER_BUNDLE: BundleCacheOptions = {
  ...BUNDLE_CACHE,
  runtime: new URL(`../../${RUNNER_MODULE}`, import.meta.url),
  selfUrl: new URL(`../../${RUNNER_MODULE}`, import.meta.url),
};

/**
 * The command that starts the runner inside the sandbox (after bwrap's `--`).
 *
 * @throws {WstError} When the runner's bundle cannot be built.
 */
function runnerCommand(
  start: Omit<RunnerStart, "unset" | "inProcess" | "end">,
  unset: readonly string[],
  options: { socket: string; config?: string | undefined; bwrap?: string | undefined },
): { command: string[]; inProcess?: RunnerStart["inProcess"]; codeCache?: string } {
  const exe = Deno.execPath();
  const socket = options.socket;
  if (isCompiled()) return { command: [exe, "__runner", socket] };
  if (options.config !== undefined) {
    // A local module whose folder pins packages: that configuration and its frozen lock, and
    // nothing fetched (they were, before: docs/adr/0013-module-deps.md).
    const bundle = bundleUrl(RUNNER_MODULE, {
      task: "(the confined runner)",
      cache: RUNNER_BUNDLE,
    });
    const runner = decodeURIComponent(new URL(bundle).pathname);
    return {
      command: [
        exe,
        "run",
        "--quiet",
        ...RUNNER_FLAGS,
        "--config",
        options.config,
        "--cached-only",
        "--no-remote",
        runner,
        socket,
      ],
    };
  }
  // One small prebuilt JS file instead of cli.ts and its TypeScript graph: the sandbox's Deno
  // cache starts empty, so every module the runner loads is compiled anew (~100 ms saved).
  const bundle = bundleUrl(RUNNER_MODULE, { task: "(the confined runner)", cache: RUNNER_BUNDLE });
  const runner = decodeURIComponent(new URL(bundle).pathname);
  // A built-in task (wst's own code, bundled) runs in the runner's own isolate, the runner
  // process holding the task's permissions: Deno's layer holds as in a worker. A local task
  // keeps its worker.
  const own = start.task.worker === undefined ? undefined : inProcessFlags(start.permissions, {
    // The bundle's folder: the bundle and the chunks it imports (wst's own code, revoked once loaded).
    read: [SOCKET_DIR, bundleFolder(start), start.root],
    write: [SOCKET_DIR],
    env: [...unset],
    net: [`unix:${socket}`],
  });
  if (own === undefined) {
    // wst's side of a local task (the worker runtime, `@wst/wst`, zod) from a warm code cache too;
    // the repository's module is compiled in the sandbox, never outside it.
    const codeCache = options.bwrap === undefined ? undefined : localRunnerCodeCache(
      runner,
      CACHED_FLAGS,
      WST_DIR,
      warmingSandbox(options.bwrap),
      start.task.runtime,
    );
    return {
      command: [
        exe,
        "run",
        "--quiet",
        ...RUNNER_FLAGS,
        ...(codeCache === undefined ? [] : CACHED_FLAGS),
        runner,
        socket,
      ],
      ...(codeCache === undefined ? {} : { codeCache }),
    };
  }
  // With a code cache (warmed by the host, a private copy per run), eager compilation pays again.
  const codeCache = runnerCodeCache(runner, taskBundle(start), CACHED_FLAGS, WST_DIR);
  return {
    command: [
      exe,
      "run",
      "--quiet",
      ...own.flags,
      ...(codeCache === undefined ? [] : CACHED_FLAGS),
      runner,
      socket,
      // The bundle: the runner starts loading it while it connects and waits for its start.
      start.task.worker!,
    ],
    inProcess: { revoke: own.revoke },
    ...(codeCache === undefined ? {} : { codeCache }),
  };
}

/** Whether this is a `deno compile`d wst (the executable is wst itself, its permissions built in). */
export function isCompiled(): boolean {
  const exe = Deno.execPath();
  return Deno.mainModule.includes("/deno-compile-") ||
    !/^deno(?:\.exe)?$/.test(exe.slice(exe.lastIndexOf(SEP) + 1));
}

/**
 * The sandbox the local runner's code cache is warmed in: the runner's layout
 * (the same paths, so the same keys), no permissions declared, the cache
 * folder bound as the sandbox's Deno cache, no network. The host's
 * transpiled-code cache is writable there, so that wst's own TypeScript a
 * local task's worker loads (`@wst/wst`) is transpiled into it: a runner
 * cannot write it (it is read-only in every run's sandbox), and Deno, failing
 * to write a module's transpiled code, retries with pauses, ~150 ms of every
 * run after an update of wst that no unconfined run had loaded.
 */
function warmingSandbox(bwrap: string): Sandboxed {
  return (command, denoDir) => {
    const host = hostDenoDir();
    if (host !== undefined) {
      try {
        Deno.mkdirSync(`${host}/gen`, { recursive: true });
      } catch {
        // A cache it cannot write: the warming transpiles into its own folder, kept by no one.
      }
    }
    const plan: SandboxPlan = {
      root: WST_DIR,
      permissions: {},
      read: [],
      write: [],
      binaries: {},
      env: { PATH: Deno.env.get("PATH") ?? "" },
      moduleDirs: [],
      socketDir: denoDir, // no socket to connect to: any folder of the host's own
      denoDir,
      writesEmits: true,
    };
    return { command: [bwrap, ...bwrapArgs(plan), "--", ...command], env: {} };
  };
}

/** What the runner needs first: its task, the worker's permissions, the root. */
export interface RunnerStart {
  readonly task: {
    name: string;
    url: string;
    worker?: string | undefined;
    runtime?: string | undefined;
  };
  readonly permissions: Deno.PermissionOptionsObject;
  readonly root: string;
  /** The worker only inspects the task (computes its permissions): a constant world. */
  readonly inspect?: boolean;
  /** Env vars of the runner itself, removed before the task loads. */
  readonly unset: readonly string[];
  /**
   * The declared variables' values, set by the runner before the task loads
   * ({@linkcode declaredEnv}): never on a command line or in the environment
   * the runner's launcher starts with.
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The end mark the runner writes to its stdout and stderr after its last
   * message ({@linkcode untilMark}).
   */
  readonly end?: string;
  /**
   * Set when the runner runs a built-in task's bundle itself, without a
   * worker: its process was started with the task's permissions plus these
   * grants of its own (the socket, the bundle, the root for `chdir`, the env
   * vars it removes), which it revokes before the task runs.
   */
  readonly inProcess?: { readonly revoke: RunnerGrants };
}

/** Permissions the runner holds only while it sets itself up. */
export interface RunnerGrants {
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly env: readonly string[];
  readonly net: readonly string[];
}

/**
 * The Deno permission flags of a runner that runs a built-in task's bundle
 * in its own isolate (no worker): exactly the worker's permissions, plus
 * `own` where the task's do not already cover it. Those are revoked by the
 * runner before the task runs; Deno revokes a path with its ancestors, so a
 * grant the task's cover is neither added nor revoked.
 *
 * @param permissions The worker's permissions (every key explicit).
 * @param own What the runner needs to set itself up.
 * @returns The flags and the grants to revoke, or undefined when the
 * permissions cannot be written as flags (a comma in a path or name).
 */
export function inProcessFlags(
  permissions: Deno.PermissionOptionsObject,
  own: RunnerGrants,
): { flags: string[]; revoke: RunnerGrants } | undefined {
  const flags = ["--no-prompt"];
  const listOf = (value: unknown): string[] | boolean =>
    value === true || value === "inherit" ? true : Array.isArray(value) ? value.map(String) : false;
  const revoke = {
    read: [] as string[],
    write: [] as string[],
    env: [] as string[],
    net: [] as string[],
  };
  const names = ["read", "write", "env", "net", "run", "sys", "ffi", "import"] as const;
  for (const name of names) {
    const declared = listOf(permissions[name]);
    if (declared === true) {
      flags.push(`--allow-${name}`);
      continue;
    }
    const given = declared === false ? [] : declared;
    const mine = name === "read" || name === "write" || name === "env" || name === "net";
    const added = (mine ? own[name] : []).filter((item) =>
      !given.some((d) => name === "read" || name === "write" ? within(item, d) : d === item)
    );
    if (mine) revoke[name].push(...added);
    const all = [...given, ...added];
    if (all.some((item) => item.includes(",") || item === "")) return undefined;
    if (all.length > 0) flags.push(`--allow-${name}=${all.join(",")}`);
  }
  return { flags, revoke };
}

/**
 * Whether the run ends with this line from the runner (a result, an error, a message it could not
 * serialise): after it, the runner writes its end marks (`_runner.ts`).
 */
export function isLastLine(line: RunnerLine): boolean {
  return line.k !== "m" || line.m.type === "result" || line.m.type === "error";
}

/** One line from the runner: a protocol message, a worker error event, an unserialisable message. */
export type RunnerLine =
  | { k: "m"; m: WorkerMessage }
  | { k: "e"; message: string }
  | { k: "x" };

/** The channel to a task, whether a worker here or a confined runner. */
export interface TaskChannel {
  /** Sends a protocol message. */
  post(message: HostMessage): void;
  /** Receives the task's protocol messages. */
  onmessage: (message: WorkerMessage) => void;
  /** Receives the text of an error the worker did not handle. */
  onerror: (message: string) => void;
  /** Called when a message cannot be deserialised. */
  onmessageerror: () => void;
  /** Stops the task (and, confined, every process it started). */
  terminate(): Promise<void>;
}

/** How long a confined runner has to exit by itself once its run is over. */
const EXIT_GRACE_MS = 1_000;

/**
 * Starts a task's runner in a bubblewrap sandbox and returns its channel.
 * Without bubblewrap, the runner runs as a plain process (Deno's permissions
 * only, as a worker in wst's own process): for a local module that loads with
 * its folder's own pinned packages (`plan.config`), which wst's own process
 * cannot load.
 *
 * @param bwrap The bubblewrap binary, or undefined for a runner without a sandbox.
 * @param plan What the sandbox is built from.
 * @param start The runner's first message.
 * @param interactive Whether the task gets wst's stdin.
 * @param unavailable Called when bubblewrap does not work here (it exited
 *   before the runner connected, and a trial run fails too), with the reason:
 *   returns the channel to use instead (an unconfined worker), or throws.
 * @param options `outputPrefix`: put before every line of the task's output (see
 *   {@linkcode forwardTaskOutput}).
 * @returns The channel.
 */
export function confinedChannel(
  bwrap: string | undefined,
  plan: Omit<SandboxPlan, "socketDir">,
  start: Omit<RunnerStart, "unset" | "inProcess" | "end">,
  interactive: boolean,
  unavailable: (reason: string) => TaskChannel,
  options: {
    outputPrefix?: string | undefined;
    debug?: ((line: string) => void) | undefined;
    /** Says what of the declared access the sandbox cannot give. */
    warn?: ((line: string) => void) | undefined;
  } = {},
): TaskChannel {
  const unset = RUNNER_ONLY_ENV.filter((name) => !(name in plan.env));
  const { runner, started, mounted = [] } = bwrap === undefined
    ? plainRunner(plan, start, unset, interactive)
    : sandboxedRunner(bwrap, plan, start, unset, interactive, options);
  const { child, listener, socketDir, denoDir } = started;
  confinedRunners.add(child.pid);
  child.status.finally(() => confinedRunners.delete(child.pid));
  // bwrap's own errors come before the runner connects: held back until then, they are the reason.
  const [stderrNow, stderrLater] = child.stderr.tee();
  const early = earlyText(stderrNow);
  const end = newEndMark();
  const endBytes = new TextEncoder().encode(end);
  const outputs = [
    forwardTaskOutput(child.stdout, { prefix: options.outputPrefix, end: endBytes }),
    forwardTaskOutput(stderrLater, {
      after: early.connected,
      prefix: options.outputPrefix,
      end: endBytes,
    }),
  ];
  let endMarked = false;
  /** The runner sent its last line (a result or an error): its end marks were written before. */
  let lastLine = false;
  const marked = Promise.all(outputs).then((ends) => (endMarked = ends.every((e) => e === "mark")));
  const encoder = new TextEncoder();
  const queue: string[] = [
    JSON.stringify(
      {
        ...start,
        unset,
        env: declaredEnv(plan),
        end,
        ...(runner.inProcess === undefined ? {} : { inProcess: runner.inProcess }),
      } satisfies RunnerStart,
    ),
  ];
  let conn: Deno.UnixConn | undefined;
  let closed = false;
  let writing = Promise.resolve();
  const write = (line: string) => {
    if (conn === undefined) {
      queue.push(line);
      return;
    }
    const c = conn;
    writing = writing.then(() => writeAll(c, encoder.encode(`${line}\n`))).catch(() => {});
  };
  const removeSocket = () => {
    try {
      listener.close();
    } catch { /* already closed */ }
    Deno.remove(socketDir, { recursive: true }).catch(() => {});
  };
  // The sandbox's copy of the code cache goes with the runner (before wst exits: synchronously).
  const removeDenoDir = () => {
    if (denoDir === undefined) return;
    try {
      Deno.removeSync(denoDir, { recursive: true });
    } catch { /* gone */ }
  };
  child.status.then(removeDenoDir, removeDenoDir);
  const channel: TaskChannel = {
    post: (message) => write(JSON.stringify(message)),
    onmessage: () => {},
    onerror: () => {},
    onmessageerror: () => {},
    async terminate() {
      if (closed) return;
      closed = true;
      removeSocket();
      try {
        conn?.close();
      } catch { /* closed */ }
      const kill = () => {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      };
      // With both end marks read, all the run's output is here: what is left of the runner is
      // killed, not given its graceful exit (Deno's and bubblewrap's teardown take ~20 ms; the
      // kill ~7). It is still waited for: when the run is over, so is every process it started.
      // (No timer on this path, the usual one: a process's first setTimeout costs ~15 ms.)
      // The runner wrote its marks before it sent its last line: after that line they are being
      // read now. Otherwise (an abort, an error of the host's) the timer is armed before any
      // wait: a runner whose main thread is blocked (a built-in task stuck reading a FIFO) is
      // stopped all the same.
      let timer = endMarked || lastLine ? undefined : setTimeout(kill, EXIT_GRACE_MS);
      const ended = endMarked ||
        await Promise.race([marked, child.status.then(() => false, () => false)]);
      if (ended) kill();
      else timer ??= setTimeout(kill, EXIT_GRACE_MS);
      await child.status.catch(() => {});
      if (timer !== undefined) clearTimeout(timer);
      removeDenoDir();
      if (!ended) await Promise.all(outputs);
    },
  };
  // The runner connects before any task code loads; then nothing else can.
  const accepted = listener.accept().then((c) => {
    removeSocket();
    if (closed) {
      c.close();
      return;
    }
    // Connected: the sandbox is made. Before the run starts in it, what it shows at each bound
    // path must be what wst bound there (a folder swapped for a link meanwhile is not).
    const swapped = checkMounts(child.pid, mounted);
    if (swapped !== undefined) {
      c.close();
      closed = true;
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
      channel.onmessage({
        type: "error",
        error: encodeError(
          new SandboxDeniedError({
            task: start.task.name,
            operation: `running in a sandbox whose ${
              JSON.stringify(swapped)
            } is not what wst bound there (a folder replaced by a link while the sandbox was made?)`,
            scope: "its declared paths",
          }),
        ),
      });
      return;
    }
    conn = c as Deno.UnixConn;
    early.connect();
    for (const line of queue.splice(0)) write(line);
    readLines(conn, (line) => {
      let parsed: RunnerLine;
      try {
        parsed = JSON.parse(line);
      } catch {
        channel.onmessageerror();
        return;
      }
      lastLine ||= isLastLine(parsed);
      if (parsed.k === "m") channel.onmessage(parsed.m);
      else if (parsed.k === "e") channel.onerror(parsed.message);
      else channel.onmessageerror();
    }).finally(() => {
      if (!closed) {
        child.status.then((s) => {
          if (!closed) channel.onerror(`the confined runner ended (exit code ${s.code})`);
        });
      }
    });
  }, () => {});
  child.status.then(async (status) => {
    if (conn !== undefined || closed) return;
    removeSocket();
    const said = (await early.text()).trim().split("\n")[0] ?? "";
    if (bwrap === undefined) {
      channel.onerror(
        `the task's runner exited with code ${status.code} before it started${
          said ? `: ${said}` : ""
        }`,
      );
      return;
    }
    const trial = confineSupport();
    if (trial.bwrap !== undefined) {
      channel.onerror(
        `the confined runner exited with code ${status.code} before it started${
          said ? `: ${said}` : ""
        }`,
      );
      return;
    }
    // bubblewrap does not work here: an unconfined worker instead (auto), or a refusal (require).
    let instead: TaskChannel;
    try {
      instead = unavailable(trial.reason ?? said);
    } catch (err) {
      channel.onmessage({ type: "error", error: encodeError(err) });
      return;
    }
    closed = true;
    instead.onmessage = (m) => channel.onmessage(m);
    instead.onerror = (m) => channel.onerror(m);
    instead.onmessageerror = () => channel.onmessageerror();
    channel.post = (m) => instead.post(m);
    channel.terminate = () => instead.terminate();
    for (const line of queue.splice(1)) instead.post(JSON.parse(line));
  });
  void accepted;
  return channel;
}

/**
 * Starts a runner in bubblewrap, or takes the one the entry point started
 * early for this command line when it was started exactly so
 * (`_prelaunch.ts`).
 */
function sandboxedRunner(
  bwrap: string,
  plan: Omit<SandboxPlan, "socketDir">,
  start: Omit<RunnerStart, "unset" | "inProcess" | "end">,
  unset: readonly string[],
  interactive: boolean,
  say: {
    debug?: ((line: string) => void) | undefined;
    warn?: ((line: string) => void) | undefined;
  },
): { runner: ReturnType<typeof runnerCommand>; started: StartedRunner; mounted: Mounted[] } {
  const runner = runnerCommand(start, unset, {
    socket: `${SOCKET_DIR}/socket`,
    config: plan.config,
    bwrap,
  });
  const unwritable: string[] = [];
  const mounted: Mounted[] = [];
  const launch: Launch = {
    bwrap,
    args: [
      ...bwrapArgs(
        {
          ...plan,
          socketDir: SOCKET_SLOT,
          denoDir: runner.codeCache === undefined ? undefined : DENO_DIR_SLOT,
        },
        unwritable,
        mounted,
      ),
      "--",
      ...runner.command,
    ],
    codeCache: runner.codeCache,
  };
  for (const path of unwritable) {
    say.warn?.(
      `${start.task.name}: ${path} is not writable in the sandbox: it does not exist yet, and ` +
        "its folder holds what the task did not declare (create it first; a folder declared " +
        "with a trailing / is made)",
    );
  }
  const early = takeEarlyRunner(launch, interactive);
  if (early !== undefined) {
    say.debug?.(
      `${start.task.name}: its runner was started early (as recorded for this command)`,
    );
    return { runner, started: early, mounted };
  }
  const started = startRunner(
    launch.codeCache,
    interactive ? "inherit" : "null",
    bwrapProcess(launch),
  );
  recordLaunch(launch, interactive, ["DENO_DIR"]);
  return { runner, started, mounted };
}

/**
 * Starts a runner without a sandbox (a local module with its folder's own
 * pinned packages, unconfined).
 */
function plainRunner(
  plan: Omit<SandboxPlan, "socketDir">,
  start: Omit<RunnerStart, "unset" | "inProcess" | "end">,
  unset: readonly string[],
  interactive: boolean,
): { runner: ReturnType<typeof runnerCommand>; started: StartedRunner; mounted: Mounted[] } {
  let runner: ReturnType<typeof runnerCommand> | undefined;
  const started = startRunner(undefined, interactive ? "inherit" : "null", (folders) => {
    runner = runnerCommand(start, unset, {
      socket: `${folders.socketDir}/socket`,
      config: plan.config,
    });
    return {
      command: runner.command[0]!,
      args: runner.command.slice(1),
      env: plainRunnerEnv(plan),
    };
  });
  return { runner: runner!, started, mounted: [] };
}

/**
 * The environment of a runner without a sandbox: PATH, and what Deno needs to
 * find its cache (removed before the task loads unless declared). The
 * declared variables' values come in its start message (its own loader would
 * read a `LD_PRELOAD` of a repository's `.env` given here).
 */
function plainRunnerEnv(plan: Omit<SandboxPlan, "socketDir">): Record<string, string> {
  const env: Record<string, string> = {};
  if (plan.env.PATH !== undefined) env.PATH = plan.env.PATH;
  for (const name of ["DENO_DIR", "NPM_CONFIG_REGISTRY", "DENO_COVERAGE_DIR"]) {
    const value = name === "DENO_DIR" ? denoCacheDir() : Deno.env.get(name);
    if (value && !(name in plan.env)) env[name] = value;
    else if (name in plan.env) env[name] = plan.env[name]!;
  }
  return env;
}

/**
 * What the runner writes to stderr before it connects, kept: when bubblewrap
 * fails, that is the reason.
 */
function earlyText(stream: ReadableStream<Uint8Array>) {
  let connect: (yes: boolean) => void = () => {};
  const connected = new Promise<boolean>((resolve) => (connect = resolve));
  const chunks: Uint8Array[] = [];
  let isConnected = false;
  const done = (async () => {
    for await (const chunk of stream) {
      if (isConnected) continue; // tee: the other branch forwards it
      chunks.push(chunk);
    }
  })();
  return {
    connected,
    connect: () => {
      isConnected = true;
      connect(true);
    },
    text: async () => {
      await done;
      connect(false);
      return new TextDecoder().decode(
        chunks.reduce((all, c) => new Uint8Array([...all, ...c]), new Uint8Array()),
      );
    },
  };
}

/**
 * Writes all of `data`.
 *
 * @param conn Where.
 * @param data What.
 */
export async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.length) written += await conn.write(data.subarray(written));
}

/**
 * Calls `onLine` with each newline-terminated line read from `conn`, until it ends.
 *
 * @param conn Where.
 * @param onLine Gets each line, without its newline.
 */
export async function readLines(conn: Deno.Conn, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  // The pieces of the line read so far: only each new chunk is searched for a newline, so a
  // large message (a task's result) costs time in proportion to its size.
  let pieces: string[] = [];
  const chunk = new Uint8Array(256 * 1024);
  while (true) {
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch {
      n = null;
    }
    if (n === null) return;
    let text = decoder.decode(chunk.subarray(0, n), { stream: true });
    let newline: number;
    while ((newline = text.indexOf("\n")) >= 0) {
      pieces.push(text.slice(0, newline));
      text = text.slice(newline + 1);
      const line = pieces.length === 1 ? pieces[0]! : pieces.join("");
      pieces = [];
      if (line !== "") onLine(line);
    }
    if (text !== "") pieces.push(text);
  }
}
