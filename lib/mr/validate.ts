import { formatIssue } from "../errors/mod.ts";
import type { Target } from "../discovery/mod.ts";
import {
  binaryStamp,
  buildKustomization,
  CACHE_PATH,
  type CacheEntry,
  detectHelm,
  detectKustomize,
  type InputsCache,
  inputsKey,
  kustomizationInputs,
  kustomizeBinary,
  type KustomizeTool,
  readCache,
  writeCache,
} from "../kustomize/mod.ts";
import type { TaskContext } from "../task/context.ts";
import type { TargetResult } from "./results.ts";

/** Options of {@linkcode createValidator}. */
export interface ValidateOptions {
  /** Per-target timeout in milliseconds. */
  timeoutMs: number;
  /** Use and update the content-hash cache. */
  cache: boolean;
}

/** A kustomization validator: checks one target at a time, then saves its cache. */
export interface Validator {
  /** Checks one kustomization target. */
  check(target: Target): Promise<TargetResult>;
  /** Writes the cache back (atomically). */
  save(): Promise<void>;
}

/**
 * Prepares kustomization validation: finds kustomize (or kubectl) and Helm,
 * and reads the cache. Each `check` follows the target's references, looks
 * its inputs' hash up in the cache, and otherwise runs the build.
 *
 * @param ctx The task's context (shell, root, log).
 * @param options Timeout and cache use.
 * @returns The validator.
 */
export async function createValidator(
  ctx: TaskContext,
  options: ValidateOptions,
): Promise<Validator> {
  // Builds start as soon as the binary is known; its version (for the results' labels) is
  // asked for once, while the first build runs, and Helm's only when a target needs Helm.
  const binary = await kustomizeBinary(ctx.$);
  let detected: Promise<KustomizeTool | undefined> | undefined;
  const toolPromise = () => (detected ??= detectKustomize(ctx.$, binary));
  // The binary's identity (path, size, mtime) stands for its version in cache keys, so a run
  // where every target is cached starts no process at all.
  const stamp = binary === undefined ? "" : `${binary} ${binaryStamp(binary) ?? "unknown"}`;
  let helmPromise: Promise<string | undefined> | undefined;
  const helmVersion = () => (helmPromise ??= detectHelm(ctx.$));
  const cachePath = `${ctx.root}/${CACHE_PATH}`;
  const cache = options.cache ? await readCache(cachePath) : { version: 1 as const, entries: {} };
  const parsed: InputsCache = new Map();
  let dirty = false;

  async function check(target: Target): Promise<TargetResult> {
    const base = {
      name: target.name,
      path: target.path,
      type: target.type,
      cached: false,
      ms: 0,
      file: target.file,
      tool: binary ?? "none",
    };
    if (binary === undefined) {
      return {
        ...base,
        status: "failed",
        message:
          "Cannot validate: neither kustomize nor kubectl is installed (install one of them)",
      };
    }
    const dir = target.path === "." ? ctx.root : `${ctx.root}/${target.path}`;
    const inputs = kustomizationInputs(dir, { root: ctx.root, cache: parsed });
    const located = inputs.problems.map(formatIssue);
    const helm = inputs.helm ? await helmVersion() : undefined;
    if (inputs.helm && helm === undefined) {
      return {
        ...base,
        status: "failed",
        message: [
          "This kustomization inflates Helm charts (helmCharts): it needs --enable-helm and a " +
          "`helm` binary, and no helm is installed. Install helm and run again",
          ...inputs.helmSources.map((where) => `Helm charts at ${where}`),
          ...located,
        ].join("\n"),
      };
    }
    const cacheable = options.cache && inputs.remote.length === 0 && located.length === 0;
    const keyFor = async () => {
      const hash = await inputsKey(inputs, "");
      return `${stamp}\n${inputs.helm ? `helm ${helm}` : "no helm"}\n${hash}`;
    };
    const keyPromise = cacheable ? keyFor() : Promise.resolve("");
    const hit: CacheEntry | undefined = cache.entries[target.path];
    // Without an entry the build starts at once; the key is computed meanwhile.
    if (cacheable && hit !== undefined && hit.key === await keyPromise) {
      return {
        ...base,
        status: hit.ok ? "passed" : "failed",
        cached: true,
        message: hit.message,
        tool: hit.tool,
      };
    }
    const outcome = await buildKustomization(ctx.$, {
      binary,
      dir,
      enableHelm: inputs.helm,
      timeoutMs: options.timeoutMs,
    });
    const message = outcome.ok ? "" : [...located, outcome.message].filter(Boolean).join("\n");
    const key = await keyPromise;
    const label = (await toolPromise())?.label ?? binary;
    if (cacheable && !outcome.timedOut) {
      cache.entries[target.path] = { key, ok: outcome.ok, message, tool: label };
      dirty = true;
    }
    return {
      ...base,
      tool: label,
      status: outcome.ok ? "passed" : "failed",
      ms: outcome.ms,
      message,
    };
  }

  return {
    check,
    async save() {
      if (options.cache && dirty) await writeCache(cachePath, cache);
    },
  };
}
