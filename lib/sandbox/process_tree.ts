// The processes a run started, found and ended as a tree: on Ctrl-C, SIGTERM
// and before a `--watch` rerun, every descendant of wst (a task's children,
// their children, detached ones, a confined run's bubblewrap) is ended, even
// one that a dying parent left to init. Linux reads `/proc`; elsewhere there
// is no table and only what the task's own `ctx.signal` stops is stopped.
// No imports: `cli.ts` loads this on its start-up path.

/** One process, as `/proc/<pid>/stat` describes it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Its process group. */
  readonly pgrp: number;
  /** `R`, `S`, `Z` (a zombie: already dead, waiting for its parent) … */
  readonly state: string;
  /** Start time in clock ticks after boot: with the pid, it names a process (pids are reused). */
  readonly start: string;
}

/**
 * Every process this user can see, by pid (Linux: `/proc`; elsewhere empty).
 *
 * @returns The table.
 */
export function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync("/proc");
  } catch {
    return table; // no /proc: not Linux
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // ended meanwhile
    }
    // `pid (comm) state ppid …`: the command name may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    table.set(Number(entry.name), {
      pid: Number(entry.name),
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      state: fields[0] ?? "",
      start: fields[19] ?? "",
    });
  }
  return table;
}

/**
 * The live descendants of `roots` in `table` (the roots themselves excluded),
 * leaving out the subtrees of `skip`.
 *
 * @param table From {@linkcode processTable}.
 * @param roots Whose descendants.
 * @param skip Processes whose subtrees are left out (they are not included either).
 * @returns The descendants, parents before their children.
 */
export function descendants(
  table: ReadonlyMap<number, ProcessInfo>,
  roots: Iterable<number>,
  skip: ReadonlySet<number> = new Set(),
): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const info of table.values()) {
    const list = children.get(info.ppid);
    if (list === undefined) children.set(info.ppid, [info]);
    else list.push(info);
  }
  const found: ProcessInfo[] = [];
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child.pid) || skip.has(child.pid)) continue;
      seen.add(child.pid);
      if (child.state !== "Z") found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/**
 * The outer `bwrap` of each confined run in progress (`confine.ts` adds and
 * removes them). Ending a run leaves their trees alone at first: the runner
 * stops the task and its namespace ends with it (docs/adr/0009); a task that
 * honours `ctx.signal` gets to clean up.
 */
export const confinedRunners: Set<number> = new Set();

/**
 * The other live members of `root`'s process group, when `root` leads it (a
 * terminal's shell makes each job's first process the leader): the
 * processes wst's children started there, including those whose parent died
 * of a terminal's Ctrl-C before wst heard it (left to init or a subreaper,
 * out of the tree). The other processes of the job (`wst … | tee log`: the
 * shell's children, like the root) and their descendants are not. A process in another group (a
 * detached one) is found through the tree.
 *
 * @param table From {@linkcode processTable}.
 * @param root The group's leader, if it leads one.
 * @returns The members, the root and its siblings left out.
 */
export function groupMembers(table: ReadonlyMap<number, ProcessInfo>, root: number): ProcessInfo[] {
  const leader = table.get(root);
  if (leader?.pgrp !== root) return [];
  const siblings = new Set(
    [...table.values()].filter((info) =>
      info.pgrp === root && info.ppid === leader.ppid && info.pid !== root
    )
      .map((info) => info.pid),
  );
  // A member below a sibling is that sibling's (`wst … | xargs cmd`: cmd), not wst's.
  const underSibling = (info: ProcessInfo): boolean => {
    for (let at = table.get(info.ppid), hops = 0; at !== undefined && hops < 64; hops++) {
      if (at.pid === root) return false;
      if (siblings.has(at.pid)) return true;
      at = table.get(at.ppid);
    }
    return false;
  };
  return [...table.values()].filter((info) =>
    info.pgrp === root && info.pid !== root && !siblings.has(info.pid) && info.state !== "Z" &&
    !underSibling(info)
  );
}

/** How long processes have to exit after SIGTERM before they get SIGKILL. */
const KILL_GRACE_MS = 1_000;

/**
 * Ends the process tree of a run: {@linkcode ProcessReaper.snapshot} before
 * the run is aborted (a parent that dies of the abort leaves its children to
 * init, out of the tree), {@linkcode ProcessReaper.terminate} after, and
 * {@linkcode ProcessReaper.kill} once the run has settled.
 */
export class ProcessReaper {
  readonly #root: number;
  /** Processes seen in the tree: pid → start time. */
  readonly #known = new Map<number, string>();

  private constructor(root: number) {
    this.#root = root;
  }

  /**
   * Remembers every descendant of `root` now, except the confined runners' trees.
   *
   * @param root Whose descendants (default: this process).
   * @returns The reaper.
   */
  static snapshot(root: number = Deno.pid): ProcessReaper {
    const reaper = new ProcessReaper(root);
    const table = processTable();
    for (
      const info of [...descendants(table, [root], confinedRunners), ...groupMembers(table, root)]
    ) {
      reaper.#known.set(info.pid, info.start);
    }
    return reaper;
  }

  /** How many processes the snapshot holds. */
  get size(): number {
    return this.#known.size;
  }

  /**
   * Sends SIGTERM to every remembered process.
   *
   * @returns How many got it.
   */
  terminate(): number {
    let sent = 0;
    for (const pid of this.#alive(processTable())) {
      if (signal(pid, "SIGTERM")) sent++;
    }
    return sent;
  }

  /**
   * Waits up to `graceMs` for the remembered processes to exit, then stops
   * (SIGSTOP) what is left of them, every descendant of theirs and of the
   * root, again until nothing new appears (nothing can fork meanwhile), and
   * sends SIGKILL to all of them.
   *
   * @param options How long to wait first.
   * @returns How many processes got SIGKILL.
   */
  async kill(options: { graceMs?: number } = {}): Promise<number> {
    const until = Date.now() + (options.graceMs ?? KILL_GRACE_MS);
    while (this.#alive(processTable()).length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stopped = new Set<number>();
    for (let round = 0; round < 50; round++) {
      const table = processTable();
      const alive = this.#alive(table);
      const tree = [
        ...descendants(table, [this.#root, ...alive]),
        ...groupMembers(table, this.#root),
      ]
        .map((info) => info.pid);
      let fresh = 0;
      for (const pid of [...alive, ...tree]) {
        if (stopped.has(pid)) continue;
        stopped.add(pid);
        if (signal(pid, "SIGSTOP")) fresh++;
      }
      if (fresh === 0) break;
    }
    let killed = 0;
    for (const pid of stopped) {
      if (signal(pid, "SIGKILL")) killed++;
    }
    return killed;
  }

  /** The remembered processes still running (same pid and start time, not a zombie). */
  #alive(table: ReadonlyMap<number, ProcessInfo>): number[] {
    const alive: number[] = [];
    for (const [pid, start] of this.#known) {
      const info = table.get(pid);
      if (info !== undefined && info.start === start && info.state !== "Z") alive.push(pid);
    }
    return alive;
  }
}

function signal(pid: number, name: Deno.Signal): boolean {
  try {
    Deno.kill(pid, name);
    return true;
  } catch {
    return false; // ended meanwhile
  }
}
