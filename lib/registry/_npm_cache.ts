// Deno's npm cache, as wst looks into it without Deno's help (docs/adr/0013-module-deps.md):
// where it is, the folder it keeps a registry's packages in, and which pinned packages it lacks.
import { resolvePath, SEP } from "../_path.ts";
import type { DenoLock } from "./_module_deps.ts";

/**
 * Deno's cache folder (`DENO_DIR`, else the platform's default).
 *
 * @param env Reads an environment variable.
 * @returns Its path, or undefined when none is known.
 */
export function denoCacheDir(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string | undefined {
  const given = env("DENO_DIR");
  if (given) return resolvePath(Deno.cwd(), given);
  const home = env("HOME");
  if (Deno.build.os === "darwin") return home ? `${home}/Library/Caches/deno` : undefined;
  if (Deno.build.os === "windows") {
    const local = env("LOCALAPPDATA");
    return local ? `${local}\\deno` : undefined;
  }
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/deno`;
  return home ? `${home}/.cache/deno` : undefined;
}

/**
 * The folder of Deno's npm cache for the registry wst's processes use
 * (`NPM_CONFIG_REGISTRY`, else npm's): `<domain>`, `<domain>_<port>`, or
 * `<port>` for an IP address, then the URL's path.
 *
 * @param registry The registry's URL.
 * @returns The folder's name.
 */
export function npmCacheFolder(registry: string | undefined): string {
  let url: URL;
  try {
    url = new URL(registry || "https://registry.npmjs.org/");
  } catch {
    url = new URL("https://registry.npmjs.org/");
  }
  // As Deno names it (`root_url_to_safe_local_dirname`): the domain (none for an IP address),
  // `_` and the port, then the path's segments.
  const sanitize = (text: string) => text.replace(/[<>:"|?*/\\]/g, "_");
  const ip = /^[\d.]+$/.test(url.hostname) || url.hostname.startsWith("[");
  const domain = ip ? "" : sanitize(url.hostname);
  const host = url.port === "" ? domain : domain === "" ? url.port : `${domain}_${url.port}`;
  const path = url.pathname.split("/").filter((p) => p !== "").map(sanitize);
  return [host, ...path].join(SEP);
}

/**
 * The packages (`name@version`) a lock pins that Deno's npm cache lacks.
 *
 * @param lock The lock.
 * @param npmDir `<DENO_DIR>/npm/<registry folder>`.
 * @returns Those packages, sorted.
 */
export function missingPackages(lock: DenoLock, npmDir: string): string[] {
  return Object.keys(lock.npm ?? {}).filter((key) => {
    const cut = key.indexOf("@", 1);
    const name = key.slice(0, cut);
    const version = key.slice(cut + 1).replace(/_.*$/, ""); // peer-dependency suffixes
    try {
      return !Deno.statSync(`${npmDir}${SEP}${name.replace("/", SEP)}${SEP}${version}`)
        .isDirectory;
    } catch {
      return true;
    }
  }).sort();
}
