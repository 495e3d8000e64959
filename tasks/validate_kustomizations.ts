import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import { discoverTargets } from "../lib/discovery/mod.ts";
import { ConfigError } from "../lib/errors/mod.ts";
import {
  createValidator,
  jobsOf,
  renderResults,
  RUN_ENV,
  runFlags,
  runPool,
  runWrites,
  selectTarget,
  skippedResult,
  type TargetResult,
  type Totals,
  totals,
  writeReports,
} from "../lib/mr/mod.ts";

/** The result of validate-kustomizations. */
export interface ValidateKustomizationsResult {
  /** The kustomize that built the targets (`none` when there were none). */
  tool: string;
  results: TargetResult[];
  totals: Totals;
}

export default defineTask({
  name: "validate-kustomizations",
  description: "Build every kustomization target with kustomize (or kubectl kustomize)",
  args: z.object(runFlags),
  permissions: (a) => ({
    read: ["."],
    write: runWrites(a),
    run: ["kustomize", "kubectl", "helm"],
    env: [...RUN_ENV],
    // kustomize fetches remote bases and helm charts from hosts the kustomizations name.
    net: ["*"],
  }),
  async run(ctx, a): Promise<ValidateKustomizationsResult> {
    const discovery = selectTarget(discoverTargets(ctx.root), a.target);
    if (discovery.problems.length > 0) throw new ConfigError(discovery.problems);
    const targets = discovery.targets.filter((t) => t.type === "kustomization");
    const validator = await createValidator(ctx, { timeoutMs: a.timeout * 1000, cache: a.cache });
    const progress = ctx.log.progress("validating", targets.length);
    const results = (await runPool(targets, {
      jobs: jobsOf(a),
      signal: ctx.signal,
      work: async (target, _i, stop) => {
        const result = await validator.check(target);
        progress.tick(`${result.status === "failed" ? "FAIL" : "ok"} ${target.name}`);
        if (result.status === "failed" && a.failFast) stop();
        return result;
      },
    })).map((r, i) => r ?? skippedResult(targets[i]!));
    progress.done();
    await validator.save();
    await writeReports(ctx, { title: "Kustomization validation", results, junit: a.junit });
    // From the results (cached ones carry the label they were made with): a run where every
    // target is cached starts no process to ask kustomize's version.
    const tool = results.find((r) => r.tool !== "")?.tool ?? "none";
    return { tool, results, totals: totals(results) };
  },
  render: (result) => renderResults(result.results),
  failed: (result) => result.totals.failed > 0,
});
