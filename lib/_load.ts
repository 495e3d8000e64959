// Loading wst's own modules on the paths that need them, out of sight of
// Deno's module graph.
//
// `deno run` builds the graph of the entry point before any code runs, and a
// literal `import("./x.ts")` is part of it: every module it reaches is read,
// hashed and checked against the emit cache, whether or not the run ever
// takes that path. Behind `cli.ts` that was the whole CLI, ~100 modules, ~5 ms
// of every command (measured side by side: `wst list` 43 → 38 ms, `deno eval 0`
// 27 ms). A URL built at run time is not followed: its module and what it
// imports are loaded when the import runs.
//
// A compiled wst embeds what `deno compile` finds in the graph, so each module
// loaded this way is listed in COMPILE_INCLUDES (scripts/runtime_flags.ts);
// tests/runtime_flags_test.ts checks every call against the list.

/**
 * Imports one of wst's own modules by URL.
 *
 * Write the path twice, for the type and the URL, the same:
 * `importOwn<typeof import("./x.ts")>(new URL("./x.ts", import.meta.url))`.
 *
 * @param url The module's URL.
 * @returns The module's namespace.
 */
export function importOwn<T>(url: URL): Promise<T> {
  return import(url.href);
}
