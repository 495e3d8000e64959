// GitHub Actions workflow commands and files:
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions

/** GitHub's limit on the jobs one matrix may generate. */
export const GITHUB_MATRIX_LIMIT = 256;

/** Whether the process runs in GitHub Actions (`GITHUB_ACTIONS=true`). */
export function inGithubActions(env: (name: string) => string | undefined): boolean {
  return env("GITHUB_ACTIONS") === "true";
}

/**
 * Formats `name=value` lines for `$GITHUB_OUTPUT`; a value with a newline
 * uses the `name<<DELIMITER` form.
 *
 * @param outputs Output names and values.
 * @returns The text to append.
 */
export function formatOutputs(outputs: Record<string, string>): string {
  let text = "";
  for (const [name, value] of Object.entries(outputs)) {
    if (!value.includes("\n")) {
      text += `${name}=${value}\n`;
      continue;
    }
    let delimiter = "WST_EOF";
    while (value.includes(delimiter)) delimiter += "_";
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  return text;
}

/** Appends text to a file GitHub gave us (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`). */
export async function appendToFile(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, text, { append: true });
}

/** Where an annotation points. */
export interface AnnotationPlace {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  title?: string | undefined;
}

/**
 * Formats an `::error` (or `::warning`) workflow command, escaped as GitHub
 * requires, so the message shows on the file in the pull request.
 *
 * @param level `error`, `warning` or `notice`.
 * @param message The message (may span lines).
 * @param place File, line, column and title.
 * @returns One line.
 */
export function annotation(
  level: "error" | "warning" | "notice",
  message: string,
  place: AnnotationPlace = {},
): string {
  const props = Object.entries({
    file: place.file,
    line: place.line,
    col: place.column,
    title: place.title,
  })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${level}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/**
 * Text for a Markdown table cell, shown as it is: every ASCII punctuation mark
 * is escaped (a backslash makes one literal in CommonMark), so a message from
 * a repository (a target's error, a file name) shows as text, never as a link,
 * an image, HTML or emphasis; control characters are shown as `\xNN`, and each
 * line break is a `<br>`.
 */
export function markdownCell(text: string): string {
  return text.split(/\r\n|\r|\n/).map((line) => visible(line).replace(/[!-\/:-@\[-`{-~]/g, "\\$&"))
    .join("<br>");
}

// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Control characters a file name may hold (escape sequences, BEL, newlines)
 * as `\xNN` text: GitHub's log and its Markdown show them, or act on them.
 */
export function visible(text: string): string {
  return text.replace(
    CONTROLS,
    (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/**
 * Text as code spans that fit one table cell: the fence is longer than any run
 * of backticks in the text, `|` is escaped (GitHub splits cells before it reads
 * code spans), and each line is its own span, joined by `<br>`.
 */
export function codeCell(text: string): string {
  return text.split(/\r\n|\r|\n/).map((line) => codeSpan(visible(line))).join("<br>");
}

function codeSpan(text: string): string {
  if (text === "") return "";
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  // A space on each side lets the text start or end with a backtick, or keep
  // its own spaces: a reader strips one from each side of a span that is not
  // all spaces.
  const pad = /[^ ]/.test(text) && (longest > 0 || (text.startsWith(" ") && text.endsWith(" ")))
    ? " "
    : "";
  return `${fence}${pad}${text.replaceAll("|", "\\|")}${pad}${fence}`;
}

/**
 * A new token for `::stop-commands::`: 128 random bits as 32 hex digits, so a
 * task cannot guess it to end the block early.
 *
 * @returns The token.
 */
export function stopCommandsToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The workflow commands that put output out of the runner's reach: after
 * `start`, GitHub Actions runs no workflow command (`::add-mask::`,
 * `::error`, `::set-output` …) until it reads `end`.
 *
 * @param token A token from {@linkcode stopCommandsToken}.
 * @returns The two lines, each ending in a newline.
 */
export function stopCommands(token: string): { start: string; end: string } {
  return { start: `::stop-commands::${token}\n`, end: `::${token}::\n` };
}
