import { assert, assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  mergedConfigText,
  mergeLocks,
  moduleDeps,
  npmRequirement,
  readPins,
} from "./_module_deps.ts";
import { missingPackages, npmCacheFolder } from "./_npm_cache.ts";
import { compiledLoadMessage, explainLoadFailure } from "./_load_failure.ts";

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-deps-" }));
  const folder = `${dir}/.wst`;
  for (const [path, text] of Object.entries(files)) {
    const full = `${folder}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  return folder;
}

const LOCK = JSON.stringify({
  version: "5",
  specifiers: { "npm:left-pad@1.3.0": "1.3.0" },
  npm: { "left-pad@1.3.0": { integrity: "sha512-aaa" } },
  workspace: { dependencies: ["npm:left-pad@1.3.0"] },
});

Deno.test("npmRequirement() drops the sub-path, scoped names kept whole", () => {
  assertEquals(npmRequirement("npm:preact@10.0.0/hooks"), "npm:preact@10.0.0");
  assertEquals(npmRequirement("npm:@scope/name@1.2.3/sub/path"), "npm:@scope/name@1.2.3");
  assertEquals(npmRequirement("npm:left-pad@1.3.0"), "npm:left-pad@1.3.0");
});

Deno.test("npmCacheFolder() names the registry's folder as Deno does (no domain for an IP)", () => {
  assertEquals(npmCacheFolder(undefined), "registry.npmjs.org");
  assertEquals(npmCacheFolder("http://127.0.0.1:4873/"), "4873");
  assertEquals(
    npmCacheFolder("https://npm.example.com:8443/repo/npm/"),
    "npm.example.com_8443/repo/npm",
  );
});

Deno.test("readPins() keeps pinned npm packages and paths inside the folder, names every other entry", async () => {
  const folder = await folderWith({
    "deno.json": JSON.stringify({
      imports: {
        "left-pad": "npm:left-pad@1.3.0",
        "is-odd": "npm:is-odd@3.0.1",
        "#lib/": "./lib/",
        "out": "../../elsewhere.ts",
        "std": "jsr:@std/path@1",
        "remote": "https://example.com/x.ts",
        "@wst/wst": "./fake.ts",
        "@wst/": "./fake/",
        "fs": "node:fs",
      },
    }),
    "deno.lock": LOCK,
  });
  try {
    const pins = readPins(folder)!;
    assertEquals(pins.imports, {
      "left-pad": "npm:left-pad@1.3.0",
      "#lib/": `file://${folder}/lib/`,
      "fs": "node:fs",
    });
    assertEquals(pins.dropped.sort(), ["is-odd", "out", "remote", "std"]);
    const messages = pins.problems.map((p) => p.message).join("\n");
    assertMatch(messages, /imports\["is-odd"\]: "npm:is-odd@3\.0\.1" is not pinned in deno\.lock/);
    assertMatch(messages, /imports\["out"\]: "\.\.\/\.\.\/elsewhere\.ts" leads out of /);
    assertMatch(
      messages,
      /imports\["std"\]: Expected an "npm:" package, a "node:" module or a path inside the folder \("\.\/…"\), found "jsr:@std\/path@1"/,
    );
    assertMatch(
      messages,
      /imports\["@wst\/wst"\]: "@wst\/wst" is wst's own module and cannot be mapped/,
    );
    // A prefix key covering it would map it too (security review).
    assertMatch(messages, /imports\["@wst\/"\]: "@wst\/" is wst's own module and cannot be mapped/);
    assert(pins.problems.every((p) => p.file === `${folder}/deno.json`));
  } finally {
    await Deno.remove(folder.slice(0, -"/.wst".length), { recursive: true });
  }
});

Deno.test("readPins() is undefined without a deno.json, and names a lock of another version", async () => {
  const folder = await folderWith({
    "deno.json": "{}",
    "deno.lock": JSON.stringify({ version: "4" }),
  });
  try {
    assertEquals(readPins(`${folder}/tasks`), undefined);
    const pins = readPins(folder)!;
    assertEquals(pins.problems.map((p) => p.message), [
      'Expected a Deno lock file of version "5", found "4"',
    ]);
  } finally {
    await Deno.remove(folder.slice(0, -"/.wst".length), { recursive: true });
  }
});

Deno.test("mergeLocks() unites the locks and leaves out a folder pinning a package otherwise", () => {
  const wst = {
    version: "5",
    specifiers: { "npm:zod@4.6.7": "4.6.7" },
    npm: { "zod@4.6.7": { integrity: "sha512-zod" } },
    workspace: { dependencies: ["npm:zod@4.6.7"] },
  };
  const good = {
    folder: "/a/.wst",
    imports: { pad: "npm:left-pad@1.3.0/index.js" },
    lock: JSON.parse(LOCK),
    problems: [],
    dropped: [],
  };
  const clash = {
    folder: "/b/.wst",
    imports: { zod: "npm:zod@4.6.7" },
    lock: {
      version: "5",
      specifiers: { "npm:zod@4.6.7": "4.6.7" },
      npm: { "zod@4.6.7": { integrity: "sha512-other" } },
    },
    problems: [],
    dropped: [],
  };
  const merged = mergeLocks(wst, [good, clash]);
  assertEquals(merged.kept.map((p) => p.folder), ["/a/.wst"]);
  assertEquals(merged.lock.specifiers, {
    "npm:left-pad@1.3.0": "1.3.0",
    "npm:zod@4.6.7": "4.6.7",
  });
  assertEquals(merged.lock.workspace?.dependencies, ["npm:left-pad@1.3.0", "npm:zod@4.6.7"]);
  assertEquals(merged.problems.length, 1);
  assertMatch(
    merged.problems[0]!.message,
    /^Pins "zod@4\.6\.7" otherwise than another lock already taken/,
  );
});

