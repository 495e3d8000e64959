import { ConfigError, UsageError } from "../errors/mod.ts";

/** Where pinned versions and checksums live, relative to the root (committed). */
export const TOOLS_LOCK = "tools.lock.json";

/** One pinned download. */
export interface LockedTool {
  version: string;
  url: string;
  sha256: string;
}

/** `tools.lock.json`. */
export interface ToolsLock {
  version: 1;
  tools: Record<string, LockedTool>;
}

/** Reads the lock file (an empty lock when there is none). */
export async function readLock(root: string): Promise<ToolsLock> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${root}/${TOOLS_LOCK}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { version: 1, tools: {} };
    throw err;
  }
  try {
    const lock = JSON.parse(text) as ToolsLock;
    if (lock.version === 1 && typeof lock.tools === "object" && lock.tools !== null) {
      for (const [name, entry] of Object.entries(lock.tools)) {
        if (!/^[0-9a-f]{64}$/.test(entry.sha256 ?? "") || !entry.url || !entry.version) {
          throw new ConfigError([{
            file: TOOLS_LOCK,
            path: `tools.${name}`,
            message: "Expected version, url and a 64-hex-digit sha256",
          }]);
        }
      }
      return lock;
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
  }
  throw new ConfigError([{
    file: TOOLS_LOCK,
    path: "",
    message: 'Expected {"version": 1, "tools": {…}}',
  }]);
}

/**
 * The pin of a download: the lock's, else (trust on first use) what was just
 * downloaded, recorded, unless `--locked` forbids changing the lock.
 *
 * @throws {UsageError} With `locked`, when the tool is not pinned or its pin differs.
 */
export function pinFor(
  lock: ToolsLock,
  name: string,
  wanted: { version: string; url: string },
  locked: boolean,
): LockedTool | undefined {
  const pin = lock.tools[name];
  if (pin && pin.version === wanted.version && pin.url === wanted.url) return pin;
  if (locked) {
    throw new UsageError(
      `${TOOLS_LOCK} has no pin for ${name} ${wanted.version}, and --locked forbids adding one`,
    );
  }
  return undefined;
}
