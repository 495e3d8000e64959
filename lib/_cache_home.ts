// The user's cache folder for wst, on its own: the CLI's entry point needs it
// before anything else loads (lib/sandbox/_prelaunch.ts).
import { resolvePath } from "./_path.ts";

/**
 * The user's cache folder for wst: `$WST_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/wst`, else `~/.cache/wst` (`%LOCALAPPDATA%\wst` on
 * Windows); undefined when none is known.
 */
export function cacheHome(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string | undefined {
  const own = env("WST_CACHE_DIR");
  if (own) return resolvePath(Deno.cwd(), own);
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return resolvePath(xdg, "wst");
  if (Deno.build.os === "windows") {
    const local = env("LOCALAPPDATA");
    return local ? resolvePath(local, "wst") : undefined;
  }
  const home = env("HOME");
  return home ? resolvePath(home, ".cache/wst") : undefined;
}
