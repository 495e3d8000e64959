// Shell-side helpers of the importers: template expressions become env
// references (a value never becomes shell code), and a script's binaries and
// env vars are inferred for its permissions (best effort, shown for review).
import { RESERVED_ARG_NAMES } from "../task/names.ts";

/** Env names a variable may not take as is: the shell or every child reads them. */
const RESERVED_ENV = new Set([
  "PATH",
  "HOME",
  "PWD",
  "OLDPWD",
  "SHELL",
  "IFS",
  "USER",
  "TERM",
  "LANG",
  "PS1",
  "PS4",
  "CDPATH",
  "ENV",
  "BASH_ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "TMPDIR",
]);

/**
 * The env var a template variable is passed in: its own name when that is a
 * plain identifier the shell does not use itself, else `WST_VAR_<NAME>`.
 *
 * @param name The variable's name in the source (`HOST`).
 * @returns The env var's name.
 */
export function envNameOf(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9_]/g, "_");
  return RESERVED_ENV.has(plain) || plain.startsWith("BASH") || plain !== name ||
      /^[0-9]/.test(plain)
    ? `WST_VAR_${plain.toUpperCase()}`
    : plain;
}

/**
 * The camelCase argument name of a variable or parameter: `DOCKER_IMAGE` →
 * `dockerImage` (flag `--docker-image`), `ROOT` → `rootVar` (`--root` is wst's).
 *
 * @param name The variable's name.
 * @returns A name of letters and digits, starting with a letter.
 */
export function argNameOf(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  let camel = words.map((w, i) => {
    const lower = w === w.toUpperCase() ? w.toLowerCase() : w;
    return i === 0
      ? lower.charAt(0).toLowerCase() + lower.slice(1)
      : lower.charAt(0).toUpperCase() + lower.slice(1);
  }).join("");
  if (!/^[A-Za-z]/.test(camel)) camel = `v${camel}`;
  return RESERVED_ARG_NAMES.has(camel) ? `${camel}Var` : camel;
}

/**
 * An argument name no other argument of the task has: `host`, else `host2`, `host3` ….
 *
 * @param name The wanted name.
 * @param taken The task's arguments so far.
 * @returns The name.
 */
export function uniqueArgName(name: string, taken: Iterable<{ name: string }>): string {
  const names = new Set([...taken].map((a) => a.name));
  let unique = name;
  for (let n = 2; names.has(unique); n++) unique = `${name}${n}`;
  return unique;
}

/**
 * The quoting at each offset of a script: 0 none, 1 single quotes, 2 double
 * quotes, 3 the body of a heredoc that expands (`<<EOF`), 4 the body of one that
 * does not (`<<'EOF'`). Comments are skipped; best effort, as a reader would.
 */
function quoteStates(script: string): Uint8Array {
  const states = new Uint8Array(script.length + 1);
  let state = 0;
  const pending: { delimiter: string; quoted: boolean; strip: boolean }[] = [];
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "\n" && state === 0 && pending.length > 0) {
      // Heredoc bodies start after the line that opened them, one after another.
      states[i] = state;
      i++;
      for (const doc of pending) {
        const bodyState = doc.quoted ? 4 : 3;
        while (i < script.length) {
          const end = script.indexOf("\n", i);
          const line = script.slice(i, end === -1 ? script.length : end);
          const stop = (doc.strip ? line.replace(/^\t+/, "") : line) === doc.delimiter;
          const upto = end === -1 ? script.length : end + 1;
          states.fill(stop ? 0 : bodyState, i, upto);
          i = upto;
          if (stop) break;
        }
      }
      pending.length = 0;
      continue;
    }
    states[i] = state;
    if (state === 0 && c === "<" && script[i + 1] === "<" && script[i + 2] !== "<") {
      const m = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(script.slice(i));
      if (m) {
        pending.push({ delimiter: m[3]!, quoted: m[2] !== "", strip: m[1] === "-" });
        states.fill(state, i, i + m[0].length);
        i += m[0].length;
        continue;
      }
    }
    if ((state === 0 || state === 2) && c === "\\") {
      states[i + 1] = state;
      i += 2;
      continue;
    }
    if (state === 0 && c === "#" && (i === 0 || /\s/.test(script[i - 1]!))) {
      while (i + 1 < script.length && script[i + 1] !== "\n") states[++i] = state;
    } else if (c === "'" && state !== 2) {
      state = state === 1 ? 0 : 1;
    } else if (c === '"' && state !== 1) {
      state = state === 2 ? 0 : 2;
    }
    i++;
  }
  states[script.length] = state;
  return states;
}

/**
 * A parameter expansion that reads like the template it replaces wherever it
 * stands: unquoted `${X}` splits into words as the spliced value would; inside
 * double quotes or an expanding heredoc it stays as it is; inside single
 * quotes the quote is closed around it (`'"${X}"'`), since the template was
 * expanded there too. In a heredoc that does not expand there is none
 * (undefined).
 */
function expansion(name: string | "@", quote: number): string | undefined {
  if (quote === 4) return undefined;
  if (name === "@") return quote === 1 ? `'"$*"'` : quote === 0 ? `"$@"` : "$*";
  return quote === 1 ? `'"\${${name}}"'` : `\${${name}}`;
}

/** What a template expression in a script turned into. */
export type TemplateRef =
  | { readonly kind: "var"; readonly name: string; readonly default?: string }
  | { readonly kind: "argv" };

/**
 * Replaces the template expressions of a script by env references, leaving
 * the rest byte for byte. `read` says what an expression's inner text means
 * (undefined: it cannot be converted; the text is left and reported).
 *
 * @param script The script.
 * @param options `pattern`: the template syntax (a global regex whose group 1
 * is the inner text); `read`: the meaning of an inner text.
 * @returns The script, the references found, and the expressions left as they were.
 */