Deno.test("mergedConfigText() scopes a folder's imports to it and maps wst's own paths through data: modules", () => {
  const text = mergedConfigText({ "@wst/wst": "./mod.ts", zod: "npm:zod@4.6.7" }, [
    { folder: "/r/.wst", imports: { pad: "npm:left-pad@1.3.0" }, problems: [], dropped: [] },
  ], "/opt/wst");
  const config = JSON.parse(text);
  assertEquals(config.scopes, { "file:///r/.wst/": { pad: "npm:left-pad@1.3.0" } });
  assertEquals(config.imports.zod, "npm:zod@4.6.7");
  assertEquals(
    decodeURIComponent(config.imports["@wst/wst"]),
    'data:application/javascript,export * from "file:///opt/wst/mod.ts";',
  );
  assertEquals(config.lock, { path: "./deno.lock", frozen: true });
});

Deno.test("missingPackages() names the pinned packages Deno's cache lacks", async () => {
  const npmDir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${npmDir}/left-pad/1.3.0`, { recursive: true });
    await Deno.mkdir(`${npmDir}/@scope/name/2.0.0`, { recursive: true });
    const lock = {
      version: "5",
      npm: { "left-pad@1.3.0": {}, "@scope/name@2.0.0": {}, "is-odd@3.0.1": {} },
    };
    assertEquals(missingPackages(lock, npmDir), ["is-odd@3.0.1"]);
  } finally {
    await Deno.remove(npmDir, { recursive: true });
  }
});

Deno.test("moduleDeps() writes the merged configuration once per content and leaves a folder with missing packages out", async () => {
  const folder = await folderWith({
    "deno.json": JSON.stringify({ imports: { "left-pad": "npm:left-pad@1.3.0" } }),
    "deno.lock": LOCK,
  });
  const cacheDir = await Deno.makeTempDir();
  const denoDir = await Deno.makeTempDir();
  try {
    const lacking = await moduleDeps([folder], { cacheDir, denoDir });
    assertEquals(lacking.deps, undefined);
    assertEquals(lacking.missing, { [folder]: ["left-pad@1.3.0"] });
    await Deno.mkdir(`${denoDir}/npm/registry.npmjs.org/left-pad/1.3.0`, { recursive: true });
    const first = await moduleDeps([folder], { cacheDir, denoDir });
    const again = await moduleDeps([folder, folder], { cacheDir, denoDir });
    assertEquals(first.deps?.config, again.deps?.config);
    assert(first.stamp !== lacking.stamp);
    const lock = JSON.parse(await Deno.readTextFile(`${first.deps!.dir}/deno.lock`));
    assertEquals(lock.specifiers["npm:left-pad@1.3.0"], "1.3.0");
    assertEquals(lock.specifiers["npm:zod@4.6.7"], "4.6.7"); // wst's own
  } finally {
    for (const dir of [folder.slice(0, -"/.wst".length), cacheDir, denoDir]) {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("explainLoadFailure() names what nothing maps or pins, and leaves other failures alone", () => {
  const context = {
    source: `import a from "npm:lodash-es@4.17.21";\nimport z from "npm:zod@4.6.7";`,
    pinned: ["npm:zod@4.6.7"],
    mapped: { usable: ["pad"], dropped: ["odd"] },
    folder: ".wst",
  };
  assertEquals(
    explainLoadFailure("TypeError: The lockfile is out of date. Run …", context),
    'Cannot load the task module: it imports "npm:lodash-es@4.17.21", which .wst/deno.lock does not pin: add it to .wst/deno.json\'s imports and run "deno install" in .wst to pin it in .wst/deno.lock',
  );
  assertMatch(
    explainLoadFailure(
      `Import "left-pad" not a dependency and not in import map from "x"`,
      context,
    )!,
    /it imports "left-pad", which neither wst nor \.wst\/deno\.json maps/,
  );
  assertMatch(
    explainLoadFailure(`Import "odd" not a dependency and not in import map from "x"`, context)!,
    /it imports "odd", which \.wst\/deno\.json maps but cannot be used/,
  );
  assertEquals(
    explainLoadFailure(`Import "pad" not a dependency and not in import map from "x"`, context),
    undefined,
  );
  assertEquals(explainLoadFailure("SyntaxError: Unexpected token", context), undefined);
});

Deno.test("compiledLoadMessage() says what a compiled wst needs to load a local module", () => {
  const deno = "TypeError: Module not found: file:///r/.wst/tasks/a.ts";
  assertEquals(compiledLoadMessage(deno, false), undefined);
  assertMatch(
    compiledLoadMessage(deno, true)!,
    /^Cannot load the task module: this wst is a compiled binary, which loads only the modules built into it .*: run wst from its sources for local tasks/,
  );
  assertEquals(compiledLoadMessage("SyntaxError: x", true), undefined);
});

Deno.test("moduleDeps() merges nothing for a deno.json that maps nothing and a lock that pins nothing", async () => {
  const folder = await folderWith({ "deno.json": JSON.stringify({ compilerOptions: {} }) });
  const cacheDir = await Deno.makeTempDir();
  try {
    const result = await moduleDeps([folder], { cacheDir, denoDir: cacheDir });
    assertEquals(result.deps, undefined);
    assertEquals(result.problems, []);
  } finally {
    await Deno.remove(folder.slice(0, -"/.wst".length), { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
});
