// Builds the worker bundle of a built-in task into the bundle cache, or finds
// that the cached one still fits its sources (docs/adr/0004). Run as a child
// process by `_bundle_cache.ts` when a stamp is not fresh, and imported by
// `deno task build` and `deno task compile`, which build all of them.
//
// Several processes may build the same bundle at once (the tests run in
// parallel): each takes an exclusive lock on `<task>.lock` first, and the
// ones that waited find the stamp fresh. Every file is written to a unique
// temporary name and renamed into place, so a reader (which takes no lock)
// sees the old file or the new one, never half of one.
import manifest from "./_manifest.json" with { type: "json" };
import { runPool } from "../mr/pool.ts";
import {
  BUNDLE_CACHE,
  type BundleCacheOptions,
  bundleStem,
  filesPresent,
  GUARD_BUNDLE,
  isFresh,
  readStamp,
  RUNTIME_BUNDLE,
  sourcePath,
  type Stamp,
  stampUrl,
  statSource,
} from "./_bundle_cache.ts";

/** What {@linkcode ensureBundle} did. */
export type BundleOutcome =
  /** The stamp was fresh: nothing read, nothing written. */
  | "reused"
  /** Some stats had changed but not the content (or a bundle with that hash existed): new stamp. */
  | "restamped"
  /** The bundle was built. */
  | "built";

/**
 * Bare specifiers kept out of the bundles: dax is imported on demand, only by
 * tasks that declare binaries, and pulls in Node compatibility (~50 ms).
 */
const EXTERNAL = ["dax"];

/** Temporary files older than this are left-overs of a killed builder. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Makes sure a task's bundle in the cache fits its sources: reuses it when
 * the stamp is fresh; when only stats changed, hashes the recorded sources
 * and restamps if their content is the same; else works out the module graph
 * again (`deno info`), hashes it, and builds the bundle unless one with that
 * hash is already there. Old bundles of the task are removed.
 *
 * @param module The task module, relative to the root (`tasks/init.ts`).
 * @param cache The cache (default: wst's own).
 * @returns The bundle's `file:` URL and what was done.
 * @throws {Error} When `deno info` or `deno bundle` fails (with their message).
 */