export function replaceTemplates(
  script: string,
  options: { pattern: RegExp; read: (inner: string) => TemplateRef | undefined },
): { source: string; refs: TemplateRef[]; unconverted: string[] } {
  const states = quoteStates(script);
  const refs: TemplateRef[] = [];
  const unconverted: string[] = [];
  const source = script.replace(options.pattern, (whole, inner: string, offset: number) => {
    const ref = options.read(inner.trim());
    const replacement = ref === undefined
      ? undefined
      : expansion(ref.kind === "argv" ? "@" : envNameOf(ref.name), states[offset] ?? 0);
    if (ref === undefined || replacement === undefined) {
      unconverted.push(whole);
      return whole;
    }
    refs.push(ref);
    return replacement;
  });
  return { source, refs, unconverted };
}

/** Shell words that start no program. */
const KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "for",
  "while",
  "until",
  "do",
  "done",
  "case",
  "esac",
  "in",
  "function",
  "select",
  "time",
  "!",
  "{",
  "}",
  "[[",
  "]]",
  "coproc",
]);
/** bash builtins: no permission needed to run them. */
const BUILTINS = new Set(
  ("echo printf cd export set unset test [ read true false local return exit shift source . " +
    "eval trap declare typeset readonly pwd wait break continue : let alias unalias type hash " +
    "ulimit umask getopts mapfile readarray pushd popd dirs command builtin exec shopt jobs fg " +
    "bg kill disown enable help history logout printf caller compgen complete suspend times")
    .split(" "),
);
/** Programs that usually reach the network: a task running one gets `net` for review. */
export const NETWORK_CLIENTS = new Set([
  "curl",
  "wget",
  "git",
  "ssh",
  "scp",
  "rsync",
  "docker",
  "podman",
  "kubectl",
  "helm",
  "kustomize",
  "npm",
  "npx",
  "pnpm",
  "yarn",
  "pip",
  "pip3",
  "uv",
  "go",
  "cargo",
  "gh",
  "aws",
  "gcloud",
  "az",
  "terraform",
  "argocd",
  "deno",
]);

/**
 * The programs a script names as commands (first words of simple commands,
 * after `VAR=value` assignments, `sudo`/`env`/`xargs`-style wrappers
 * included), without shell keywords and bash builtins. Best effort: what a
 * variable or `eval` runs is not seen.
 *
 * @param script A bash script.
 * @returns The names, in order of first appearance.
 */
export function programsOf(script: string): string[] {
  const found: string[] = [];
  const lines = script.split("\n");
  let heredoc: string | undefined;
  for (const raw of lines) {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const marker = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(raw);
    if (marker) heredoc = marker[2];
    // Single-quoted text is never a command; double quotes may hold `$(…)`, so only the quotes go.
    const line = raw.replace(/(^|\s)#.*$/, "$1").replace(/'[^']*'/g, " ").replaceAll('"', " ")
      .replace(/\$\(\([^)]*\)\)/g, " ");
    for (const segment of line.split(/;|&&|\|\||\||\$\(|`|\(|\)|&/)) {
      const words = segment.trim().split(/\s+/).filter((w) => w !== "");
      let i = 0;
      while (i < words.length) {
        const word = words[i]!;
        if (KEYWORDS.has(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
          i++;
          if (word === "for" || word === "case" || word === "select") break;
          continue;
        }
        if (["sudo", "env", "nohup", "xargs", "exec", "command", "time", "nice"].includes(word)) {
          if (!BUILTINS.has(word) && !found.includes(word)) found.push(word);
          i++;
          while (i < words.length && words[i]!.startsWith("-")) i++;
          continue;
        }
        if (/^[A-Za-z0-9_./+-]+$/.test(word) && !/^[0-9]+$/.test(word) && !word.startsWith("-")) {
          if (!BUILTINS.has(word) && !found.includes(word)) found.push(word);
        }
        break;
      }
    }
  }
  return found;
}

/** Variables bash sets itself, or every task gets anyway. */
const SHELL_VARS = new Set([
  "PATH",
  "PWD",
  "OLDPWD",
  "RANDOM",
  "LINENO",
  "SECONDS",
  "IFS",
  "PPID",
  "UID",
  "EUID",
  "HOSTNAME",
  "HOSTTYPE",
  "OSTYPE",
  "MACHTYPE",
  "SHELLOPTS",
  "BASHOPTS",
  "PIPESTATUS",
  "REPLY",
  "OPTARG",
  "OPTIND",
  "FUNCNAME",
  "GROUPS",
  "DIRSTACK",
  "EPOCHSECONDS",
  "EPOCHREALTIME",
  "SRANDOM",
]);

/**
 * The env vars a script reads without setting them itself: `$NAME` and
 * `${NAME…}` in upper case, minus those the script assigns, loops over or
 * reads, and bash's own. Best effort, shown for review.
 *
 * @param script A bash script.
 * @param given Names the step passes itself (template variables).
 * @returns The names, sorted.
 */
export function envReadsOf(script: string, given: Iterable<string> = []): string[] {
  const skip = new Set([...SHELL_VARS, ...given]);
  for (
    const m of script.matchAll(
      /(?:^|[\s;(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=/gm,
    )
  ) {
    skip.add(m[1]!);
  }
  for (const m of script.matchAll(/\b(?:for|read(?:\s+-\w+)*)\s+([A-Za-z_][A-Za-z0-9_]*)/g)) {
    skip.add(m[1]!);
  }
  const names = new Set<string>();
  for (const m of script.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) {
    const name = m[1]!;
    if (!skip.has(name) && !name.startsWith("BASH")) names.add(name);
  }
  // Single-quoted text is not expanded, but a script may hand it to another shell: kept.
  return [...names].sort();
}
