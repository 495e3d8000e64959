/**
 * Gives every path a unique, deterministic name: its last segment, and on a
 * clash enough trailing segments joined with `-` to tell the paths apart
 * (`apps/base`, `infra/base` → `apps-base`, `infra-base`). Names that still
 * clash get `-2`, `-3` … in path order.
 *
 * @param paths `/`-separated relative paths, `.` for the root.
 * @param rootName The name of the root folder, used for `.`.
 * @returns One name per path, in the same order.
 */
export function uniqueNames(paths: readonly string[], rootName: string): string[] {
  const segments = paths.map((p) => (p === "." ? [rootName] : p.split("/")));
  const depth = paths.map(() => 1);
  const nameOf = (i: number) => segments[i]!.slice(-depth[i]!).join("-");
  for (let round = 0; round < 64; round++) {
    const groups = new Map<string, number[]>();
    paths.forEach((_, i) => {
      const name = nameOf(i);
      const group = groups.get(name);
      if (group === undefined) groups.set(name, [i]);
      else group.push(i);
    });
    let grew = false;
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      for (const i of members) {
        if (depth[i]! < segments[i]!.length) {
          depth[i]!++;
          grew = true;
        }
      }
    }
    if (!grew) break;
  }
  const names = paths.map((_, i) => nameOf(i));
  const used = new Map<string, number>();
  return names.map((name) => {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return n === 1 ? name : `${name}-${n}`;
  });
}
