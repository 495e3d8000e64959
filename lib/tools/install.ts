import { WstError } from "../errors/mod.ts";
import { sha256FileHex } from "../fs/mod.ts";
import type { Shell } from "../task/context.ts";
import type { ToolSpec } from "./catalog.ts";
import type { LockedTool } from "./lock.ts";

/** Machine architecture as release URLs spell it. */
export function releaseArch(): string {
  return Deno.build.arch === "aarch64" ? "arm64" : "amd64";
}

/** A spec's URL and member with `{version}` and `{arch}` filled in. */
export function resolveDownload(spec: ToolSpec): { version: string; url: string; member?: string } {
  const fill = (text: string) =>
    text.replaceAll("{version}", spec.version ?? "").replaceAll("{arch}", releaseArch());
  return {
    version: spec.version ?? "",
    url: fill(spec.url ?? ""),
    ...(spec.member ? { member: fill(spec.member) } : {}),
  };
}

/** Options of {@linkcode installBinary}. */
export interface BinaryInstall {
  spec: ToolSpec;
  /** The pin from the lock, or undefined to trust (and return) what is downloaded. */
  pin: LockedTool | undefined;
  /** Absolute folder for downloads (off PATH). */
  downloads: string;
  /** Absolute folder on PATH where the binary goes. */
  binDir: string;
}

/**
 * Downloads a single-binary tool, checks its SHA-256 against the pin before
 * anything reaches `binDir`, unpacks it when it is an archive, then places it
 * atomically (a hidden temporary name, chmod, rename). A mismatch leaves
 * nothing installed.
 *
 * @returns The SHA-256 of the download (for the lock on first use).
 * @throws {WstError} On a failed download, a checksum mismatch, or a missing archive member.
 */
export async function installBinary($: Shell, options: BinaryInstall): Promise<LockedTool> {
  const { spec, pin, downloads, binDir } = options;
  const { version, url, member } = resolveDownload(spec);
  const work = `${downloads}/${spec.name}-${crypto.randomUUID()}`;
  await Deno.mkdir(work, { recursive: true });
  try {
    const file = `${work}/download`;
    const got =
      await $`curl --fail --silent --show-error --location --max-time 300 --output ${file} ${url}`
        .stdout("null").stderr("piped").noThrow();
    if (got.code !== 0) {
      throw new WstError(`Cannot download ${spec.name} from ${url}: ${got.stderr.trim()}`);
    }
    const sha256 = await sha256File(file);
    if (pin !== undefined && pin.sha256 !== sha256) {
      throw new WstError(
        `Checksum mismatch for ${spec.name} ${version} from ${url}: expected ${pin.sha256}, found ${sha256}; nothing was installed`,
      );
    }
    let binary = file;
    // An archive by the spec, or by its URL (a download pinned only in the lock).
    if (spec.archive === "tar.gz" || /\.(tar\.gz|tgz)(\?|$)/.test(url)) {
      const unpacked = await $`tar -xzf ${file} -C ${work}`.stderr("piped").noThrow();
      if (unpacked.code !== 0) {
        throw new WstError(`Cannot unpack ${spec.name}: ${unpacked.stderr.trim()}`);
      }
      binary = member ? `${work}/${member}` : await findMember(work, spec.binary);
      try {
        await Deno.stat(binary);
      } catch {
        throw new WstError(`The ${spec.name} archive has no ${member}`);
      }
    }
    await Deno.mkdir(binDir, { recursive: true });
    const target = `${binDir}/${spec.binary}`;
    const tmp = `${binDir}/.${spec.binary}.wst-tmp`;
    await Deno.copyFile(binary, tmp);
    await Deno.chmod(tmp, 0o755);
    await Deno.rename(tmp, target);
    return { version, url, sha256 };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** The first file named `name` in an unpacked archive. */
async function findMember(dir: string, name: string): Promise<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && entry.name === name) return path;
    if (entry.isDirectory) {
      const found = await findMember(path, name).catch(() => "");
      if (found) return found;
    }
  }
  throw new WstError(`No file named ${name} in the archive`);
}

/** Hex SHA-256 of a file. */
export async function sha256File(path: string): Promise<string> {
  return await sha256FileHex(path);
}

/**
 * Installs packages with a package manager: `apt-get install -y` (with sudo
 * when not root), `npm install -g`, `pipx install`, `go install <module>@latest`.
 *
 * @returns Null on success, else the installer's message.
 */
export async function installPackages(
  $: Shell,
  installer: "apt" | "npm" | "pipx" | "go",
  packages: string[],
): Promise<string | null> {
  if (packages.length === 0) return null;
  const root = installer === "apt" &&
    (await $`sh -c ${"id -u"}`.stdout("piped").noThrow()).stdout.trim() === "0";
  const sudo = installer === "apt" && !root ? ["sudo", "-n"] : [];
  const command = {
    apt: [...sudo, "apt-get", "install", "-y", "--no-install-recommends", ...packages],
    npm: ["npm", "install", "--global", "--no-fund", "--no-audit", ...packages],
    pipx: ["pipx", "install", ...packages],
    go: ["go", "install", ...packages.map((p) => (p.includes("@") ? p : `${p}@latest`))],
  }[installer];
  const env = installer === "apt" ? { DEBIAN_FRONTEND: "noninteractive" } : {};
  const out = await $`${command}`.env(env).stdin("null").stdout("piped").stderr("piped").noThrow();
  if (out.code === 0) return null;
  const lines = `${out.stderr}\n${out.stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => /^(E:|npm ERR!|npm error|error|fatal)/i.test(l)).join(" ") ||
    lines.at(-1) || `${command[0]} exited with ${out.code}`;
}
