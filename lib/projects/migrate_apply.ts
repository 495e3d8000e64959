import { WstError } from "../errors/mod.ts";
import { syncFile, syncFolderOf, writeTextFileAtomic } from "../fs/mod.ts";
import type { Shell } from "../task/context.ts";
import { exists, ignores, readText, sameBytes, type Step } from "./migrate_plan.ts";

/** Where the migration journal lives, relative to the root. */
export const JOURNAL_PATH = ".wst/migrate-projects.journal.json";

/** One migration run, as recorded before it acted. */
export interface JournalRun {
  state: "migrating" | "migrated" | "rolling-back";
  startedAt: string;
  steps: Step[];
}

/** The journal: every run not rolled back, oldest first. */
export interface Journal {
  version: 1;
  /** Whether `.wst/` was created for the journal (removed again by a full rollback). */
  createdWstDir: boolean;
  runs: JournalRun[];
}

/** Reads the journal, or null when there is none. */
export async function readJournal(root: string): Promise<Journal | null> {
  const text = await readText(`${root}/${JOURNAL_PATH}`);
  if (text === null) return null;
  try {
    const journal = JSON.parse(text) as Journal;
    if (journal.version === 1 && Array.isArray(journal.runs)) return journal;
  } catch {
    // fall through
  }
  throw new WstError(
    `The migration journal ${JOURNAL_PATH} is unreadable: restore it from a backup`,
  );
}

/** Writes the journal durably: temporary file, fsync, rename. */
export async function writeJournal(root: string, journal: Journal): Promise<void> {
  await Deno.mkdir(`${root}/.wst`, { recursive: true });
  await writeDurably(`${root}/${JOURNAL_PATH}`, JSON.stringify(journal, null, 1) + "\n");
}

/** Removes the journal (after a full rollback), and `.wst/` when the journal created it. */
export async function removeJournal(root: string, journal: Journal): Promise<void> {
  await Deno.remove(`${root}/${JOURNAL_PATH}`).catch(ignoreNotFound);
  if (journal.createdWstDir) await Deno.remove(`${root}/.wst`).catch(() => {});
}

/**
 * Carries out one step so that doing it again is harmless: a step already
 * done is recognised and skipped. That is what makes a killed migration
 * resumable: the next run replays every step of the journal.
 *
 * @param root Absolute workspace root.
 * @param step The step.
 * @param $ A shell that may run `ln` (symlinks).
 */
export async function applyStep(root: string, step: Step, $: Shell): Promise<void> {
  const abs = (p: string) => `${root}/${p}`;
  switch (step.op) {
    case "mkdir":
      await Deno.mkdir(abs(step.path), { recursive: true });
      return;
    case "move":
      return await moveFile(abs(step.from), abs(step.to));
    case "rmdir": {
      const path = abs(step.path);
      if (!(await exists(path))) return;
      // Reached through the Kiro symlink of an earlier run: the folder is already gone.
      if ((await Deno.realPath(path)) !== path) return;
      // Only an empty folder: a file left in it stops the run instead of being deleted.
      await Deno.remove(path);
      return;
    }
    case "symlink": {
      const path = abs(step.path);
      if (await exists(path)) {
        const info = await Deno.lstat(path);
        if (info.isSymlink && (await Deno.readLink(path)) === step.target) return;
        throw new WstError(`Cannot create the symlink ${step.path}: something else is there`);
      }
      const out = await $`ln -s ${step.target} ${path}`.stderr("piped").noThrow();
      if (out.code !== 0) {
        throw new WstError(`Cannot create the symlink ${step.path}: ${out.stderr.trim()}`);
      }
      return;
    }
    case "write":
      if ((await readText(abs(step.path))) === step.text) return;
      await writeDurably(abs(step.path), step.text);
      return;
    case "gitignore": {
      const current = await readText(abs(".gitignore"));
      if (current === step.after || ignores(current ?? "")) return;
      const text = current ?? "";
      const sep = text === "" || text.endsWith("\n") ? "" : "\n";
      await writeDurably(abs(".gitignore"), `${text}${sep}.ai/projects/\n`);
      return;
    }
  }
}

/**
 * Undoes one step, also harmlessly when it was never done or already undone.
 *
 * @param root Absolute workspace root.
 * @param step The step to undo.
 */
export async function undoStep(root: string, step: Step): Promise<void> {
  const abs = (p: string) => `${root}/${p}`;
  switch (step.op) {
    case "mkdir":
      // Only when empty: content someone added since the migration is never deleted.
      await Deno.remove(abs(step.path)).catch((err) => {
        if (err instanceof Deno.errors.NotFound) return;
        throw new WstError(
          `Cannot remove ${step.path} while rolling back: it holds files the migration did not put there`,
        );
      });
      return;
    case "move":
      return await moveFile(abs(step.to), abs(step.from));
    case "rmdir":
      await Deno.mkdir(abs(step.path), { recursive: true });
      return;
    case "symlink": {
      const path = abs(step.path);
      if ((await exists(path)) && (await Deno.lstat(path)).isSymlink) await Deno.remove(path);
      return;
    }
    case "write":
      await Deno.remove(abs(step.path)).catch(ignoreNotFound);
      return;
    case "gitignore": {
      const current = await readText(abs(".gitignore"));
      if (current === step.before) return;
      if (current === step.after) {
        if (step.before === null) await Deno.remove(abs(".gitignore"));
        else await writeDurably(abs(".gitignore"), step.before);
        return;
      }
      // Edited since: take out only the line the migration added.
      if (current !== null) {
        await writeDurably(
          abs(".gitignore"),
          current.split("\n").filter((l) => l.trim() !== ".ai/projects/").join("\n"),
        );
      }
      return;
    }
  }
}

/**
 * Moves a file so that its bytes exist exactly once whatever happens: a
 * rename where possible; across file systems a copy, fsync, byte-for-byte
 * check, rename into place and fsync of the target's folder, and only then
 * removal of the source (the two file systems order nothing between them).
 * Idempotent: a move already done (source gone, target there) is skipped,
 * and a copy finished before a crash (both there, same bytes) just loses its
 * source.
 *
 * @param from The file to move.
 * @param to Where it goes; its folder exists.
 * @throws {WstError} When neither is there, or a different file is already at `to`.
 */
export async function moveFile(from: string, to: string): Promise<void> {
  const [hasFrom, hasTo] = await Promise.all([exists(from), exists(to)]);
  if (!hasFrom) {
    if (hasTo) return;
    throw new WstError(`Cannot move ${from}: it is gone, and ${to} is not there either`);
  }
  if (hasTo) {
    // Seen through the Kiro symlink made by an earlier run, the source *is* the target: the move
    // is done, and removing "the source" would delete the only copy.
    if ((await Deno.realPath(from)) === (await Deno.realPath(to))) return;
    if (await sameBytes(from, to)) {
      await Deno.remove(from);
      return;
    }
    throw new WstError(`Cannot move ${from} to ${to}: a different file is already there`);
  }
  try {
    await Deno.rename(from, to);
  } catch (err) {
    if (!(err instanceof Error) || !/cross-device|EXDEV/i.test(err.message)) throw err;
    const tmp = `${to}.wst-copy`;
    await Deno.copyFile(from, tmp);
    await syncFile(tmp);
    if (!(await sameBytes(from, tmp))) throw new WstError(`Copying ${from} did not verify`);
    await Deno.rename(tmp, to);
    await syncFolderOf(to);
    await Deno.remove(from);
  }
}

function writeDurably(path: string, text: string): Promise<void> {
  return writeTextFileAtomic(path, text, { durable: true });
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}
