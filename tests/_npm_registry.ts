// A tiny npm registry on loopback for tests (never the internet): serves the
// packuments and tarballs of packages built in the test from a few files, and
// counts the requests, so a test can prove that a command made none.

/** One package version to serve: its name, version and files (under `package/`). */
export interface FixturePackage {
  name: string;
  version: string;
  files: Record<string, string>;
}

/** A running registry. */
export interface NpmRegistry extends AsyncDisposable {
  /** Its URL, with a trailing slash (`NPM_CONFIG_REGISTRY`). */
  readonly url: string;
  /** Deno's npm cache folder for it, relative to `DENO_DIR/npm/`. */
  readonly cacheFolder: string;
  /** Every request path it answered, in order. */
  readonly requests: string[];
}

/**
 * Builds the packages' tarballs (with `tar`) and serves them on 127.0.0.1.
 *
 * @param packages What to serve.
 * @returns The registry; dispose it to stop it.
 */
export async function startNpmRegistry(packages: readonly FixturePackage[]): Promise<NpmRegistry> {
  const work = await Deno.makeTempDir({ prefix: "wst-npm-" });
  const tarballs = new Map<string, Uint8Array>();
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      requests.push(path);
      const tarball = tarballs.get(path);
      if (tarball !== undefined) return new Response(tarball as Uint8Array<ArrayBuffer>);
      const name = path.slice(1);
      const versions = packages.filter((p) => p.name === name);
      if (versions.length === 0) return new Response("not found", { status: 404 });
      return Response.json(packument(name, versions));
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const dist = new Map<string, { tarball: string; integrity: string; shasum: string }>();
  for (const pkg of packages) {
    const dir = `${work}/${pkg.name}-${pkg.version}`;
    for (const [file, text] of Object.entries({ ...pkg.files, "package.json": packageJson(pkg) })) {
      const path = `${dir}/package/${file}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(path, text);
    }
    const out = await new Deno.Command("tar", {
      args: ["-czf", "-", "-C", dir, "package"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`tar failed: ${new TextDecoder().decode(out.stderr)}`);
    const bytes = out.stdout;
    const tarPath = `/${pkg.name}/-/${pkg.name.split("/").at(-1)}-${pkg.version}.tgz`;
    tarballs.set(tarPath, bytes);
    dist.set(`${pkg.name}@${pkg.version}`, {
      tarball: `${url}${tarPath.slice(1)}`,
      integrity: `sha512-${await digest("SHA-512", bytes, "base64")}`,
      shasum: await digest("SHA-1", bytes, "hex"),
    });
  }
  function packument(name: string, versions: readonly FixturePackage[]) {
    return {
      name,
      "dist-tags": { latest: versions.at(-1)!.version },
      versions: Object.fromEntries(
        versions.map((p) => [p.version, {
          name: p.name,
          version: p.version,
          dist: dist.get(`${p.name}@${p.version}`),
        }]),
      ),
    };
  }
  return {
    url,
    cacheFolder: `${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await Deno.remove(work, { recursive: true });
    },
  };
}

function packageJson(pkg: FixturePackage): string {
  return JSON.stringify({ name: pkg.name, version: pkg.version, type: "module", main: "index.js" });
}

async function digest(
  algorithm: "SHA-512" | "SHA-1",
  bytes: Uint8Array,
  encoding: "base64" | "hex",
): Promise<string> {
  const hash = new Uint8Array(
    await crypto.subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>),
  );
  return encoding === "hex"
    ? Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("")
    : btoa(String.fromCharCode(...hash));
}