export async function ensureBundle(
  module: string,
  cache: BundleCacheOptions = BUNDLE_CACHE,
): Promise<{ url: string; outcome: BundleOutcome }> {
  const stem = bundleStem(module);
  let lock: Deno.FsFile;
  try {
    await Deno.mkdir(cache.cacheDir, { recursive: true });
    lock = await Deno.open(new URL(`${stem}.lock`, cache.cacheDir), { create: true, write: true });
  } catch (err) {
    const folder = decodeURIComponent(cache.cacheDir.pathname);
    throw new Error(
      `cannot write to the bundle cache ${JSON.stringify(folder)}: ${
        err instanceof Error ? err.message : String(err)
      } (run "deno task build" once as a user who can)`,
    );
  }
  try {
    await lock.lock(true);
    const stamp = readStamp(module, cache);
    const urlOf = (bundle: string) => new URL(bundle, cache.cacheDir).href;
    if (stamp !== null && isFresh(stamp, cache)) {
      return { url: urlOf(stamp.bundle), outcome: "reused" };
    }
    if (stamp !== null && stamp.deno === Deno.version.deno && stamp.module === module) {
      const again = await snapshot(module, stamp.sources.map(([path]) => path), cache);
      if (
        again.hash === stamp.hash && filesPresent(stamp, cache)
      ) {
        await writeAtomic(stampUrl(module, cache), stampText({ ...stamp, sources: again.sources }));
        return { url: urlOf(stamp.bundle), outcome: "restamped" };
      }
    }
    const dir = await Deno.makeTempDir({ prefix: "wst-bundle-" });
    try {
      const entry = `${dir}/entry.ts`;
      const source = JSON.stringify(new URL(module, cache.root).href);
      await Deno.writeTextFile(
        entry,
        cache.plain === true
          ? `export * from ${source};\n`
          : `import { serve } from ${JSON.stringify(cache.runtime.href)};\n` +
            `import task from ${source};\n` +
            `serve(task, ${JSON.stringify(module)});\n`,
      );
      const current = await snapshot(module, await sourcesOf(entry, cache), cache);
      const named = `${stem}-${current.hash.slice(0, 16)}`;
      const bundle = `${named}.js`;
      const target = new URL(bundle, cache.cacheDir);
      let outcome: BundleOutcome = "restamped";
      let chunks = stamp?.bundle === bundle ? stamp.chunks ?? [] : undefined;
      if (chunks === undefined || !filesPresent({ bundle, chunks }, cache)) {
        const built = await runBundler(entry, `${dir}/out`, named, cache);
        // The chunks first: whoever reads the new stamp finds every file it names.
        for (const chunk of built.chunks) {
          await writeAtomic(new URL(chunk.name, cache.cacheDir), chunk.text);
        }
        const header =
          `// Built by wst from ${module} (sources ${current.hash}): a cache file, do not edit.\n`;
        await writeAtomic(target, header + built.entry);
        chunks = built.chunks.map((chunk) => chunk.name);
        outcome = "built";
      }
      const next: Stamp = {
        module,
        deno: Deno.version.deno,
        hash: current.hash,
        bundle,
        ...(chunks.length === 0 ? {} : { chunks }),
        sources: current.sources,
      };
      await writeAtomic(stampUrl(module, cache), stampText(next));
      await prune(stem, named, cache);
      return { url: target.href, outcome };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    lock.close(); // releases the lock
  }
}

/**
 * Builds (or reuses) the bundle of every built-in task in the manifest,
 * `jobs` at a time.
 *
 * @param cache The cache (default: wst's own).
 * @param options `jobs`: builds at a time (default: the number of CPUs).
 * @returns For each task module (`tasks/init.ts`), in the manifest's order:
 * its bundle's URL, what was done and how long it took.
 */
export async function ensureAllBundles(
  cache: BundleCacheOptions = BUNDLE_CACHE,
  options: { jobs?: number } = {},
): Promise<Array<{ module: string; url: string; outcome: BundleOutcome; ms: number }>> {
  // With wst's own cache, `wst guard`'s bundle and the local tasks' worker runtime too.
  const plain = new Map(
    cache === BUNDLE_CACHE
      ? [GUARD_BUNDLE, RUNTIME_BUNDLE].map((bundle) => [bundle.module, bundle.cache])
      : [],
  );
  const modules = [...manifest.tasks.map((task) => task.module), ...plain.keys()];
  const results = await runPool(modules, {
    jobs: options.jobs ?? navigator.hardwareConcurrency,
    work: async (module) => {
      const started = performance.now();
      const { url, outcome } = await ensureBundle(module, plain.get(module) ?? cache);
      return { module, url, outcome, ms: performance.now() - started };
    },
  });
  return results.filter((result) => result !== undefined);
}

function stampText(stamp: Stamp): string {
  return JSON.stringify(stamp) + "\n";
}

/**
 * The local files of the entry's module graph (`deno info`), plus the
 * configuration and lock file and this builder: everything the bundle's text
 * depends on besides the Deno version. Paths inside the root are relative.
 */
async function sourcesOf(entry: string, cache: BundleCacheOptions): Promise<string[]> {
  const out = await deno(["info", "--json", ...configArgs(cache), entry], cache);
  if (!out.success) throw new Error(`deno info failed:\n${out.stderr}`);
  const graph = JSON.parse(out.stdout) as { modules: Array<{ specifier: string }> };
  const entryUrl = new URL(`file://${entry}`).href;
  const urls = graph.modules.map((m) => m.specifier)
    .filter((specifier) => specifier.startsWith("file:") && specifier !== entryUrl);
  urls.push(
    new URL("deno.json", cache.root).href,
    new URL("deno.lock", cache.root).href,
    import.meta.url,
  );
  const root = cache.root.href;
  const paths = urls.map((url) => url.startsWith(root) ? url.slice(root.length) : url);
  return [...new Set(paths)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Stats the sources, then reads and hashes them (in that order: a file that
 * changes in between has a newer stat than the one recorded, so the next run
 * hashes it again). A missing file hashes as missing.
 */
async function snapshot(
  module: string,
  paths: readonly string[],
  cache: BundleCacheOptions,
): Promise<{ hash: string; sources: Array<[string, number, number]> }> {
  const sources = paths.map((path): [string, number, number] => [
    path,
    ...statSource(sourcePath(path, cache)),
  ]);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`wst bundle\0${Deno.version.deno}\0${module}\0`)];
  for (const path of paths) {
    let content: Uint8Array;
    try {
      content = await Deno.readFile(sourcePath(path, cache));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      parts.push(encoder.encode(`${path}\0missing\0`));
      continue;
    }
    parts.push(encoder.encode(`${path}\0${content.length}\0`), content);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  const hash = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return { hash, sources };
}

/**
 * Bundles one built-in task with the worker runtime into a minified ES module
 * (`deno bundle`, browser export conditions so that `yaml` resolves to its ES
 * build instead of its CommonJS one, which would start Node compatibility
 * inside the worker). A worker loads it in a few milliseconds where the
 * unbundled graph of ~190 modules takes ~60. Code the task imports only on
 * some paths (`await import(…)`: the `yaml` package that positions a
 * configuration error) goes to chunks, files of their own next to it, loaded
 * when used: a valid file never pays for `yaml`'s ~190 kB. Each chunk is named
 * after the bundle (`<named>.<chunk>.js`), so that it goes with it.
 *
 * @param entry The entry module.
 * @param outDir An empty folder for the bundler's output.
 * @param named The bundle's name without `.js`: `validate_config-0123456789abcdef`.
 * @returns The entry's text and the chunks' names and texts.
 */
async function runBundler(
  entry: string,
  outDir: string,
  named: string,
  cache: BundleCacheOptions,
): Promise<{ entry: string; chunks: Array<{ name: string; text: string }> }> {
  const result = await deno([
    "bundle",
    "--quiet",
    ...configArgs(cache),
    "--platform",
    "browser",
    "--minify",
    "--keep-names",
    "--code-splitting",
    ...EXTERNAL.flatMap((name) => ["--external", name]),
    "--outdir",
    outDir,
    entry,
  ], cache);
  if (!result.success) throw new Error(`deno bundle failed:\n${result.stderr}`);
  const entryName = entry.slice(entry.lastIndexOf("/") + 1).replace(/\.ts$/, ".js");
  const files = new Map<string, string>();
  for await (const file of Deno.readDir(outDir)) {
    if (file.isFile && file.name.endsWith(".js")) {
      files.set(file.name, await Deno.readTextFile(`${outDir}/${file.name}`));
    }
  }
  if (!files.has(entryName)) throw new Error(`deno bundle wrote no ${entryName} in ${outDir}`);
  const renamed = new Map(
    [...files.keys()].filter((name) => name !== entryName).map((
      name,
    ) => [name, `${named}.${name}`]),
  );
  // Every import between the files is a literal "./<chunk>.js" (esbuild's output).
  const rename = (text: string) =>
    text.replace(/"\.\/([\w.-]+\.js)"/g, (whole, name: string) => {
      const to = renamed.get(name);
      return to === undefined ? whole : JSON.stringify(`./${to}`);
    });
  const self = cache.selfUrl === undefined ? undefined : relativeUrl(cache.cacheDir, cache.selfUrl);
  // Relative to the bundle's own URL, so that the checkout can move.
  const own = (text: string) =>
    self === undefined ? text : text.replaceAll(
      "import.meta.url",
      `new URL(${JSON.stringify(self)}, import.meta.url).href`,
    );
  return {
    entry: own(rename(files.get(entryName)!)),
    chunks: [...renamed].map(([from, to]) => ({ name: to, text: own(rename(files.get(from)!)) })),
  };
}

/** `to` relative to the folder `from` (both `file:` URLs). */
function relativeUrl(from: URL, to: URL): string {
  const a = from.pathname.split("/").slice(0, -1);
  const b = to.pathname.split("/");
  let common = 0;
  while (common < a.length && common < b.length - 1 && a[common] === b[common]) common++;
  return "../".repeat(a.length - common) + b.slice(common).join("/");
}

function configArgs(cache: BundleCacheOptions): string[] {
  return ["--config", decodeURIComponent(new URL("deno.json", cache.root).pathname)];
}

async function deno(
  args: string[],
  cache: BundleCacheOptions,
): Promise<{ success: boolean; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: decodeURIComponent(cache.root.pathname),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).output();
  const decoder = new TextDecoder();
  return {
    success: out.success,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr).trim(),
  };
}

