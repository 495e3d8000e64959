import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import { table } from "../lib/reporter/table.ts";
import { writeTextFileAtomic } from "../lib/fs/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import {
  checkTool,
  configuredTools,
  installBinary,
  installPackages,
  type LockedTool,
  pinFor,
  readLock,
  resolveDownload,
  TOOLS_LOCK,
} from "../lib/tools/mod.ts";
import { loadWorkspaces, WORKSPACES_FILE } from "../lib/workspace/mod.ts";
import { NETWORK_ENV, NETWORK_FILES } from "../lib/net_env.ts";

/** What install-tools did (or, with --dry-run, would do) for one tool. */
export interface InstallEntry {
  name: string;
  installer: string;
  /** present (nothing to do), planned (dry run), installed, failed. */
  status: "present" | "planned" | "installed" | "failed";
  /** The command or download, or why it failed. */
  detail: string;
}

const DEFAULT_BIN_DIR = "$HOME/.local/bin";
const DOWNLOADS = ".wst/downloads";
/**
 * Where npm, pipx and go install and cache what they install: a confined run
 * (docs/adr/0009) shows the installers only what is declared. Not apt's
 * folders: apt installs system-wide, which a confined run cannot do.
 * Folders (the trailing `/`): a confined run makes one that is missing, and
 * binds it alone, never the home folder above it.
 */
const INSTALLER_DIRS = [
  "$HOME/.npm/",
  "$NPM_CONFIG_PREFIX/",
  "$npm_config_prefix/",
  "$HOME/.local/",
  "$GOPATH/",
  "$HOME/go/",
  "$HOME/.cache/go-build/",
  "$HOME/.cache/pip/",
];

/** A path as a folder to write in (`binDir`): made when missing (see `INSTALLER_DIRS`). */
const asFolder = (path: string) => path.endsWith("/") ? path : `${path}/`;

