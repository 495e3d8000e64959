// What a local module that failed to load is told about its imports (docs/adr/0013-module-deps.md):
// an import nothing maps or pins, pinned packages missing from Deno's cache, a compiled wst.
import { REPO_ROOT } from "../../scripts/runtime_flags.ts";
import { SEP } from "../_path.ts";
import { type DenoLock, npmRequirement, PINNED_CONFIG, PINNED_LOCK } from "./_module_deps.ts";

const quote = (value: unknown): string => JSON.stringify(value);

/**
 * The remedy for a folder whose pinned packages are missing from Deno's cache.
 *
 * @param folder The `.wst/` folder.
 * @param packages The missing packages.
 * @returns One sentence.
 */
export function missingMessage(folder: string, packages: readonly string[]): string {
  const shown = packages.slice(0, 3).map(quote).join(", ");
  const more = packages.length > 3 ? ` and ${packages.length - 3} more` : "";
  return `the packages ${folder}${SEP}${PINNED_LOCK} pins are not in Deno's cache (${shown}${more}): run "deno install --frozen" in ${folder} to fetch exactly those (the only step that uses the network)`;
}

/**
 * Says what a module that failed to load imports that nothing pins, and how
 * to pin it, when Deno's message is about that (an import no map has, an
 * `npm:` package that is not in the lock or not in Deno's cache).
 *
 * @param message The load failure's message.
 * @param context The module's source, the lock's `specifiers` (default: wst's
 *   lock), its `.wst/` folder as shown to the user.
 * @returns The message to show instead, or undefined when it is about something else.
 */
export function explainLoadFailure(
  message: string,
  context: {
    source: string;
    pinned?: readonly string[] | undefined;
    mapped?: { usable: readonly string[]; dropped: readonly string[] } | undefined;
    folder: string;
  },
): string | undefined {
  const { folder } = context;
  const how =
    `add it to ${folder}/${PINNED_CONFIG}'s imports and run "deno install" in ${folder} to pin it in ${folder}/${PINNED_LOCK}`;
  const bare = /Import "([^"]+)" not a dependency and not in import map/.exec(message)?.[1] ??
    /Relative import path "([^"]+)" not prefixed with/.exec(message)?.[1];
  if (bare !== undefined) {
    if (context.mapped?.dropped.includes(bare)) {
      return `Cannot load the task module: it imports ${
        quote(bare)
      }, which ${folder}/${PINNED_CONFIG} maps but cannot be used (see the problem with that file)`;
    }
    if (context.mapped?.usable.includes(bare)) return undefined; // mapped, but not loadable
    return `Cannot load the task module: it imports ${
      quote(bare)
    }, which neither wst nor ${folder}/${PINNED_CONFIG} maps: ${how}`;
  }
  const npm =
    /lockfile is out of date|Failed loading \S+ for package "([^"]+)"|npm package not found in cache: "([^"]+)"/
      .exec(message);
  if (npm === null) return undefined;
  const pinned = new Set(context.pinned ?? Object.keys(wstLock().specifiers ?? {}));
  const named = [...context.source.matchAll(/["'](npm:[^"'\s]+)["']/g)].map((m) => m[1]!)
    .filter((s) => !pinned.has(npmRequirement(s)));
  const name = npm[1] ?? npm[2];
  if (
    named.length === 0 &&
    (name === undefined || [...pinned].some((s) => s.startsWith(`npm:${name}@`)))
  ) {
    return undefined; // what it imports is pinned: something else is wrong (the cache?)
  }
  const what = named.length > 0 ? [...new Set(named)].map(quote).join(", ") : quote(`npm:${name}`);
  return `Cannot load the task module: it imports ${what}, which ${folder}/${PINNED_LOCK} does not pin: ${how}`;
}

/**
 * What a compiled wst says when it cannot load a local module: Deno's
 * compiled programs load only the modules built into them (a `file:` module
 * from disk is "Module not found"; docs/adr/0013-module-deps.md).
 *
 * @param message The load failure's message.
 * @param standalone Whether this is a compiled wst.
 * @returns The message to show instead, or undefined.
 */
export function compiledLoadMessage(
  message: string,
  standalone: boolean = Deno.build.standalone,
): string | undefined {
  if (!standalone || !/Module not found:? "?file:/.test(message)) return undefined;
  return `Cannot load the task module: this wst is a compiled binary, which loads only the modules built into it (a compiled Deno program cannot import a file from disk): run wst from its sources for local tasks ("sh scripts/deno.sh task wst …" in a clone of wst, or "deno run -A --unstable-worker-options <clone>/cli.ts …")`;
}

function wstLock(): DenoLock {
  try {
    return JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}${SEP}deno.lock`)) as DenoLock;
  } catch {
    return { version: "5" };
  }
}
