// Real git repositories for tests: bare "remotes" on disk reached through file:// URLs.
import { assertEquals } from "./assert.ts";
import type { TempWorkspace } from "./_cli.ts";

/** Runs git in `cwd` with a test identity; returns its trimmed stdout, failing the test on error. */
export async function sh(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: [
      "-c",
      "user.email=t@example.com",
      "-c",
      "user.name=t",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assertEquals(out.code, 0, `git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

/** A bare remote with one commit on main, and a helper to push more commits to it. */
/** A remote on disk: its URL, and a way to push a new commit to it. */
export interface TestRemote {
  url: string;
  /** Commits a new file on main and pushes it; returns the new commit's hash. */
  commit(file: string): Promise<string>;
}

export async function remote(base: TempWorkspace, name: string): Promise<TestRemote> {
  const bare = `${base.dir}/remotes/${name}.git`;
  const seed = `${base.dir}/seeds/${name}`;
  await Deno.mkdir(bare, { recursive: true });
  await Deno.mkdir(seed, { recursive: true });
  await sh(bare, "init", "--quiet", "--bare");
  await sh(seed, "init", "--quiet");
  await Deno.writeTextFile(`${seed}/README.md`, `# ${name}\n`);
  await sh(seed, "add", "-A");
  await sh(seed, "commit", "--quiet", "-m", "first");
  await sh(seed, "push", "--quiet", bare, "main");
  return {
    url: `file://${bare}`,
    async commit(file: string) {
      await Deno.writeTextFile(`${seed}/${file}`, `${file}\n`);
      await sh(seed, "add", "-A");
      await sh(seed, "commit", "--quiet", "-m", file);
      await sh(seed, "push", "--quiet", bare, "main");
      return await sh(seed, "rev-parse", "HEAD");
    },
  };
}
