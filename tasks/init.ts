import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import type { Shell } from "../lib/task/context.ts";
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import { readTextFileOrNull, writeTextFileAtomic } from "../lib/fs/mod.ts";
import { gitMessage, NON_INTERACTIVE_GIT_ENV } from "../lib/workspace/mod.ts";
import { GIT_USER_FILES } from "../lib/net_env.ts";

/** What `init` did to the workspace's deno.json and its git pre-commit hook. */
export interface InitResult {
  /** deno.json; absent with `--no-deno-json`. */
  file?: string;
  /** `created`, `updated` or `unchanged`. */
  action?: "created" | "updated" | "unchanged";
  /** The tasks as they now are. */
  tasks?: Record<string, string>;
  /** The pre-commit hook, with `--pre-commit-hook`. */
  hook?: HookResult;
}

/** What `init --pre-commit-hook` did. */
export interface HookResult {
  /** The hook file, relative to the workspace root. */
  file: string;
  /**
   * `created`; `updated` (wst's own hook with another command, replaced with `--force`);
   * `unchanged`: wst's hook is there, or the user's own hook already runs `guard --staged`.
   */
  action: "created" | "updated" | "unchanged";
  /** The line that runs the guard. */
  command: string;
}

const FILE = "deno.json";
const HOOK = "pre-commit";

/**
 * The first comment line of the hook wst writes: how `init` knows the hook is its own (and may
 * leave it, or replace it with `--force`) rather than someone else's (which it never touches).
 */
export const HOOK_MARKER = "# Added by `wst init --pre-commit-hook`: wst guard checks each commit.";

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

/**
 * The shell command a pre-commit hook runs: git runs hooks at the top of the work tree, so
 * `$PWD` is the root when the workspace is the repository (`rootInRepo` is `""`), and the root is
 * `$PWD/<rootInRepo>` when the workspace is a folder of it.
 */
