import { appendToFile, inGithubActions } from "../ci/mod.ts";
import { writeTextFileAtomic } from "../fs/mod.ts";
import type { TaskContext } from "../task/context.ts";
import { resultsAnnotations, resultsJunit, resultsMarkdown, type TargetResult } from "./results.ts";

/**
 * Writes the reports of a run: the JUnit file when asked for, and in GitHub
 * Actions an `::error` annotation per failure (`ctx.annotate`: on stderr,
 * after the run's `::stop-commands::` block) and a Markdown summary in
 * `$GITHUB_STEP_SUMMARY`.
 *
 * @param ctx The task's context.
 * @param options The suite's title, the results and the JUnit path.
 */
export async function writeReports(
  ctx: TaskContext,
  options: { title: string; results: readonly TargetResult[]; junit?: string | undefined },
): Promise<void> {
  if (options.junit !== undefined) {
    const path = options.junit.startsWith("/") ? options.junit : `${ctx.root}/${options.junit}`;
    await writeTextFileAtomic(path, resultsJunit(options.title, options.results));
  }
  const env = (name: string) => Deno.env.get(name);
  if (!inGithubActions(env)) return;
  for (const line of resultsAnnotations(options.results)) {
    if (ctx.annotate !== undefined) ctx.annotate(line);
    else ctx.log.info(line);
  }
  const summary = env("GITHUB_STEP_SUMMARY");
  if (summary) await appendToFile(summary, resultsMarkdown(options.title, options.results));
}
