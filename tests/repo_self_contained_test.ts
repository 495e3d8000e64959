// The repository stands on its own: no file refers to a path outside it, and
// every link of its Markdown documentation leads to a file (and heading) in it.
import { assertEquals } from "./assert.ts";
import { REPO_ROOT } from "../scripts/runtime_flags.ts";

/** One reference that leaves the repository or leads nowhere. */
interface BadReference {
  file: string;
  line: number;
  text: string;
  problem: string;
}

/**
 * Relative paths whose target lives in a user's workspace, not next to the
 * file that mentions them: the Kiro symlink's target and the pointer files'
 * links are relative to `.kiro/specs/<name>` and `codev/<kind>/`; the hostile
 * module tests/hostile/load_outside_json.ts, installed in a test's workspace,
 * imports a file beside that workspace's root.
 */
const WORKSPACE_RELATIVE = ["../../.ai/projects/", "../../../outside.json"];

/** Documents that exist only outside the repository (the product brief and the style guide). */
const OUTSIDE_DOCUMENTS = [/\bSPEC\.md\b/, /\bSTYLE\.md\b/, /\bSPEC (?:section|§)/];

/** Files that are generated and minified: they hold no prose of ours. */
const GENERATED = /^lib\/registry\/_bundles\//;

/**
 * References in a text file that climb out of the repository: a relative path
 * with more `../` than the file's folder is deep (for `README.md`, any `../`),
 * or a name of a document that lives outside it.
 *
 * @param file The file's path relative to the repository root.
 * @param text Its content.
 */
function outsideReferences(file: string, text: string): BadReference[] {
  const found: BadReference[] = [];
  const depth = file.split("/").length - 1;
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;
  for (const match of text.matchAll(/(?<![\w.\/-])((?:\.\.\/)+)[^\s"'`)\]]*/g)) {
    const climbs = match[1]!.length / 3;
    if (climbs <= depth) continue;
    if (WORKSPACE_RELATIVE.some((prefix) => match[0].startsWith(prefix))) continue;
    found.push({
      file,
      line: lineOf(match.index),
      text: match[0],
      problem: `climbs ${climbs} folder(s) up from a file ${depth} folder(s) deep`,
    });
  }
  for (const pattern of OUTSIDE_DOCUMENTS) {
    for (const match of text.matchAll(new RegExp(pattern.source, "g"))) {
      found.push({
        file,
        line: lineOf(match.index),
        text: match[0],
        problem: "names a document that is not in the repository",
      });
    }
  }
  return found;
}

/** A link of a Markdown file, outside code blocks and code spans. */
interface MarkdownLink {
  line: number;
  target: string;
}

/** The inline links (`[text](target)`), images and link definitions (`[x]: target`) of Markdown text. */
function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let fence: string | null = null;
  text.split("\n").forEach((raw, i) => {
    const opener = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence !== null) {
      if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) {
        fence = null;
      }
      return;
    }
    if (opener !== undefined) {
      fence = opener;
      return;
    }
    const line = raw.replace(/(`+)[^`]*?\1/g, "");
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line: i + 1, target: m[1]! });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) links.push({ line: i + 1, target: definition[1]! });
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to `-`. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (`#` headings outside code blocks). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (opener !== undefined) {
      fence = fence === null ? opener : opener[0] === fence[0] ? null : fence;
      continue;
    }
    const heading = fence === null ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (!heading) continue;
    const base = slug(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/**
 * The links of a Markdown file that leave the repository, lead to a missing
 * file, or name a heading the target does not have. Web links are not checked.
 *
 * @param file The Markdown file, relative to the root.
 * @param read Reads a file relative to the root: its text, `""` for a folder, `null` when missing.
 */
function badLinks(file: string, read: (path: string) => string | null): BadReference[] {
  const text = read(file) ?? "";
  const bad: BadReference[] = [];
  for (const { line, target } of markdownLinks(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const [pathPart, fragment] = target.split("#", 2) as [string, string | undefined];
    const report = (problem: string) => bad.push({ file, line, text: target, problem });
    let resolved = file;
    if (pathPart !== "") {
      const parts = [...file.split("/").slice(0, -1), ...decodeURI(pathPart).split("/")];
      const stack: string[] = [];
      let outside = pathPart.startsWith("/");
      for (const part of parts) {
        if (part === "" || part === ".") continue;
        if (part !== "..") stack.push(part);
        else if (stack.pop() === undefined) outside = true;
      }
      if (outside) {
        report("leads outside the repository");
        continue;
      }
      resolved = stack.join("/");
    }
    const content = read(resolved);
    if (content === null) {
      report(`leads to ${resolved}, which does not exist`);
    } else if (fragment && resolved.endsWith(".md") && !anchors(content).has(fragment)) {
      report(`${resolved} has no heading with the anchor #${fragment}`);
    }
  }
  return bad;
}

/** The repository's text files: tracked, or new and not ignored. */
async function repositoryFiles(): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: REPO_ROOT,
    stdout: "piped",
  }).output();
  if (!out.success) throw new Error(`git ls-files failed in ${REPO_ROOT}`);
  return new TextDecoder().decode(out.stdout).split("\0").filter((f) => f !== "");
}

