// Inside a task's worker, once its run starts: what makes a child process the
// task may not start a sandbox denial (exit 3) rather than "command not
// found" (exit 1), and what shows the task the declared vars of its dotenv
// files. Captured here before any task code loads.
//
// - `new Deno.Command(name)`: Deno refuses an undeclared binary it finds on
//   PATH, but one it cannot find (confined, most of the host's PATH is not
//   there) fails as "entity not found". A command that is not declared is
//   refused before Deno looks.
// - `ctx.$` (dax) looks a command up on PATH with `Deno.stat`, and takes a
//   refused stat for "not there": it then says "command not found". A refused
//   stat of `<PATH folder>/<name>` for a name that is not declared is raised
//   as the refusal to run it, which dax passes on.
import { resolvePath, SEP } from "../_path.ts";

const NotCapable = Deno.errors.NotCapable;
const PermissionDenied = Deno.errors.PermissionDenied;
// `Deno.Command` is loaded on first use (~3 ms: the process extension and the streams it needs):
// its getter is kept, not called, so a task that starts no process never pays for it.
const commandProperty = Object.getOwnPropertyDescriptor(Deno, "Command");
const realCommand = (): typeof Deno.Command =>
  commandProperty?.get !== undefined
    ? commandProperty.get.call(Deno)
    : commandProperty?.value ?? Deno.Command;
const realStat = Deno.stat.bind(Deno);
const realEnvGet = Deno.env.get.bind(Deno.env);
const realEnvHas = Deno.env.has.bind(Deno.env);
const realEnvToObject = Deno.env.toObject.bind(Deno.env);

/**
 * The original `Deno.Command`, for wst's own children (`ctx.script`'s bash).
 *
 * @returns The class.
 */
export function command(): typeof Deno.Command {
  return realCommand();
}

/** Refusals dax must pass on: `instanceof PermissionDenied` holds for them. */
const passOn = new WeakSet<object>();

/** A refusal to run `name`, as Deno words it (so the host reports the operation). */
function runRefusal(name: string): Error {
  return new NotCapable(
    `Requires run access to ${JSON.stringify(name)}, which the task does not declare`,
  );
}

/**
 * Installs the guards for one run.
 *
 * @param run `permissions.run` as declared.
 * @param binaries The declared binaries found (or declared as paths) → their absolute paths.
 * @param options The task's root; the shell's `PATH`; the dotenv files' vars to show in `Deno.env`.
 */
export function guardChildren(
  run: readonly string[],
  binaries: Readonly<Record<string, string>>,
  options: { root: string; path: string; dotenv: Readonly<Record<string, string>> },
): void {
  // A declared name not found on PATH stays declared: Deno then says it is not found.
  const names = new Set<string>(run.filter((name) => !name.includes("/")));
  const paths = new Set<string>();
  for (const [name, path] of Object.entries(binaries)) {
    names.add(name);
    paths.add(path);
    names.add(path.slice(path.lastIndexOf(SEP) + 1));
  }
  const declared = (command: string) =>
    command.includes("/") ? paths.has(resolvePath(options.root, command)) : names.has(command);

  let guarded: typeof Deno.Command | undefined;
  const guardedCommand = () => {
    guarded ??= class GuardedCommand extends realCommand() {
      constructor(command: string | URL, commandOptions?: Deno.CommandOptions) {
        const name = command instanceof URL
          ? decodeURIComponent(command.pathname)
          : String(command);
        if (!declared(name)) throw runRefusal(name);
        super(command, commandOptions);
      }
    };
    return guarded;
  };
  // A getter, as Deno's own is: the real class is loaded only when the task uses it.
  Object.defineProperty(Deno, "Command", {
    get: guardedCommand,
    set: () => {
      throw new TypeError("Deno.Command cannot be replaced in a task");
    },
    configurable: false,
  });

  const pathDirs = new Set(
    options.path.split(":").filter((d) => d !== "").map((d) => d.replace(/\/+$/, "")),
  );
  Deno.stat = async (path: string | URL) => {
    try {
      return await realStat(path);
    } catch (err) {
      const text = path instanceof URL ? decodeURIComponent(path.pathname) : String(path);
      const cut = text.lastIndexOf(SEP);
      const dir = text.slice(0, cut);
      const name = text.slice(cut + 1);
      if (err instanceof NotCapable && pathDirs.has(dir) && !names.has(name)) {
        const refusal = runRefusal(name);
        passOn.add(refusal);
        throw refusal;
      }
      throw err;
    }
  };
  const hasInstance = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(PermissionDenied, Symbol.hasInstance, {
    value: (value: unknown) =>
      (typeof value === "object" && value !== null && passOn.has(value)) ||
      hasInstance.call(PermissionDenied, value),
  });

  // The process env wins over the files; the files' vars are declared ones only (the host says).
  const dotenv = options.dotenv;
  if (Object.keys(dotenv).length > 0) {
    Deno.env.get = (name: string) =>
      realEnvGet(name) ?? (Object.hasOwn(dotenv, name) ? dotenv[name] : undefined);
    Deno.env.has = (name: string) => realEnvHas(name) || Object.hasOwn(dotenv, name);
    Deno.env.toObject = () => ({ ...dotenv, ...realEnvToObject() });
  }
}
