// deno task compile [--target <triple>] [--output <path>]
// Builds the single `wst` binary. Flags come from scripts/runtime_flags.ts, the
// same ones the tests use with `deno run`. Every built-in task's worker bundle
// is built first (or found fresh) in the bundle cache and embedded with its
// stamp: inside the binary the sources are absent, so the stamps are trusted
// as they are. Targets: TARGETS below; the release workflow
// (.github/workflows/release.yml) builds each as `assetName(target)`.
// `deno compile` downloads its `denort` runtime unless DENORT_BIN points at one
// (offline machines, air-gapped CI).
import { ensureAllBundles } from "../lib/registry/_bundle_build.ts";
import { BUNDLE_CACHE, readStamp, stampUrl } from "../lib/registry/_bundle_cache.ts";
import { COMPILE_INCLUDES, ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "./runtime_flags.ts";

/** The targets wst is released for (`deno compile --target`). */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/** The release asset of a target: `wst-<target>`, with `.exe` for Windows. */
export function assetName(target: string): string {
  return `wst-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The `deno compile` arguments for a target and output path.
 *
 * @param options `bundles`: the bundle and stamp files to embed, relative to the repository root.
 */
export function compileArgs(
  options: { target?: string; output: string; bundles: readonly string[] },
): string[] {
  return [
    "compile",
    ...RUNTIME_FLAGS,
    ...[...COMPILE_INCLUDES, ...options.bundles].flatMap((path) => ["--include", path]),
    ...(options.target ? ["--target", options.target] : []),
    "--output",
    options.output,
    ENTRY_POINT,
  ];
}

/**
 * Builds (or finds fresh) every built-in task's bundle.
 *
 * @returns The bundle and stamp files to embed, relative to the repository root.
 */
export async function bundleFiles(): Promise<string[]> {
  const root = BUNDLE_CACHE.root.href;
  const files: string[] = [];
  for (const { module, url } of await ensureAllBundles()) {
    files.push(stampUrl(module, BUNDLE_CACHE).href.slice(root.length), url.slice(root.length));
    // Its chunks (code loaded on some paths only), next to it.
    for (const chunk of readStamp(module, BUNDLE_CACHE)?.chunks ?? []) {
      files.push(new URL(chunk, BUNDLE_CACHE.cacheDir).href.slice(root.length));
    }
  }
  return files;
}

if (import.meta.main) {
  const args = [...Deno.args];
  const take = (flag: string) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : args.splice(i, 2)[1];
  };
  const target = take("--target");
  const output = take("--output") ?? "dist/wst";
  const denort = Deno.env.get("DENORT_BIN");
  const bundles = await bundleFiles();
  const argv = compileArgs(
    target === undefined ? { output, bundles } : { target, output, bundles },
  );
  // deno-lint-ignore no-console
  console.error(`deno ${argv.join(" ")}${denort ? ` (DENORT_BIN=${denort})` : ""}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: argv,
    cwd: REPO_ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exit(code);
}