/** Writes a file under a name no other process uses, then renames it into place. */
async function writeAtomic(url: URL, text: string): Promise<void> {
  const tmp = new URL(`${url.href}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, url);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Removes the task's other bundles and any temporary file a killed builder
 * left. A run that read the previous stamp an instant before may still be
 * about to load the bundle removed here; it fails once with a load error.
 */
async function prune(stem: string, keep: string, cache: BundleCacheOptions): Promise<void> {
  const own = new RegExp(`^${stem.replace(/[^\w]/g, "\\$&")}-[0-9a-f]{16}(\\.[\\w.-]+)?\\.js$`);
  for await (const entry of Deno.readDir(cache.cacheDir)) {
    const url = new URL(entry.name, cache.cacheDir);
    const current = entry.name === `${keep}.js` || entry.name.startsWith(`${keep}.`);
    let remove = entry.isFile && !current && own.test(entry.name);
    if (!remove && entry.isFile && entry.name.endsWith(".tmp")) {
      const mtime = (await Deno.stat(url).catch(() => null))?.mtime?.getTime();
      remove = mtime !== undefined && Date.now() - mtime > STALE_TEMP_MS;
    }
    if (remove) await Deno.remove(url).catch(() => {});
  }
}

if (import.meta.main) {
  // _bundle_cache.ts runs: <module> --root <url> --cache-dir <url> --runtime <url> [--self-url <url>]
  // [--plain]
  const [module, ...rest] = Deno.args;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i === -1 ? undefined : rest[i + 1];
  };
  const root = option("--root");
  const cacheDir = option("--cache-dir");
  const runtime = option("--runtime");
  const selfUrl = option("--self-url");
  const cache = root && cacheDir && runtime
    ? {
      root: new URL(root),
      cacheDir: new URL(cacheDir),
      runtime: new URL(runtime),
      ...(selfUrl === undefined ? {} : { selfUrl: new URL(selfUrl) }),
      ...(rest.includes("--plain") ? { plain: true } : {}),
    }
    : BUNDLE_CACHE;
  try {
    if (module === undefined) throw new Error("Missing the task module to bundle");
    const result = await ensureBundle(module, cache);
    Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(result) + "\n"));
  } catch (err) {
    Deno.stderr.writeSync(
      new TextEncoder().encode(`${err instanceof Error ? err.message : String(err)}\n`),
    );
    Deno.exit(1);
  }
}
