// A `.gitignore` matcher for folders, as the namespace walk needs it
// (docs/adr/0014): git's pattern rules (gitignore(5)) for paths that are all
// folders, tested top-down (a folder inside an ignored one is never asked
// about). Written here rather than taken from the `ignore` npm package, a
// CommonJS module whose loading starts Deno's Node layer (~20 ms on every
// `wst list`); `_gitignore_test.ts` checks it against that package.

/** One compiled line of a `.gitignore`. */
interface Rule {
  readonly re: RegExp;
  readonly negate: boolean;
}

/** What a `.gitignore` says about a folder: ignored, re-included, or nothing. */
export type Verdict = "ignored" | "unignored" | undefined;

/** A compiled `.gitignore`. */
export interface GitignoreMatcher {
  /**
   * The verdict of the last line that matches a folder.
   *
   * @param path The folder, relative to the `.gitignore`'s folder, `/`-separated, no trailing `/`.
   */
  test(path: string): Verdict;
}

/**
 * Compiles the text of a `.gitignore`.
 *
 * @param text Its content.
 * @returns The matcher.
 */
export function compileGitignore(text: string): GitignoreMatcher {
  const rules: Rule[] = [];
  for (const raw of text.split("\n")) {
    const rule = compileLine(raw);
    if (rule !== undefined) rules.push(rule);
  }
  return {
    test(path) {
      for (let i = rules.length - 1; i >= 0; i--) {
        const rule = rules[i]!;
        if (rule.re.test(path)) return rule.negate ? "unignored" : "ignored";
      }
      return undefined;
    },
  };
}

function compileLine(raw: string): Rule | undefined {
  let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line.startsWith("#")) return undefined;
  // Trailing spaces are dropped unless escaped with a backslash.
  let end = line.length;
  while (end > 0 && line[end - 1] === " " && line[end - 2] !== "\\") end--;
  line = line.slice(0, end);
  let negate = false;
  if (line.startsWith("!")) {
    negate = true;
    line = line.slice(1);
  }
  // Every path asked about is a folder: a trailing "/" (folders only) always holds.
  if (line.endsWith("/") && !line.endsWith("\\/")) line = line.slice(0, -1);
  if (line === "") return undefined;
  // A "/" at the start or in the middle anchors the pattern to the .gitignore's folder.
  const anchored = line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  // `**` as a whole segment: any folders (leading or in the middle, none too), everything (last).
  const segments = line.split("/");
  let body = "";
  segments.forEach((segment, k) => {
    const last = k === segments.length - 1;
    if (segment === "**") body += last ? ".*" : "(?:.*/)?";
    else body += segmentSource(segment) + (last ? "" : "/");
  });
  try {
    return { re: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negate };
  } catch {
    return undefined; // a class git would not take either
  }
}

/** One segment of a pattern (no `/`) as a regular expression. */
function segmentSource(segment: string): string {
  let body = "";
  let i = 0;
  while (i < segment.length) {
    const c = segment[i]!;
    if (c === "*") {
      while (segment[i] === "*") i++;
      body += "[^/]*";
    } else if (c === "?") {
      body += "[^/]";
      i++;
    } else if (c === "[") {
      const cls = charClass(segment, i);
      if (cls === undefined) {
        body += "\\[";
        i++;
      } else {
        body += cls.source;
        i = cls.next;
      }
    } else if (c === "\\" && i + 1 < segment.length) {
      body += escape(segment[i + 1]!);
      i += 2;
    } else {
      body += escape(c);
      i++;
    }
  }
  return body;
}

/** A bracket expression at `start` as a regular expression class; undefined when unterminated. */
function charClass(line: string, start: number): { source: string; next: number } | undefined {
  let i = start + 1;
  let source = "[";
  if (line[i] === "!" || line[i] === "^") {
    source += "^";
    i++;
  }
  let first = true;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === "]" && !first) return { source: `${source}]`, next: i + 1 };
    first = false;
    if (c === "\\" && i + 1 < line.length) {
      source += `\\${line[++i]}`;
    } else if (c === "/") {
      return undefined;
    } else {
      source += c === "[" || c === "^" ? `\\${c}` : c === "]" ? "\\]" : c;
    }
  }
  return undefined;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