export function guardCommand(command: string, rootInRepo = ""): string {
  const root = rootInRepo === "" ? '"$PWD"' : `"$PWD"/'${rootInRepo.replaceAll("'", `'\\''`)}'`;
  return `${command} guard --staged --root ${root}`;
}

/**
 * The pre-commit hook `init` writes. When the command's program is not on
 * the committer's `PATH` (`wst` from a checkout runs through `deno task` or
 * `npm run`), the hook says so and how to fix it, instead of the shell's
 * "wst: not found".
 */
export function hookScript(guard: string): string {
  const program = /^[A-Za-z0-9_./-]+(?=\s)/.exec(guard)?.[0];
  const check = program === undefined ? [] : [
    `if ! command -v ${program} >/dev/null 2>&1; then`,
    `  echo "wst guard did not run: ${program} is not on PATH. Put it there, or rewrite this hook with" >&2`,
    `  echo "the command you run wst with: wst init --pre-commit-hook --force --command '<command>'" >&2`,
    `  echo "(for example 'deno task --cwd /path/to/wst wst'). git commit --no-verify skips the hook once." >&2`,
    "  exit 1",
    "fi",
  ];
  return [
    "#!/bin/sh",
    HOOK_MARKER,
    "# It checks the staged change against the guardrails of ai-gateway.yaml and stops a commit",
    "# that breaks one. Skip it once with `git commit --no-verify`; remove it by deleting this file.",
    ...check,
    `exec ${guard}`,
    "",
  ].join("\n");
}

/** The deno.json text `init` writes, or null when nothing changes; throws on a clash. */
async function planDenoJson(
  root: string,
  a: { command: string; force: boolean },
): Promise<{ result: Required<Pick<InitResult, "file" | "action" | "tasks">>; text?: string }> {
  const text = await readTextFileOrNull(`${root}/${FILE}`) ?? undefined;
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
    throw new ConfigError([{ file: FILE, path: "tasks", message: "Expected an object of tasks" }]);
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
  const tasks = { ...existing, ...wanted } as Record<string, string>;
  const unchanged = text !== undefined && clashes.length === 0 &&
    Object.keys(wanted).every((n) => existing[n] !== undefined);
  if (unchanged) return { result: { file: FILE, action: "unchanged", tasks } };
  return {
    result: { file: FILE, action: text === undefined ? "created" : "updated", tasks },
    text: JSON.stringify({ ...config, tasks }, null, 2) + "\n",
  };
}

/** Runs git for `rev-parse` only: never interactively, hooks settings as the repository has them. */
async function gitRevParse($: Shell, cwd: string, ...args: string[]) {
  // Not lib/workspace's git(): it sets core.hooksPath=/dev/null, the one setting read here.
  const out = await $`git ${["-c", "core.fsmonitor=false", "rev-parse", ...args]}`.cwd(cwd)
    .env(NON_INTERACTIVE_GIT_ENV).stdin("null").stdout("piped").stderr("piped").noThrow();
  return { code: out.code, stdout: out.stdout.trim(), stderr: out.stderr.trim() };
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}

async function realPathOr(path: string): Promise<string> {
  return await Deno.realPath(path).catch(() => path);
}

/**
 * Where the hook goes and what it holds, or null when it is already in place. Finds the hooks
 * folder as git does (`git rev-parse --git-path hooks`: core.hooksPath, linked worktrees), and
 * throws, writing nothing, when the folder is outside the root or a hook there is not wst's.
 */
async function planHook(
  $: Shell,
  root: string,
  a: { command: string; force: boolean },
): Promise<{ result: HookResult; path: string; text?: string }> {
  const found = await gitRevParse(
    $,
    root,
    "--path-format=absolute",
    "--git-path",
    "hooks",
    "--show-toplevel",
  );
  if (found.code !== 0) {
    // A linked worktree or a submodule: `.git` is a file naming a git folder elsewhere, which the
    // sandbox does not show (and init would not write there anyway).
    const link = (await Deno.readTextFile(`${root}/.git`).catch(() => "")).match(/^gitdir: (.+)$/m);
    if (link !== null) {
      throw new UsageError(
        `Cannot install a pre-commit hook: "${root}/.git" points to "${link[1]}" (a linked ` +
          "worktree or a submodule), outside the workspace root, and init writes only inside " +
          `the root: add a pre-commit hook to the hooks folder git names (git rev-parse --git-path hooks, run there) that runs: ${
            guardCommand(a.command, "")
          } || exit $?`,
      );
    }
    throw new UsageError(
      `Cannot install a pre-commit hook: "${root}" is not in a git work tree (${
        gitMessage(found)
      })`,
    );
  }
  const [hooksDir = "", top = ""] = found.stdout.split("\n");
  const realRoot = await realPathOr(root);
  const realTop = await realPathOr(top);
  const rootInRepo = within(realRoot, realTop) ? realRoot.slice(realTop.length + 1) : "";
  const guard = guardCommand(a.command, rootInRepo);
  const realHooks = `${await realPathOr(hooksDir.slice(0, hooksDir.lastIndexOf("/")))}${
    hooksDir.slice(hooksDir.lastIndexOf("/"))
  }`;
  if (!within(realHooks, realRoot)) {
    throw new UsageError(
      `The hooks folder "${hooksDir}" is outside the workspace root "${root}" ` +
        "(core.hooksPath, a linked worktree or a repository above the root), and init writes only " +
        `inside the root: add a pre-commit hook there yourself that runs: ${guard} || exit $?`,
    );
  }
  // Written through the root as the task was given it (its permissions name that path).
  const folder = realHooks === realRoot ? "" : `${realHooks.slice(realRoot.length + 1)}/`;
  const file = `${folder}${HOOK}`;
  const path = `${root}/${file}`;
  const existing = await Deno.lstat(path).then(() => true, () => false);
  const text = hookScript(guard);
  if (!existing) return { result: { file, action: "created", command: guard }, path, text };
  const current = await Deno.readTextFile(path).catch(() => "");
  const lines = current.split("\n").map((l) => l.trim());
  if (lines.includes(HOOK_MARKER)) {
    if (current === text) return { result: { file, action: "unchanged", command: guard }, path };
    if (!a.force) {
      throw new UsageError(
        `${file} is wst's hook with another command: run again with --force to replace it`,
      );
    }
    return { result: { file, action: "updated", command: guard }, path, text };
  }
  // Someone else's hook: never written. One that already runs the guard is fine as it is.
  if (lines.some((l) => !l.startsWith("#") && l.includes(`${a.command} guard --staged`))) {
    return { result: { file, action: "unchanged", command: guard }, path };
  }
  throw new UsageError(
    `${file} is not wst's (it has no "${HOOK_MARKER}" line) and was left as it is: ` +
      `to check each commit with wst guard, add this line to it: ${guard} || exit $?`,
  );
}

