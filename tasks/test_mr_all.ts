import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import type { TaskContext } from "../lib/task/context.ts";
import { stoppedByTimeout } from "../lib/task/timeout.ts";
import { discoverTargets, type Target, TEST_MR_TASK } from "../lib/discovery/mod.ts";
import { ConfigError } from "../lib/errors/mod.ts";
import {
  createValidator,
  jobsOf,
  parseShard,
  renderResults,
  RUN_ENV,
  runFlags,
  runPool,
  runWrites,
  selectTarget,
  shardItems,
  skippedResult,
  type TargetResult,
  type Totals,
  totals,
  writeReports,
} from "../lib/mr/mod.ts";

/** The result of test-mr-all. */
export interface TestMrAllResult {
  /** `i/n` when sharded. */
  shard: string | null;
  results: TargetResult[];
  totals: Totals;
}

const args = z.object({
  ...runFlags,
  shard: z.optional(z.string()).check(
    z.describe("Run shard i of n (e.g. 2/4): n CI runners split the targets without overlap"),
  ),
  passEnv: z.optional(z.string()).check(
    z.describe("Comma-separated env vars the test:mr commands may see (besides PATH and HOME)"),
  ),
});

/** Env var names from `--pass-env`. */
function passed(a: { passEnv?: string | undefined }): string[] {
  return (a.passEnv ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export default defineTask({
  name: "test-mr-all",
  description: "Run every merge-request target: test:mr Taskfiles and kustomization builds",
  args,
  permissions: (a) => ({
    read: ["."],
    write: runWrites(a),
    run: ["task", "kustomize", "kubectl", "helm"],
    env: [...RUN_ENV, ...passed(a)],
    tasks: [TYPED_TEST_MR],
  }),
  async run(ctx, a): Promise<TestMrAllResult> {
    const shard = a.shard === undefined ? undefined : parseShard(a.shard);
    const discovery = selectTarget(discoverTargets(ctx.root), a.target);
    if (discovery.problems.length > 0) throw new ConfigError(discovery.problems);
    const targets = shard ? shardItems(discovery.targets, shard) : discovery.targets;
    if (shard) {
      ctx.log.info(
        `shard ${shard.index}/${shard.count}: ${targets.length} of ${discovery.targets.length} target(s)`,
      );
    }
    const needsKustomize = targets.some((t) => t.type === "kustomization");
    const validator = needsKustomize
      ? await createValidator(ctx, { timeoutMs: a.timeout * 1000, cache: a.cache })
      : undefined;
    const progress = ctx.log.progress("testing", targets.length);
    const results = (await runPool(targets, {
      jobs: jobsOf(a),
      signal: ctx.signal,
      work: async (target, _i, stop) => {
        const result = target.type === "kustomization"
          ? await validator!.check(target)
          : await hasTypedTestMr(ctx, target)
          ? await runTypedTarget(ctx, target)
          : await runTaskfileTarget(ctx, target, { timeoutMs: a.timeout * 1000 });
        progress.tick(`${result.status === "failed" ? "FAIL" : "ok"} ${target.name}`);
        if (result.status === "failed" && a.failFast) stop();
        return result;
      },
    })).map((r, i) => r ?? skippedResult(targets[i]!));
    progress.done();
    await validator?.save();
    await writeReports(ctx, { title: "Merge-request checks", results, junit: a.junit });
    return { shard: a.shard ?? null, results, totals: totals(results) };
  },
  render: (result) => renderResults(result.results),
  failed: (result) => result.totals.failed > 0,
});

/** The task a target's own typed `test:mr` module defines, in `<target>/.wst/tasks/test_mr.ts`. */
export const TYPED_TEST_MR = "test-mr";
const TYPED_TEST_MR_FILE = ".wst/tasks/test_mr.ts";

async function hasTypedTestMr(ctx: TaskContext, target: Target): Promise<boolean> {
  try {
    return (await Deno.stat(`${ctx.root}/${target.path}/${TYPED_TEST_MR_FILE}`)).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/**
 * Runs a target's typed `test-mr` task module (instead of go-task) in its own
 * sandbox, with the permissions it declares and the target's folder as root.
 */
async function runTypedTarget(ctx: TaskContext, target: Target): Promise<TargetResult> {
  const base = {
    name: target.name,
    path: target.path,
    type: target.type,
    cached: false,
    file: `${target.path === "." ? "" : `${target.path}/`}${TYPED_TEST_MR_FILE}`,
    tool: "wst",
  };
  const started = performance.now();
  try {
    const result = await ctx.runTask(TYPED_TEST_MR, { root: target.path });
    return {
      ...base,
      status: result.failed ? "failed" : "passed",
      ms: performance.now() - started,
      message: result.failed ? result.text : "",
    };
  } catch (err) {
    return {
      ...base,
      status: "failed",
      ms: performance.now() - started,
      message: err instanceof Error ? err.message : String(err),
    };
  }
}

/**
 * Runs a taskfile target's `test:mr` with go-task (`task test:mr` in the
 * target's folder), printing its output as one block, each line prefixed with
 * the target's name. (No `::group::` in GitHub Actions: a task's output runs
 * inside `::stop-commands::`, where the runner folds nothing.)
 */
async function runTaskfileTarget(
  ctx: TaskContext,
  target: Target,
  options: { timeoutMs: number },
): Promise<TargetResult> {
  const base = {
    name: target.name,
    path: target.path,
    type: target.type,
    cached: false,
    file: target.file,
    tool: "task",
  };
  const dir = target.path === "." ? ctx.root : `${ctx.root}/${target.path}`;
  const started = performance.now();
  const out = await ctx.$`task ${TEST_MR_TASK}`
    .cwd(dir)
    .stdout("piped")
    .stderr("piped")
    .noThrow()
    .timeout(options.timeoutMs);
  const ms = performance.now() - started;
  if (out.code === 127 && /command not found/.test(out.stderr)) {
    return {
      ...base,
      status: "failed",
      ms,
      message: `Cannot run ${TEST_MR_TASK} of target "${target.name}" (${target.path}): ` +
        "go-task's `task` binary is not installed (https://taskfile.dev/installation)",
    };
  }
  const text = `${out.stdout}${out.stderr}`.trimEnd();
  if (text !== "") {
    ctx.log.info(text.split("\n").map((line) => `[${target.name}] ${line}`).join("\n"));
  }
  const timedOut = stoppedByTimeout(out.code, ms, options.timeoutMs);
  return {
    ...base,
    status: out.code === 0 ? "passed" : "failed",
    ms,
    message: out.code === 0
      ? ""
      : timedOut
      ? `Timed out after ${options.timeoutMs / 1000} s`
      : `task ${TEST_MR_TASK} exited with code ${out.code}${
        out.stderr.trim() ? `:\n${out.stderr.trim()}` : ""
      }`,
  };
}