export default defineTask({
  name: "install-tools",
  description: "Install the missing development_tools (apt, npm, pipx, go, verified downloads)",
  args: z.object({
    dryRun: z._default(z.boolean(), false).check(z.describe("Print the plan; change nothing")),
    locked: z._default(z.boolean(), false).check(
      z.describe(`Refuse to add or change pins in ${TOOLS_LOCK} (CI, dev containers)`),
    ),
    binDir: z.optional(z.string().check(z.minLength(1))).check(
      z.describe(
        `Where downloaded binaries go (default: ${DEFAULT_BIN_DIR}); it should be on PATH`,
      ),
      z.meta({ format: "path" }),
    ),
    tool: z.optional(z.string().check(z.minLength(1))).check(z.describe("Only this tool")),
  }),
  permissions: (a) => ({
    read: [
      WORKSPACES_FILE,
      TOOLS_LOCK,
      DOWNLOADS,
      a.binDir ?? DEFAULT_BIN_DIR,
      ...INSTALLER_DIRS,
      ...NETWORK_FILES,
    ],
    write: [
      TOOLS_LOCK,
      `${TOOLS_LOCK}.tmp`,
      DOWNLOADS,
      asFolder(a.binDir ?? DEFAULT_BIN_DIR),
      ...INSTALLER_DIRS,
    ],
    run: ["sh", "apt-get", "sudo", "npm", "pipx", "go", "curl", "tar"],
    env: [
      "PATH",
      "HOME",
      "NPM_CONFIG_PREFIX",
      "npm_config_prefix",
      "GOPATH",
      "GOBIN",
      ...NETWORK_ENV,
    ],
    // Package registries, download hosts and proxies: whatever workspaces.yaml names.
    net: ["*"],
  }),
  async run(ctx, a): Promise<{ tools: InstallEntry[]; lockChanged: boolean }> {
    const config = await loadWorkspaces(ctx.root, ctx.log);
    let tools = configuredTools(config);
    if (a.tool !== undefined) {
      tools = tools.filter((t) => t.spec.name === a.tool);
      if (tools.length === 0) {
        throw new UsageError(
          `${JSON.stringify(a.tool)} is not in development_tools of ${WORKSPACES_FILE}`,
        );
      }
    }
    const lock = await readLock(ctx.root);
    const binDir = resolveBinDir(ctx.root, a.binDir ?? DEFAULT_BIN_DIR);
    const checks = await Promise.all(
      tools.map(({ spec, category }) => checkTool(ctx.$, spec, category)),
    );
    const entries: InstallEntry[] = [];
    let lockChanged = false;
    const progress = ctx.log.progress("installing", checks.filter((c) => !c.present).length);
    for (const [i, { spec }] of tools.entries()) {
      const entry = (status: InstallEntry["status"], detail: string) =>
        entries.push({ name: spec.name, installer: spec.installer, status, detail });
      if (checks[i]!.present) {
        entry("present", checks[i]!.path ?? "");
        continue;
      }
      if (spec.installer === "binary") {
        const pinned = lock.tools[spec.name];
        const wanted = pinned ?? (spec.url ? resolveDownload(spec) : undefined);
        if (wanted === undefined) {
          entry(
            "failed",
            `No download known for ${spec.name}: pin it in ${TOOLS_LOCK} (version, url, sha256)`,
          );
          continue;
        }
        let pin: LockedTool | undefined;
        try {
          pin = pinned ?? pinFor(lock, spec.name, wanted, a.locked);
        } catch (err) {
          entry("failed", err instanceof Error ? err.message : String(err));
          continue;
        }
        if (a.dryRun) {
          entry(
            "planned",
            `download ${wanted.url} (${
              pin ? `sha256 ${pin.sha256.slice(0, 12)}…` : `pin on first use in ${TOOLS_LOCK}`
            }) to ${binDir}`,
          );
          continue;
        }
        try {
          const got = await installBinary(ctx.$, {
            spec: pinned ? { ...spec, url: pinned.url, version: pinned.version } : spec,
            pin,
            downloads: `${ctx.root}/${DOWNLOADS}`,
            binDir,
          });
          if (!pin) {
            lock.tools[spec.name] = got;
            lockChanged = true;
          }
          entry("installed", `${got.url} -> ${binDir}/${spec.binary}`);
        } catch (err) {
          entry("failed", err instanceof Error ? err.message : String(err));
        }
      } else {
        const pkg = spec.package ?? spec.name;
        if (a.dryRun) {
          entry("planned", `${spec.installer} install ${pkg}`);
          continue;
        }
        const failure = await installPackages(ctx.$, spec.installer, [pkg]);
        if (failure !== null) entry("failed", failure);
        else {
          const after = await checkTool(ctx.$, spec, tools[i]!.category);
          entry(
            after.present ? "installed" : "failed",
            after.present
              ? `${spec.installer} install ${pkg}`
              : `${spec.installer} installed ${pkg}, but ${spec.binary} is not on PATH`,
          );
        }
      }
      progress.tick(spec.name);
    }
    progress.done();
    if (lockChanged) {
      await writeTextFileAtomic(`${ctx.root}/${TOOLS_LOCK}`, JSON.stringify(lock, null, 2) + "\n");
    }
    return { tools: entries, lockChanged };
  },
  render(r) {
    const rows = r.tools.map((t) => [t.status, t.name, t.installer, t.detail]);
    const count = (s: InstallEntry["status"]) => r.tools.filter((t) => t.status === s).length;
    return `${table(["STATUS", "TOOL", "INSTALLER", "DETAIL"], rows)}\n\n${
      count("installed")
    } installed, ${count("present")} already present, ${count("planned")} planned, ${
      count("failed")
    } failed${r.lockChanged ? ` (${TOOLS_LOCK} updated)` : ""}`;
  },
  failed: (r) => r.tools.some((t) => t.status === "failed"),
});

function resolveBinDir(root: string, dir: string): string {
  const expanded = dir.replace(/^\$([A-Za-z_]\w*)/, (_, name) => Deno.env.get(name) ?? "");
  return expanded.startsWith("/") ? expanded : `${root}/${expanded}`;
}