function readRepoFile(path: string): string | null {
  try {
    const info = Deno.statSync(`${REPO_ROOT}/${path}`);
    return info.isDirectory ? "" : Deno.readTextFileSync(`${REPO_ROOT}/${path}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

const describe = (refs: BadReference[]) =>
  refs.map((r) => `${r.file}:${r.line}: ${JSON.stringify(r.text)} ${r.problem}`);

Deno.test("no file of the repository refers to a path or document outside it", async () => {
  const bad: BadReference[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const file of await repositoryFiles()) {
    if (GENERATED.test(file)) continue;
    let text: string;
    try {
      text = decoder.decode(await Deno.readFile(`${REPO_ROOT}/${file}`));
    } catch (err) {
      if (err instanceof TypeError || err instanceof Deno.errors.NotFound) continue; // binary, or deleted
      throw err;
    }
    // Its examples below; the path helpers' tests, whose inputs are paths under test.
    if (file === "tests/repo_self_contained_test.ts" || file === "lib/_path_test.ts") continue;
    bad.push(...outsideReferences(file, text));
  }
  assertEquals(describe(bad), []);
});

Deno.test("every link of README.md, AGENTS.md, CONTRIBUTING.md and docs/ leads to a file and heading in the repository", async () => {
  const docs = (await repositoryFiles()).filter((f) =>
    ["README.md", "AGENTS.md", "CONTRIBUTING.md"].includes(f) ||
    (f.startsWith("docs/") && f.endsWith(".md"))
  );
  assertEquals(docs.includes("docs/formats.md") && docs.includes("CONTRIBUTING.md"), true);
  assertEquals(describe(docs.flatMap((file) => badLinks(file, readRepoFile))), []);
});

Deno.test("outsideReferences() flags paths that climb out and documents that live outside", () => {
  const text = [
    "formats in `../shared/SPEC.md` §2", // climbs out, and names the brief
    "see ../../lib/x.ts", // from docs/a/: inside
    "see ../../../elsewhere/x.md", // from docs/a/: outside
    "target ../../.ai/projects/p", // relative to the user's workspace
    "code style is in the STYLE.md file",
    "SPEC section 4 says so",
  ].join("\n");
  assertEquals(describe(outsideReferences("docs/a/b.md", text)), [
    'docs/a/b.md:3: "../../../elsewhere/x.md" climbs 3 folder(s) up from a file 2 folder(s) deep',
    'docs/a/b.md:1: "SPEC.md" names a document that is not in the repository',
    'docs/a/b.md:5: "STYLE.md" names a document that is not in the repository',
    'docs/a/b.md:6: "SPEC section" names a document that is not in the repository',
  ]);
  assertEquals(describe(outsideReferences("README.md", "read `../shared/x`")), [
    'README.md:1: "../shared/x" climbs 1 folder(s) up from a file 0 folder(s) deep',
  ]);
});

Deno.test("badLinks() reports links that leave the repository, lead nowhere or miss their heading", () => {
  const files: Record<string, string> = {
    "README.md": [
      "[formats](docs/formats.md#discovery) [web](https://example.com/x) [top](#intro)",
      "[brief](../shared/SPEC.md) [gone](docs/gone.md) [anchor](docs/formats.md#nowhere)",
      "`[not a link](../in/code)`",
      "```md",
      "[in a fence](../../fenced.md)",
      "```",
      "[ref]: ./docs/",
      "[bad ref]: docs/missing.md",
      "# Intro",
    ].join("\n"),
    "docs/formats.md": "# Formats\n\n## Discovery\n\n```sh\n# not a heading\n```\n",
    "docs": "",
  };
  const read = (path: string) => files[path] ?? null;
  assertEquals(describe(badLinks("README.md", read)), [
    'README.md:2: "../shared/SPEC.md" leads outside the repository',
    'README.md:2: "docs/gone.md" leads to docs/gone.md, which does not exist',
    'README.md:2: "docs/formats.md#nowhere" docs/formats.md has no heading with the anchor #nowhere',
    'README.md:8: "docs/missing.md" leads to docs/missing.md, which does not exist',
  ]);
  assertEquals(anchors(files["docs/formats.md"]!), new Set(["formats", "discovery"]));
  assertEquals(
    [slug("`.code-workspace` files"), slug("`--changed-since <ref>`"), slug("metadata.json")],
    ["code-workspace-files", "--changed-since-ref", "metadatajson"],
  );
});
