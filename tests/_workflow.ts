// Helpers for the workflow tests (templates_test.ts, release_test.ts): read the workflows and the
// dev container, and run their scripts as GitHub runs them, with a stand-in curl.
import { parse } from "yaml";
import { assert } from "./assert.ts";

/** The CI template. */
export const WORKFLOW = new URL("../templates/github/mr-checks.yml", import.meta.url);
/** The project's release workflow. */
export const RELEASE = new URL("../.github/workflows/release.yml", import.meta.url);
/** The workspace dev container template (JSON with comments). */
export const DEVCONTAINER = new URL("../templates/devcontainer/devcontainer.json", import.meta.url);

export interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
export interface Job {
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: unknown };
  steps: Step[];
}

export interface Workflow {
  on: unknown;
  permissions?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job & { "runs-on": string; permissions?: unknown }>;
}

export async function readWorkflow(url: URL): Promise<Workflow> {
  return parse(await Deno.readTextFile(url)) as Workflow;
}

export async function devcontainerCommand(): Promise<
  { command: string; env: Record<string, string> }
> {
  const json = JSON.parse((await Deno.readTextFile(DEVCONTAINER)).replace(/^\s*\/\/.*$/gm, ""));
  return { command: json.postCreateCommand, env: json.containerEnv };
}

/** Every shell script of both workflows and the dev container, named for failure messages. */
export async function scripts(): Promise<[string, string][]> {
  const all: [string, string][] = [];
  for (const url of [WORKFLOW, RELEASE]) {
    const file = url.pathname.split("/").slice(-2).join("/");
    for (const [id, job] of Object.entries((await readWorkflow(url)).jobs)) {
      for (const [i, step] of job.steps.entries()) {
        if (step.run) {
          all.push([`${file} ${id} step ${i + 1} (${step.name ?? "unnamed"})`, step.run]);
        }
      }
    }
  }
  all.push(["devcontainer.json postCreateCommand", (await devcontainerCommand()).command]);
  return all;
}

export function findStep(workflow: Workflow, job: string, name: string): Step {
  const step = workflow.jobs[job]?.steps.find((s) => s.name?.startsWith(name));
  assert(step?.run, `no step "${name}" with a script in job "${job}"`);
  return step;
}

/**
 * Runs a workflow script as GitHub runs `shell: bash` (`bash --noprofile --norc -eo pipefail`),
 * with `curl` replaced by a stand-in that logs the URL and writes `serve` to the `-o` file.
 */
export async function runScript(
  script: string,
  options: { cwd: string; env: Record<string, string>; serve?: string },
): Promise<{ code: number; output: string; downloads: string[] }> {
  const fakeBin = await Deno.makeTempDir({ prefix: "wst-fake-curl-" });
  const log = `${fakeBin}/curl.log`;
  await Deno.writeTextFile(log, "");
  await Deno.writeTextFile(
    `${fakeBin}/curl`,
    `#!/bin/sh
out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in -o) out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac
done
echo "$url" >> "${log}"
cp "${options.serve ?? "/dev/null"}" "$out"
`,
    { mode: 0o755 },
  );
  // A stand-in sudo: the scripts' package installs (bubblewrap) do nothing here.
  await Deno.writeTextFile(`${fakeBin}/sudo`, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  try {
    const out = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
      cwd: options.cwd,
      env: { PATH: `${fakeBin}:${Deno.env.get("PATH")}`, HOME: options.cwd, ...options.env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const downloads = (await Deno.readTextFile(log)).split("\n").filter(Boolean);
    return { code: out.code, output, downloads };
  } finally {
    await Deno.remove(fakeBin, { recursive: true });
  }
}

export async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
