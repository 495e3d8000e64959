import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import { readTextFileOrNull, writeTextFileAtomic } from "../lib/fs/mod.ts";

/** What `init` did to the workspace's deno.json. */
export interface InitResult {
  file: string;
  /** `created`, `updated` or `unchanged`. */
  action: "created" | "updated" | "unchanged";
  /** The tasks as they now are. */
  tasks: Record<string, string>;
}

const FILE = "deno.json";

/** The workspace tasks `init` adds, given the command that runs wst. */
export function workspaceTasks(command: string): Record<string, string> {
  // deno task runs in the folder of deno.json (its $PWD), and sets INIT_CWD to the caller's
  // folder, against which wst resolves a relative --root: `--root "$PWD"` pins the root to the
  // workspace from any folder below it.
  return {
    "wst": command,
    "test:mr:all": `${command} test-mr-all --root "$PWD"`,
    "test:mr:discover": `${command} discover-mr-targets --root "$PWD"`,
    "validate:kustomizations": `${command} validate-kustomizations --root "$PWD"`,
  };
}

export default defineTask({
  name: "init",
  description: "Add wst's tasks (test:mr:all …) to the workspace's deno.json",
  args: z.object({
    command: z._default(z.string().check(z.minLength(1)), "wst").check(
      z.describe(
        "How the workspace runs wst, e.g. `wst` (the compiled binary on PATH) or " +
          "`deno run -A --no-prompt --unstable-worker-options ../wst/cli.ts`",
      ),
    ),
    force: z._default(z.boolean(), false).check(
      z.describe("Replace tasks of the same name that differ"),
    ),
  }),
  permissions: { read: [FILE, `${FILE}.tmp`], write: [FILE, `${FILE}.tmp`] },
  async run(ctx, a): Promise<InitResult> {
    const path = `${ctx.root}/${FILE}`;
    const text = await readTextFileOrNull(path) ?? undefined;
    let config: Record<string, unknown> = {};
    if (text !== undefined) {
      try {
        config = JSON.parse(text);
      } catch (err) {
        throw new ConfigError([{
          file: FILE,
          path: "",
          message: `Cannot parse it as JSON (${
            err instanceof Error ? err.message : err
          }): if it has comments, add the tasks by hand`,
        }]);
      }
      if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new ConfigError([{ file: FILE, path: "", message: "Expected a JSON object" }]);
      }
    }
    const existing = (config.tasks ?? {}) as Record<string, unknown>;
    if (typeof existing !== "object" || Array.isArray(existing)) {
      throw new ConfigError([{
        file: FILE,
        path: "tasks",
        message: "Expected an object of tasks",
      }]);
    }
    const wanted = workspaceTasks(a.command);
    const clashes = Object.entries(wanted).filter(([name, cmd]) =>
      existing[name] !== undefined && JSON.stringify(existing[name]) !== JSON.stringify(cmd)
    );
    if (clashes.length > 0 && !a.force) {
      throw new UsageError(
        `${FILE} already has different ${
          clashes.map(([n]) => JSON.stringify(n)).join(", ")
        } task(s): run again with --force to replace them`,
      );
    }
    const tasks = { ...existing, ...wanted };
    const unchanged = text !== undefined && clashes.length === 0 &&
      Object.keys(wanted).every((n) => existing[n] !== undefined);
    if (unchanged) {
      return { file: FILE, action: "unchanged", tasks: tasks as Record<string, string> };
    }
    const next = JSON.stringify({ ...config, tasks }, null, 2) + "\n";
    await writeTextFileAtomic(path, next);
    return {
      file: FILE,
      action: text === undefined ? "created" : "updated",
      tasks: tasks as Record<string, string>,
    };
  },
  render: (r) =>
    `${
      r.action === "unchanged" ? "Nothing to do:" : r.action === "created" ? "Created" : "Updated"
    } ${r.file}\n` +
    `Run the merge-request checks with: deno task test:mr:all`,
});
