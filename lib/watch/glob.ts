// What `--watch` watches: a task's `sources` globs (relative to its root),
// minus its `outputs` and the folders nobody edits (`.git`, `node_modules`,
// `.wst/cache`, where wst keeps its own state); without sources, its whole root
// minus the same. No imports: a glob is a small regular expression.

/** Folders never watched: their changes are never a reason to run a task again. */
export const NEVER_WATCHED: readonly string[] = [".git", "node_modules", ".wst/cache"];

/**
 * A glob as a regular expression over `/`-separated paths relative to the
 * root: `*` and `?` within one segment, `**` across segments, `{a,b}`
 * alternatives. A glob without wildcards also matches everything under it
 * (`src` is `src` and `src/**`).
 *
 * @param glob The glob, relative to the root (`./` allowed).
 * @returns The expression.
 */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^(?:\.\/)+/, "").replace(/\/+$/, "");
  let source = "";
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "{") {
      braces++;
      source += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (c === "," && braces > 0) source += "|";
    else source += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  const literal = !/[*?{]/.test(pattern);
  return new RegExp(`^${source}${literal ? "(?:/.*)?" : ""}$`);
}

/**
 * The folder a glob's matches are all under (its part before the first
 * wildcard), relative to the root; "" for the root itself.
 *
 * @param glob The glob.
 * @returns The folder.
 */
export function globBase(glob: string): string {
  const pattern = glob.replace(/^(?:\.\/)+/, "");
  const wild = pattern.search(/[*?{]/);
  if (wild < 0) return pattern.replace(/\/+$/, "");
  const before = pattern.slice(0, wild);
  return before.includes("/") ? before.slice(0, before.lastIndexOf("/")) : "";
}

/** Which paths under a root a watch reacts to. */
export interface WatchScope {
  /** Folders (or files) to watch, relative to the root ("" for the root). */
  readonly paths: readonly string[];
  /** Whether a path relative to the root is one whose change reruns the task. */
  readonly matches: (path: string) => boolean;
}

/**
 * The watch scope of a task.
 *
 * @param sources Its `sources` globs; undefined or empty: its whole root.
 * @param outputs Its `outputs` globs, never watched (a run writes them).
 * @param also Paths watched besides the sources (the task's own module), relative to the root.
 * @returns The scope.
 */
export function watchScope(
  sources: readonly string[] | undefined,
  outputs: readonly string[] = [],
  also: readonly string[] = [],
): WatchScope {
  const never = [...NEVER_WATCHED, ...outputs].map(globToRegExp);
  const wanted = sources === undefined || sources.length === 0
    ? []
    : [...sources, ...also].map(globToRegExp);
  const paths = wanted.length === 0 ? [""] : [...new Set([...sources!, ...also].map(globBase))];
  return {
    // A folder whose base is inside another's is watched through the outer one.
    paths: paths.filter((p) => !paths.some((q) => q !== p && (q === "" || p.startsWith(`${q}/`)))),
    matches: (path) =>
      !never.some((re) => re.test(path)) &&
      (wanted.length === 0 || wanted.some((re) => re.test(path))),
  };
}
