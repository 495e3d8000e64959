import type { Shell } from "../task/context.ts";
import { stoppedByTimeout } from "../task/timeout.ts";

/** The program that builds kustomizations, and its version. */
export interface KustomizeTool {
  /** `kustomize` (runs `kustomize build`) or `kubectl` (runs `kubectl kustomize`). */
  binary: "kustomize" | "kubectl";
  /** The kustomize version, e.g. `v5.5.0`. */
  version: string;
  /** What produced the results, for reports: `kubectl v1.32.4 (kustomize v5.5.0)`. */
  label: string;
}

/**
 * Which program builds kustomizations: `kustomize` when it is on `PATH`, else
 * `kubectl` (whose `kubectl kustomize` has kustomize built in). Cheap: no
 * process is started.
 *
 * @param $ A shell that may run `kustomize` and `kubectl`.
 * @returns The binary, or `undefined` when neither is installed.
 */
export async function kustomizeBinary($: Shell): Promise<KustomizeTool["binary"] | undefined> {
  if (await $.commandExists("kustomize")) return "kustomize";
  if (await $.commandExists("kubectl")) return "kubectl";
  return undefined;
}

/**
 * Identifies an installed binary without running it: its path on `PATH`, size
 * and modification time. Part of the cache key, so that upgrading kustomize
 * or kubectl invalidates cached results. Needs `PATH` (env) and read access to
 * the binary, which a task that declares the binary has.
 *
 * @param name The binary's name.
 * @returns `path:size:mtime`, or `undefined` when it is not found.
 */
export function binaryStamp(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile) return `${dir}/${name}:${info.size}:${info.mtime?.getTime()}`;
    } catch {
      // Not here: missing, or (in the sandbox) not the path the binary resolved to.
    }
  }
  return undefined;
}

/**
 * Finds the kustomize to use and its version: `kustomize` when installed,
 * else the one built into `kubectl`.
 *
 * @param $ A shell that may run `kustomize` and `kubectl`.
 * @param binary The binary, when already known (see {@linkcode kustomizeBinary}).
 * @returns The tool, or `undefined` when neither is installed.
 */
export async function detectKustomize(
  $: Shell,
  binary?: KustomizeTool["binary"],
): Promise<KustomizeTool | undefined> {
  const standalone = binary === "kubectl"
    ? { code: 1, stdout: "" }
    : await $`kustomize version`.stdout("piped").stderr("piped").noThrow();
  if (standalone.code === 0) {
    const version = /v?\d+\.\d+\.\d+/.exec(standalone.stdout)?.[0] ?? standalone.stdout.trim();
    return { binary: "kustomize", version, label: `kustomize ${version}` };
  }
  const kubectl = await $`kubectl version --client -o json`.stdout("piped").stderr("piped")
    .noThrow();
  if (kubectl.code !== 0) return undefined;
  try {
    const info = JSON.parse(kubectl.stdout) as {
      clientVersion?: { gitVersion?: string };
      kustomizeVersion?: string;
    };
    const version = info.kustomizeVersion ?? "unknown";
    const kubectlVersion = info.clientVersion?.gitVersion ?? "unknown";
    return {
      binary: "kubectl",
      version,
      label: `kubectl ${kubectlVersion} (kustomize ${version})`,
    };
  } catch {
    return undefined;
  }
}

/**
 * The installed Helm's version (`helm version --short`), or `undefined`.
 *
 * @param $ A shell that may run `helm`.
 * @returns The version, e.g. `v3.15.2+g1a500d5`.
 */
export async function detectHelm($: Shell): Promise<string | undefined> {
  const out = await $`helm version --short`.stdout("piped").stderr("piped").noThrow();
  return out.code === 0 ? out.stdout.trim() : undefined;
}

/**
 * Go runtime settings for kustomize and kubectl, which are Go programs: a
 * build is short-lived, so garbage collection is left off until the heap
 * nears 1 GiB (then the soft limit makes it collect). Saves ~25% of each
 * build's CPU time on small kustomizations, which matters when several run at
 * once on few cores.
 */
const GO_TUNING = { GOGC: "off", GOMEMLIMIT: "1GiB" };

/** How one build went. */
export interface BuildOutcome {
  ok: boolean;
  /** kustomize's own message when it failed (stderr), or why it did not run. */
  message: string;
  /** Whether it was stopped by the timeout. */
  timedOut: boolean;
  /** Wall time in milliseconds. */
  ms: number;
}

/** Options of {@linkcode buildKustomization}. */
export interface BuildOptions {
  /** The binary from {@linkcode kustomizeBinary}. */
  binary: KustomizeTool["binary"];
  /** Absolute folder of the kustomization. */
  dir: string;
  /** Pass `--enable-helm` (the kustomization inflates Helm charts). */
  enableHelm: boolean;
  /** Stop the build after this many milliseconds. */
  timeoutMs: number;
}

/**
 * Runs `kustomize build <dir>` (or `kubectl kustomize <dir>`), discarding the
 * rendered manifests and keeping kustomize's error message.
 *
 * @param $ A shell that may run the tool (and helm).
 * @param options The tool, the folder, Helm and the timeout.
 * @returns Whether it built, and kustomize's message when not.
 */
export async function buildKustomization($: Shell, options: BuildOptions): Promise<BuildOutcome> {
  const started = performance.now();
  const args = options.binary === "kustomize" ? ["build", options.dir] : ["kustomize", options.dir];
  if (options.enableHelm) args.push("--enable-helm");
  const result = await $`${options.binary} ${args}`
    .env(GO_TUNING)
    .stdout("null")
    .stderr("piped")
    .noThrow()
    .timeout(options.timeoutMs);
  const ms = performance.now() - started;
  const timedOut = stoppedByTimeout(result.code, ms, options.timeoutMs);
  if (timedOut) {
    return { ok: false, message: `Timed out after ${options.timeoutMs / 1000} s`, timedOut, ms };
  }
  return { ok: result.code === 0, message: result.stderr.trim(), timedOut: false, ms };
}
