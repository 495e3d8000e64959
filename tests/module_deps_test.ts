// A repository's tasks importing npm packages the repository pins in its own
// `.wst/deno.json` and `.wst/deno.lock` (docs/adr/0013-module-deps.md). The
// packages come from a registry on loopback built here (never the internet),
// into a Deno cache of the test's own (`DENO_DIR`, wst's own packages copied
// into the folder Deno uses for that registry). The registry counts requests:
// `wst list` and runs make none; only `deno install` in `.wst/` does.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { type NpmRegistry, startNpmRegistry } from "./_npm_registry.ts";
import { confineSupport } from "../lib/sandbox/confine.ts";
import { denoCacheDir } from "../lib/registry/_npm_cache.ts";

const task = (name: string, imports: string, run: string) =>
  `import { defineTask } from "@wst/wst";
import { z } from "zod";
${imports}
export default defineTask({
  name: "${name}",
  description: "The ${name} task",
  args: z.object({}),
  permissions: {},
  run: () => ${run},
});
`;

const FILES = {
  ".wst/deno.json": JSON.stringify({ imports: { pad: "npm:wst-fixture-pad@1.0.0" } }),
  ".wst/tasks/good.ts": task("good", "", `"good"`),
  ".wst/tasks/pad.ts": task("pad", `import pad from "pad";`, `pad("x", 4)`),
  // Served by the registry, pinned nowhere: loading it would need the network.
  ".wst/tasks/unpinned.ts": task(
    "unpinned",
    `import other from "npm:wst-fixture-other@1.0.0";`,
    `other()`,
  ),
  ".wst/tasks/unmapped.ts": task("unmapped", `import other from "wst-fixture-other";`, `other()`),
  // Its permissions are computed from its arguments: in a worker of a runner with the pins too.
  ".wst/tasks/width.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
import pad from "pad";
export default defineTask({
  name: "width",
  description: "Pads to a width",
  args: z.object({ width: z.number().int().default(2) }),
  permissions: (a) => ({ read: [pad(String(a.width), 1)] }),
  run: (_ctx, a) => pad("x", a.width),
});
`,
};

interface Listed {
  tasks: Array<{ name: string; source: string }>;
  problems: Array<{ file: string; message: string; kind: string }>;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  const out = await new Deno.Command("cp", { args: ["-R", `${from}/.`, to] }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

/** Deno run in `.wst/` as a user would: `deno install [--frozen]`. */
async function denoInstall(dir: string, env: Record<string, string>, frozen: boolean) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["install", ...(frozen ? ["--frozen"] : [])],
    cwd: `${dir}/.wst`,
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

function local(listed: Listed): string[] {
  return listed.tasks.filter((t) => t.source === "local").map((t) => t.name).sort();
}

function problem(listed: Listed, file: string) {
  return listed.problems.find((p) => p.file === file);
}

const support = confineSupport();

Deno.test("a repository's pinned npm packages: listed and run without the network, bad imports named per module", async (t) => {
  await using registry: NpmRegistry = await startNpmRegistry([
    {
      name: "wst-fixture-pad",
      version: "1.0.0",
      files: { "index.js": `export default (s, n) => s.padStart(n, "-");\n` },
    },
    {
      name: "wst-fixture-other",
      version: "1.0.0",
      files: { "index.js": `export default () => "other";\n` },
    },
  ]);
  // wst's runner bundle is built (on first use, with esbuild from npm) before the registry changes.
  {
    await using warm = await workspace({
      ".wst/deno.json": JSON.stringify({ imports: { fs: "node:fs" } }),
      ".wst/tasks/good.ts": task("good", "", `"good"`),
    });
    const run = await wst(["good", "--root", warm.dir, "--confine", "off", "--json"]);
    assertEquals(run.code, 0, run.stderr);
  }
  await using ws = await workspace(FILES);
  // Outside the workspace: wst's walk for namespaces would meet the cache's own `.wst/` copies.
  await using cache = await workspace({});
  const denoDir = `${cache.dir}/.deno`;
  // wst's own packages, where Deno looks for them with this registry.
  await copyTree(
    `${denoCacheDir()}/npm/registry.npmjs.org`,
    `${denoDir}/npm/${registry.cacheFolder}`,
  );
  const env = { DENO_DIR: denoDir, NPM_CONFIG_REGISTRY: registry.url };
  const list = async (): Promise<Listed> => {
    const run = await wst(["list", "--root", ws.dir, "--json"], { env });
    assertEquals(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  };

  await t.step(
    "before it is pinned: the mapping and the module say so, the others list",
    async () => {
      const listed = await list();
      assertEquals(local(listed), ["good"]);
      assertMatch(
        problem(listed, ".wst/deno.json")?.message ?? "",
        /imports\["pad"\]: "npm:wst-fixture-pad@1\.0\.0" is not pinned in a deno\.lock beside it \(there is none\): run "deno install" in /,
      );
      assertMatch(
        problem(listed, ".wst/tasks/pad.ts")?.message ?? "",
        /it imports "pad", which \.wst\/deno\.json maps but cannot be used/,
      );
      assertEquals(registry.requests, []);
    },
  );

  await t.step(
    "deno install in .wst pins and fetches the package (the network, only then)",
    async () => {
      await denoInstall(ws.dir, env, false);
      const lock = JSON.parse(await Deno.readTextFile(`${ws.dir}/.wst/deno.lock`));
      assertEquals(Object.keys(lock.specifiers), ["npm:wst-fixture-pad@1.0.0"]);
      assertEquals(registry.requests, [
        "/wst-fixture-pad",
        "/wst-fixture-pad/-/wst-fixture-pad-1.0.0.tgz",
      ]);
    },
  );

  await t.step(
    "the pinned one lists; an unpinned and an unmapped import are problems of their own modules; no request",
    async () => {
      // Another project fetched the unpinned package: it is in Deno's cache, only not pinned here.
      // Its import then wants to change the frozen lock, which used to fail every later load.
      await using other = await workspace({
        ".wst/deno.json": JSON.stringify({ imports: { o: "npm:wst-fixture-other@1.0.0" } }),
      });
      await denoInstall(other.dir, env, false);
      const before = registry.requests.length;
      const listed = await list();
      assertEquals(local(listed), ["good", "pad", "width"]);
      assertEquals(problem(listed, ".wst/deno.json"), undefined);
      assertMatch(
        problem(listed, ".wst/tasks/unpinned.ts")?.message ?? "",
        /^Cannot load the task module: it imports "npm:wst-fixture-other@1\.0\.0", which \.wst\/deno\.lock does not pin: add it to \.wst\/deno\.json's imports and run "deno install" in \.wst/,
      );
      assertMatch(
        problem(listed, ".wst/tasks/unmapped.ts")?.message ?? "",
        /^Cannot load the task module: it imports "wst-fixture-other", which neither wst nor \.wst\/deno\.json maps/,
      );
      assertEquals(listed.problems.length, 2, JSON.stringify(listed.problems));
      assertEquals(registry.requests.length, before, registry.requests.join(", "));
    },
  );

  await t.step(
    "the pinned one runs unconfined, in a runner process with the repository's pins",
    async () => {
      const before = registry.requests.length;
      const run = await wst(["pad", "--root", ws.dir, "--confine", "off", "--json"], { env });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(JSON.parse(run.stdout), "---x");
      const good = await wst(["good", "--root", ws.dir, "--confine", "off", "--json"], { env });
      assertEquals(good.code, 0, good.stderr);
      assertEquals(JSON.parse(good.stdout), "good");
      const args = ["--width", "5", "--root", ws.dir, "--confine", "off", "--json"];
      const width = await wst(["width", ...args], { env });
      assertEquals(width.code, 0, width.stderr);
      assertEquals(JSON.parse(width.stdout), "----x");
      const described = await wst(["describe", "width", ...args], { env });
      assertEquals(described.code, 0, described.stderr);
      assertEquals(JSON.parse(described.stdout).run.permissions, { read: ["5"] });
      assertEquals(registry.requests.length, before);
    },
  );

  await t.step({
    name: `the pinned one runs confined${
      support.bwrap === undefined ? ` (skipped: ${support.reason})` : ""
    }`,
    ignore: support.bwrap === undefined,
    fn: async () => {
      const run = await wst(["pad", "--root", ws.dir, "--confine", "require", "--json"], { env });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(JSON.parse(run.stdout), "---x");
    },
  });

  await t.step(
    "a pinned package missing from Deno's cache is named with the command that fetches it; the others list",
    async () => {
      await Deno.remove(`${denoDir}/npm/${registry.cacheFolder}/wst-fixture-pad`, {
        recursive: true,
      });
      const listed = await list();
      assertEquals(local(listed), ["good"]);
      assertMatch(
        problem(listed, ".wst/tasks/pad.ts")?.message ?? "",
        /^Cannot load the task module: the packages \.wst\/deno\.lock pins are not in Deno's cache \("wst-fixture-pad@1\.0\.0"\): run "deno install --frozen" in \.wst/,
      );
      const run = await wst(["pad", "--root", ws.dir, "--confine", "off"], { env });
      assert(run.code !== 0, run.stdout);
      // Fetched as the message says, it lists again (the problem was not cached).
      await denoInstall(ws.dir, env, true);
      assertEquals(local(await list()), ["good", "pad", "width"]);
    },
  );
});
