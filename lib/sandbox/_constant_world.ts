// What a task module sees in a worker that inspects it (describes it, or computes its
// permissions for given arguments): a world that is the same in every process, so that nothing but
// the parsed arguments can make `permissions(args)` differ between `wst describe` and a run.
//
// The inspecting worker has no permissions: env, files, the working folder, the host name and the
// system's details are refused already. What needs no permission is made constant here, for the
// worker's whole life (its top-level code included): the clock, randomness, process ids, whether a
// terminal is attached, the locale; and no Worker can be started (it would see the real ones).
// `Deno.args` is empty in every task worker (see the runtime).

/** The worker name prefix the host gives an inspecting worker. */
export const INSPECT_PREFIX = "wst-inspect:";

/** The one instant an inspecting worker sees: 2000-01-01T00:00:00Z. */
const EPOCH = Date.UTC(2000, 0, 1);

/**
 * Makes the clock, randomness and process details constant in this worker.
 * Called by the runtime before the task's module is evaluated.
 */
export function constantWorld(): void {
  const RealDate = Date;
  // `new Date()` and `Date.now()` are the fixed instant; `new Date(x)` is unchanged.
  const FixedDate = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(EPOCH).toString();
    // deno-lint-ignore no-explicit-any
    return args.length === 0 ? new RealDate(EPOCH) : new (RealDate as any)(...args);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(FixedDate, RealDate);
  Object.defineProperties(FixedDate, {
    prototype: { value: RealDate.prototype },
    now: { value: () => EPOCH },
    parse: { value: RealDate.parse },
    UTC: { value: RealDate.UTC },
  });
  define(globalThis, "Date", FixedDate);
  define(performance, "now", () => 0);
  define(performance, "timeOrigin", EPOCH);
  for (const key of ["mark", "measure"]) {
    define(performance, key, () => {
      throw new Error(`performance.${key}() is not available while wst inspects a task`);
    });
  }

  // Randomness: one fixed sequence (mulberry32), the same in every inspecting worker.
  let seed = 0x5eed;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  define(Math, "random", next);
  define(crypto, "getRandomValues", <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return array;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
    return array;
  });
  define(crypto, "randomUUID", () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${
      hex.slice(20)
    }`;
  });

  // The process: ids, terminals, memory, console size, locale.
  define(Deno, "pid", 0);
  define(Deno, "ppid", 0);
  define(Deno, "noColor", true);
  for (const stream of new Set([Deno.stdin, Deno.stdout, Deno.stderr])) {
    define(stream, "isTerminal", () => false);
  }
  // What is piped into wst (or typed at its terminal) is not the task's to see: stdin is empty.
  define(Deno.stdin, "read", () => Promise.resolve(null));
  define(Deno.stdin, "readSync", () => null);
  define(Deno.stdin, "readable", new ReadableStream({ start: (c) => c.close() }));
  define(Deno, "consoleSize", () => {
    throw new Error("Deno.consoleSize() is not available while wst inspects a task");
  });
  define(Deno, "memoryUsage", () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0 }));
  // A worker started from here would see the real clock and the CLI's command line.
  define(globalThis, "Worker", function Worker() {
    throw new Error("A task cannot start a Worker while wst inspects it");
  });
  define(navigator, "language", "en-US");
  define(navigator, "languages", Object.freeze(["en-US"]));
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: false, writable: false });
}
