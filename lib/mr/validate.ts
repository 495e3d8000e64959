import { formatIssue } from "../errors/mod.ts";
import type { Target } from "../discovery/mod.ts";
import {
  buildKustomization,
  CACHE_PATH,
  type CacheEntry,
  detectHelm,
  detectKustomize,
  inputsKey,
  kustomizationInputs,
  type KustomizeTool,
  readCache,
  writeCache,
} from "../kustomize/mod.ts";
import type { TaskContext } from "../task/context.ts";
import type { TargetResult } from "./results.ts";

/** Options of {@linkcode validateKustomizations}. */
export interface ValidateOptions {
  /** Builds at a time. */
  jobs: number;
  /** Per-target timeout in milliseconds. */
  timeoutMs: number;
  /** Use and update the content-hash cache. */
  cache: boolean;
  /** Called after each target, e.g. to stop the run on the first failure. */
  onResult?: (result: TargetResult) => void;
}

/** A kustomization validator: the tool found, and a function that checks one target. */
export interface Validator {
  tool: KustomizeTool | undefined;
  helm: string | undefined;
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
  options: Pick<ValidateOptions, "timeoutMs" | "cache">,
): Promise<Validator> {
  const [tool, helm] = await Promise.all([detectKustomize(ctx.$), detectHelm(ctx.$)]);
  const cachePath = `${ctx.root}/${CACHE_PATH}`;
  const cache = options.cache ? await readCache(cachePath) : { version: 1 as const, entries: {} };
  const parsed = new Map();
  let dirty = false;

  async function check(target: Target): Promise<TargetResult> {
    const base = {
      name: target.name,
      path: target.path,
      type: target.type,
      cached: false,
      ms: 0,
      file: target.file,
      tool: tool?.label ?? "none",
    };
    if (tool === undefined) {
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
    if (inputs.helm && helm === undefined) {
      return {
        ...base,
        status: "failed",
        message: [
          "This kustomization inflates Helm charts (helmCharts): it needs --enable-helm and a " +
          "`helm` binary, and no helm is installed. Install helm and run again",
          ...located,
        ].join("\n"),
      };
    }
    const salt = `${tool.label}\n${inputs.helm ? `helm ${helm}` : "no helm"}`;
    const cacheable = options.cache && inputs.remote.length === 0 && located.length === 0;
    const key = cacheable ? await inputsKey(inputs, salt) : "";
    const hit: CacheEntry | undefined = cache.entries[target.path];
    if (cacheable && hit?.key === key) {
      return {
        ...base,
        status: hit.ok ? "passed" : "failed",
        cached: true,
        message: hit.message,
        tool: hit.tool,
      };
    }
    const outcome = await buildKustomization(ctx.$, {
      tool,
      dir,
      enableHelm: inputs.helm,
      timeoutMs: options.timeoutMs,
    });
    const message = outcome.ok ? "" : [...located, outcome.message].filter(Boolean).join("\n");
    if (cacheable && !outcome.timedOut) {
      cache.entries[target.path] = { key, ok: outcome.ok, message, tool: tool.label };
      dirty = true;
    }
    return { ...base, status: outcome.ok ? "passed" : "failed", ms: outcome.ms, message };
  }

  return {
    tool,
    helm,
    check,
    async save() {
      if (options.cache && dirty) await writeCache(cachePath, cache);
    },
  };
}
