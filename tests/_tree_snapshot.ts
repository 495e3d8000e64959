// Snapshots of a folder tree for comparing before and after: files by bytes, symlinks by target,
// folders by presence.

/** path → "file:<hex>" | "link:<target>" | "dir". */
export type TreeSnapshot = Record<string, string>;

/** Takes a snapshot of everything under `root` (paths relative to it). */
export async function snapshot(
  root: string,
  skip: (path: string) => boolean = () => false,
): Promise<TreeSnapshot> {
  const out: TreeSnapshot = {};
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(rel ? `${root}/${rel}` : root)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(path)) continue;
      if (entry.isSymlink) out[path] = `link:${await Deno.readLink(`${root}/${path}`)}`;
      else if (entry.isDirectory) {
        out[path] = "dir";
        await walk(path);
      } else {
        const bytes = await Deno.readFile(`${root}/${path}`);
        out[path] = `file:${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
      }
    }
  };
  await walk("");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * How many files hold exactly these bytes, in a snapshot or in counts of its
 * values (faster when asking about many files).
 */
export function copiesOf(tree: TreeSnapshot | Map<string, number>, bytes: Uint8Array): number {
  const wanted = `file:${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  if (tree instanceof Map) return tree.get(wanted) ?? 0;
  return Object.values(tree).filter((v) => v === wanted).length;
}
