import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import {
  affectedTargets,
  changedPaths,
  discoverTargets,
  type Discovery,
  type TargetType,
} from "../lib/discovery/mod.ts";
import { appendToFile, formatOutputs, GITHUB_MATRIX_LIMIT } from "../lib/ci/mod.ts";
import { ConfigError } from "../lib/errors/mod.ts";
import { table } from "../lib/reporter/table.ts";

/** The GitHub Actions matrix: `{"include":[{"name","path","type"}]}`. */
export interface MrMatrix {
  include: Array<{ name: string; path: string; type: TargetType }>;
}

const args = z.object({
  changedSince: z.optional(z.string().check(z.minLength(1))).check(
    z.describe("Only targets affected by changes between this git ref and the working tree"),
  ),
  githubOutput: z._default(z.boolean(), false).check(
    z.describe("Also write matrix= and count= to $GITHUB_OUTPUT"),
  ),
});

export default defineTask({
  name: "discover-mr-targets",
  description: "Find merge-request targets (test:mr Taskfiles, kustomizations) as a CI matrix",
  args,
  permissions: (a) => ({
    read: ["."],
    run: a.changedSince === undefined ? [] : ["git"],
    env: a.githubOutput ? ["GITHUB_OUTPUT"] : [],
    write: a.githubOutput ? ["$GITHUB_OUTPUT"] : [],
  }),
  async run(ctx, a): Promise<MrMatrix> {
    let discovery: Discovery = discoverTargets(ctx.root);
    if (a.changedSince !== undefined) {
      const changed = await changedPaths(ctx.$, { root: ctx.root, ref: a.changedSince });
      ctx.log.debug(`${changed.length} path(s) changed since ${a.changedSince}`);
      discovery = affectedTargets(ctx.root, discovery, changed);
    }
    if (discovery.problems.length > 0) throw new ConfigError(discovery.problems);
    const matrix: MrMatrix = {
      include: discovery.targets.map(({ name, path, type }) => ({ name, path, type })),
    };
    if (matrix.include.length > GITHUB_MATRIX_LIMIT) {
      ctx.log.warn(
        `${matrix.include.length} targets: a GitHub Actions matrix runs at most ${GITHUB_MATRIX_LIMIT} jobs; ` +
          "split the work with test-mr-all --shard i/n",
      );
    }
    if (a.githubOutput) {
      const file = Deno.env.get("GITHUB_OUTPUT");
      if (file === undefined || file === "") {
        throw new ConfigError([{
          file: "$GITHUB_OUTPUT",
          path: "",
          message: "--github-output needs the GITHUB_OUTPUT env var (set by GitHub Actions)",
        }]);
      }
      await appendToFile(
        file,
        formatOutputs({
          matrix: JSON.stringify(matrix),
          count: String(matrix.include.length),
        }),
      );
    }
    return matrix;
  },
  render(matrix) {
    if (matrix.include.length === 0) return "No merge-request targets found";
    const rows = matrix.include.map((t) => [t.name, t.type, t.path]);
    const kinds = (type: TargetType) => matrix.include.filter((t) => t.type === type).length;
    return `${table(["NAME", "TYPE", "PATH"], rows)}\n\n${matrix.include.length} target(s): ${
      kinds("taskfile")
    } taskfile, ${kinds("kustomization")} kustomization`;
  },
});