export default defineTask({
  name: "init",
  description:
    "Add wst's tasks (test:mr:all …) to deno.json; --pre-commit-hook: a wst guard git hook",
  args: z.object({
    command: z._default(z.string().check(z.minLength(1)), "wst").check(
      z.describe(
        "How the workspace runs wst, e.g. `wst` (the compiled binary on PATH) or " +
          "`deno run -A --no-prompt --unstable-worker-options ../wst/cli.ts`",
      ),
    ),
    force: z._default(z.boolean(), false).check(
      z.describe("Replace tasks of the same name that differ, and wst's own hook (never another)"),
    ),
    preCommitHook: z._default(z.boolean(), false).check(
      z.describe(
        "Also install a git pre-commit hook that runs `<command> guard --staged`; " +
          "an existing hook that is not wst's is left as it is, and init fails saying what to add",
      ),
    ),
    denoJson: z._default(z.boolean(), true).check(
      z.describe("Add the tasks to deno.json (--no-deno-json: only the hook)"),
    ),
  }),
  permissions: (a) => {
    const denoJson = a.denoJson ? [FILE, `${FILE}.tmp`] : [];
    if (!a.preCommitHook) return { read: denoJson, write: denoJson };
    // git finds the hooks folder (it reads the repository's and the user's config: core.hooksPath
    // may name any folder of the repository). Naming .git/hooks makes it writable where the run
    // is confined (the root's .git stays read-only otherwise).
    return {
      read: [...denoJson, ".", ...GIT_USER_FILES],
      write: [...denoJson, ".", ".git/hooks"],
      run: ["git"],
      env: ["HOME"],
    };
  },
  async run(ctx, a): Promise<InitResult> {
    if (!a.denoJson && !a.preCommitHook) {
      throw new UsageError("Nothing to do: --no-deno-json needs --pre-commit-hook");
    }
    // Both are checked before either is written: a clash leaves everything as it was.
    const denoJson = a.denoJson ? await planDenoJson(ctx.root, a) : undefined;
    const hook = a.preCommitHook ? await planHook(ctx.$, ctx.root, a) : undefined;
    if (denoJson?.text !== undefined) {
      await writeTextFileAtomic(`${ctx.root}/${FILE}`, denoJson.text);
    }
    if (hook?.text !== undefined) {
      await Deno.mkdir(hook.path.slice(0, hook.path.lastIndexOf("/")), { recursive: true });
      await writeTextFileAtomic(hook.path, hook.text);
      if (Deno.build.os !== "windows") await Deno.chmod(hook.path, 0o755);
    }
    return { ...denoJson?.result, ...(hook ? { hook: hook.result } : {}) };
  },
  render: (r) => {
    const lines: string[] = [];
    if (r.file !== undefined) {
      lines.push(
        `${
          r.action === "unchanged"
            ? "Nothing to do:"
            : r.action === "created"
            ? "Created"
            : "Updated"
        } ${r.file}`,
      );
    }
    if (r.hook) {
      const { action, file, command } = r.hook;
      lines.push(
        action === "unchanged"
          ? `The pre-commit hook ${file} already runs the guard`
          : `${action === "created" ? "Installed" : "Replaced"} the pre-commit hook ${file}: ` +
            `each commit runs ${command}`,
      );
      // The hook finds its program on the committer's PATH at each commit, not now.
      if (action !== "unchanged") {
        lines.push(
          `(${command.split(" ")[0]} must be on PATH when you commit; --command names another ` +
            "way to run wst, e.g. 'npm --prefix <wst checkout> run --silent wst --')",
        );
      }
    }
    if (r.file !== undefined) {
      lines.push("Run the merge-request checks with: deno task test:mr:all");
    }
    return lines.join("\n");
  },
});
