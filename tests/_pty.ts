// A pseudo-terminal driver for end-to-end tests: runs a command as the session
// leader of a new pseudo-terminal, the way a terminal emulator starts a shell's
// foreground job, so that writing Ctrl-C (0x03) to the terminal makes the
// kernel send SIGINT to the whole foreground process group, children included.
// Python's `pty` module does the terminal work (no native npm build needed);
// this file speaks to it over pipes.

/**
 * The driver. Its child is the terminal's session leader, like a shell: it
 * runs the command as the terminal's foreground job in a process group of its
 * own, reports its pid and how it ended, then stays (a leader that exited
 * would hang up the terminal, and the kernel would send SIGHUP to what the
 * command left behind, which a test must see). The driver relays the
 * terminal's output to stdout and stdin to the terminal until stdin closes.
 */
const DRIVER = `
import os, pty, select, signal, sys, json
argv = json.loads(sys.argv[1])
leader, fd = pty.fork()
if leader == 0:
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.execvp(argv[0], argv)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    os.tcsetpgrp(0, pid)
    os.write(1, b"\\x00pid %d\\x00" % pid)
    _, status = os.waitpid(pid, 0)
    os.write(1, b"\\x00exit %d\\x00" % os.waitstatus_to_exitcode(status))
    while True:
        signal.pause()
out = sys.stdout.buffer
stdin = sys.stdin.fileno()
while True:
    ready, _, _ = select.select([fd, stdin], [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if data:
            out.write(data)
            out.flush()
    if stdin in ready:
        data = os.read(stdin, 1024)
        if not data:
            break
        os.write(fd, data)
os.kill(leader, signal.SIGKILL)
os.waitpid(leader, 0)
`;

/** How a command run on a pseudo-terminal ended. */
export interface PtyStatus {
  /** Its exit code, or 128 + the signal's number when a signal ended it. */
  readonly code: number;
  /** The signal that ended it, if one did. */
  readonly signal: number | undefined;
}

/** A command running on a pseudo-terminal. */
export interface PtyProcess extends AsyncDisposable {
  /** The command's process id (the session and process group leader). */
  readonly pid: number;
  /** Everything the command wrote to the terminal so far (stdout and stderr, `\r\n` lines). */
  output(): string;
  /** Resolves once the output contains `text`; rejects when the command ends first. */
  waitFor(text: string | RegExp): Promise<void>;
  /** Types on the terminal's keyboard (`"\x03"` is Ctrl-C). */
  write(text: string): Promise<void>;
  /** How the command ended. */
  readonly status: Promise<PtyStatus>;
}

/**
 * Starts `command` on a new pseudo-terminal.
 *
 * @param command The program and its arguments.
 * @param options Its environment (added to PATH and HOME) and working folder.
 * @returns The running command.
 */
export async function spawnPty(
  command: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<PtyProcess> {
  const child = new Deno.Command("python3", {
    args: ["-c", DRIVER, JSON.stringify(command)],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/",
      TERM: "xterm",
      ...options.env,
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const waiters = new Set<() => void>();
  const reading = (async () => {
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      for (const wake of waiters) wake();
    }
    ended = true;
    for (const wake of waiters) wake();
  })();
  const marker = (name: string) => new RegExp(`\\x00${name} (-?\\d+)\\x00`).exec(text)?.[1];
  const waitFor = (found: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (found()) {
          waiters.delete(check);
          resolve();
        } else if (ended) {
          waiters.delete(check);
          reject(new Error(`The command ended before the awaited output:\n${clean(text)}`));
        }
      };
      waiters.add(check);
      check();
    });
  await waitFor(() => marker("pid") !== undefined);
  const pid = Number(marker("pid"));
  const status = waitFor(() => marker("exit") !== undefined).then(() => {
    const code = Number(marker("exit"));
    return code < 0 ? { code: 128 - code, signal: -code } : { code, signal: undefined };
  });
  return {
    pid,
    output: () => clean(text),
    waitFor: (wanted) =>
      waitFor(() =>
        typeof wanted === "string" ? clean(text).includes(wanted) : wanted.test(clean(text))
      ),
    write: (keys) => writer.write(new TextEncoder().encode(keys)),
    status,
    async [Symbol.asyncDispose]() {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch { /* ended */ }
      await writer.close().catch(() => {});
      await reading;
      await child.status;
    },
  };
}

/** The terminal's output without the driver's markers and carriage returns. */
function clean(text: string): string {
  // deno-lint-ignore no-control-regex -- the driver's markers are delimited by NUL on purpose
  return text.replace(/\x00[a-z]+ -?\d+\x00/g, "").replaceAll("\r\n", "\n");
}

/**
 * The processes whose command line contains `marker` (from `/proc`), as
 * `pid: command line` lines: what a test checks is gone.
 *
 * @param marker A string unique to the test (a sleep's odd duration).
 * @returns The matching processes, other than this test process.
 */
export function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    let cmdline: string;
    try {
      cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ").trim();
    } catch {
      continue; // ended meanwhile
    }
    // A zombie has an empty command line: it is gone, waiting for its parent to read its status.
    if (cmdline.includes(marker) && !cmdline.includes("python3 -c")) {
      found.push(`${entry.name}: ${cmdline}`);
    }
  }
  return found;
}

/**
 * Why pseudo-terminal tests cannot run here (no `python3` with its `pty`
 * module, or not Linux: `processesWith` reads `/proc`), or undefined.
 */
export const PTY_UNAVAILABLE: string | undefined = (() => {
  if (Deno.build.os !== "linux") return `Linux only (this is ${Deno.build.os})`;
  try {
    const out = new Deno.Command("python3", { args: ["-c", "import pty"], stderr: "null" })
      .outputSync();
    return out.success ? undefined : "python3 has no pty module";
  } catch {
    return "python3 is not on PATH";
  }
})();
