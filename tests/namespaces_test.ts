// Namespaces (docs/adr/0014): tasks from every folder with `.wst/tasks/`,
// aliases in `.wst/config.json`, names with ":" kept verbatim, a namespaced
// task's own folder as its root, the root found from a sub-folder, what the
// walk skips (.git, node_modules, .gitignore, links), `wst list <namespace>`.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst, WST_PROGRAM } from "./_cli.ts";

/** A local task module whose run returns its root, the working folder and what it read. */
function task(name: string, options: { read?: string; permissions?: string } = {}): string {
  const read = options.read === undefined
    ? "null"
    : `Deno.readTextFileSync(${JSON.stringify(options.read)})`;
  return `export default {
  name: ${JSON.stringify(name)},
  description: ${JSON.stringify(`Task ${name}`)},
  permissions: ${options.permissions ?? `{ read: ["."] }`},
  run(ctx) { return { root: ctx.root, cwd: Deno.cwd(), read: ${read} }; },
};
`;
}

/** A tree like the issue's: the root's tasks, nested folders, an alias, and what is skipped. */
const TREE: Record<string, string> = {
  ".git/HEAD": "ref: refs/heads/main\n",
  ".gitignore": "build/\n",
  ".wst/config.json": `{ "namespaces": { "seed": "platform/kustomize/seed" } }\n`,
  ".wst/tasks/lint.ts": task("lint"),
  ".wst/tasks/unit.ts": task("test:changed:unit"),
  "platform/ingress/.wst/tasks/check.ts": task("check", { read: "data.txt" }),
  "platform/ingress/data.txt": "ingress data\n",
  "platform/kustomize/seed/.wst/tasks/status.ts": task("status"),
  "platform/kustomize/seed/.wst/tasks/deep.ts": task("test:changed:unit"),
  "platform/kustomize/seed/overlays/dev/.keep": "",
  // Skipped: node_modules, a gitignored folder, a folder a nested .gitignore ignores, .git.
  "node_modules/pkg/.wst/tasks/x.ts": task("x"),
  "build/.wst/tasks/b.ts": task("b"),
  "apps/.gitignore": "generated/\n",
  "apps/generated/.wst/tasks/g.ts": task("g"),
  // A namespace's module imports a helper of its own .wst/ (its load may read that folder).
  "apps/web/.wst/tasks/serve.ts": `import { greeting } from "../_greeting.ts";\n${
    task("serve").replace(`"Task serve"`, "greeting")
  }`,
  "apps/web/.wst/_greeting.ts": `export const greeting = "Task serve";\n`,
  ".git/hooks/.wst/tasks/h.ts": task("h"),
};

interface Listed {
  name: string;
  namespace: string;
  dir: string;
  file: string;
  source: string;
}

async function listed(root: string, args: string[] = []): Promise<Listed[]> {
  const run = await wst(["list", ...args, "--json", "--root", root]);
  assertEquals(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout).tasks as Listed[]).filter((t) => t.source === "local");
}

Deno.test("every folder with .wst/tasks/ contributes its tasks under its namespace, aliases applied", async () => {
  await using ws = await workspace(TREE);
  const tasks = await listed(ws.dir);
  assertEquals(
    tasks.map((t) => [t.name, t.namespace, t.dir, t.file]),
    [
      ["apps:web:serve", "apps:web", "apps/web", "apps/web/.wst/tasks/serve.ts"],
      ["lint", "", "", ".wst/tasks/lint.ts"],
      [
        "platform:ingress:check",
        "platform:ingress",
        "platform/ingress",
        "platform/ingress/.wst/tasks/check.ts",
      ],
      [
        "seed:status",
        "seed",
        "platform/kustomize/seed",
        "platform/kustomize/seed/.wst/tasks/status.ts",
      ],
      [
        "seed:test:changed:unit",
        "seed",
        "platform/kustomize/seed",
        "platform/kustomize/seed/.wst/tasks/deep.ts",
      ],
      ["test:changed:unit", "", "", ".wst/tasks/unit.ts"],
    ],
  );
  // Its description came from the helper in its own .wst/.
  const serve = await wst(["describe", "apps:web:serve", "--json", "--root", ws.dir]);
  assertEquals(JSON.parse(serve.stdout).description, "Task serve", serve.stderr);
  const text = await wst(["list", "--root", ws.dir]);
  assertEquals(text.code, 0, text.stderr);
  assertMatch(text.stdout, /^TASK +NAMESPACE +SOURCE +TRUST +DESCRIPTION$/m);
  assertMatch(text.stdout, /^seed:status +seed +local /m);
});

Deno.test("a namespaced task runs with its own folder as its root, by its name verbatim", async () => {
  await using ws = await workspace(TREE);
  const run = await wst(["platform:ingress:check", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assertEquals(result.root, `${ws.dir}/platform/ingress`);
  assertEquals(result.read, "ingress data\n");
  const unit = await wst(["seed:test:changed:unit", "--json", "--root", ws.dir]);
  assertEquals(unit.code, 0, unit.stderr);
  assertEquals(JSON.parse(unit.stdout).root, `${ws.dir}/platform/kustomize/seed`);
  // Its permissions are relative to its folder: a file beside the folder is outside them.
  await Deno.writeTextFile(`${ws.dir}/platform/shared.txt`, "shared\n");
  await Deno.writeTextFile(
    `${ws.dir}/platform/ingress/.wst/tasks/peek.ts`,
    task("peek", { read: "../shared.txt" }),
  );
  const peek = await wst(["platform:ingress:peek", "--root", ws.dir]);
  assertEquals(peek.code, 3, peek.stderr);
});

Deno.test("a namespaced task takes its flags, and starts a task of its own namespace by its short name", async () => {
  await using ws = await workspace({
    ...TREE,
    "platform/kustomize/seed/.wst/tasks/greet.ts": `import { z } from "zod";
export default {
  name: "greet",
  description: "Greets",
  args: z.object({ who: z.string().default("world") }),
  permissions: {},
  run: (_ctx, args) => \`hello \${args.who}\`,
};
`,
    "platform/kustomize/seed/.wst/tasks/caller.ts": `export default {
  name: "caller",
  description: "Starts status",
  permissions: { read: ["."], tasks: ["status"] },
  run: (ctx) => ctx.runTask("status"),
};
`,
  });
  const greet = await wst(["seed:greet", "--who", "you", "--json", "--root", ws.dir]);
  assertEquals(greet.code, 0, greet.stderr);
  assertEquals(JSON.parse(greet.stdout), "hello you");
  const caller = await wst(["seed:caller", "--json", "--root", ws.dir]);
  assertEquals(caller.code, 0, caller.stderr);
  assertEquals(JSON.parse(caller.stdout).value.root, `${ws.dir}/platform/kustomize/seed`);
});

Deno.test("run from a sub-folder without --root, wst finds the workspace root by walking up", async () => {
  await using ws = await workspace(TREE);
  const cwd = `${ws.dir}/platform/kustomize/seed/overlays/dev`;
  const run = await wst(["seed:status", "--json"], { cwd });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout).root, `${ws.dir}/platform/kustomize/seed`);
  const list = await wst(["list", "--json"], { cwd });
  assertEquals(list.code, 0, list.stderr);
  const names = JSON.parse(list.stdout).tasks.map((t: Listed) => t.name);
  assert(names.includes("lint") && names.includes("platform:ingress:check"), names.join(", "));
  // --root still wins: the namespace folder as a root of its own has its tasks unprefixed.
  const own = await wst(["status", "--json", "--root", "."], {
    cwd: `${ws.dir}/platform/kustomize/seed`,
  });
  assertEquals(own.code, 0, own.stderr);
});

Deno.test("wst list <namespace> narrows to that namespace and the ones under it", async () => {
  await using ws = await workspace(TREE);
  assertEquals((await listed(ws.dir, ["platform"])).map((t) => t.name), [
    "platform:ingress:check",
  ]);
  assertEquals((await listed(ws.dir, ["seed"])).map((t) => t.name), [
    "seed:status",
    "seed:test:changed:unit",
  ]);
  const bad = await wst(["list", "nope", "--root", ws.dir]);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /nope/);
});

Deno.test("a folder reached through a symbolic link is not searched, inside the root or out", async () => {
  await using ws = await workspace({
    ...TREE,
    "elsewhere/.keep": "",
  });
  await using outside = await workspace({ ".wst/tasks/o.ts": task("o") });
  await Deno.symlink(`${ws.dir}/platform/ingress`, `${ws.dir}/linked`);
  await Deno.symlink(outside.dir, `${ws.dir}/elsewhere/out`);
  // A folder whose .wst/tasks is a link out of the root: reported, never loaded.
  await Deno.mkdir(`${ws.dir}/apps/api/.wst`, { recursive: true });
  await Deno.symlink(`${outside.dir}/.wst/tasks`, `${ws.dir}/apps/api/.wst/tasks`);
  const run = await wst(["list", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  const names = doc.tasks.map((t: Listed) => t.name);
  assert(!names.some((n: string) => /^(linked|elsewhere|apps:api):/.test(n)), names.join());
  assert(names.includes("platform:ingress:check"));
  assertEquals(doc.problems.map((p: { file: string }) => p.file), ["apps/api/.wst"]);
  assertMatch(run.stderr, /apps\/api\/\.wst or its tasks folder is a symbolic link/);
});

Deno.test("help, describe and completion take namespaced names", async () => {
  await using ws = await workspace(TREE);
  const help = await wst(["seed:status", "--help", "--root", ws.dir]);
  assertEquals(help.code, 0, help.stderr);
  assertMatch(help.stdout, /wst seed:status /);
  const described = await wst(["describe", "seed:status", "--json", "--root", ws.dir]);
  assertEquals(described.code, 0, described.stderr);
  const doc = JSON.parse(described.stdout);
  assertEquals([doc.name, doc.namespace, doc.dir], [
    "seed:status",
    "seed",
    "platform/kustomize/seed",
  ]);
  // Completion answers from the cache the list above wrote, namespaces included.
  const complete = await wst(["__complete", "seed:", "--root", ws.dir]);
  assertEquals(complete.code, 0, complete.stderr);
  assertEquals(complete.stdout.trim().split("\n").sort(), [
    "seed:status",
    "seed:test:changed:unit",
  ]);
});

Deno.test("a namespaced module's change shows in the next list (the cache covers every namespace)", async () => {
  await using ws = await workspace(TREE);
  await listed(ws.dir);
  await Deno.writeTextFile(
    `${ws.dir}/apps/web/.wst/tasks/serve.ts`,
    task("serve").replace("Task serve", "Serve it"),
  );
  const run = await wst(["list", "--json", "--root", ws.dir]);
  const serve = JSON.parse(run.stdout).tasks.find((t: Listed) => t.name === "apps:web:serve");
  assertEquals(serve.description, "Serve it");
});

Deno.test("a folder whose name is no namespace is reported and the others still list", async () => {
  await using ws = await workspace({
    ...TREE,
    "My.Folder/.wst/tasks/m.ts": task("m"),
    "docs/.wst/tasks/d.ts": task("d"),
  });
  const run = await wst(["list", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  const files = doc.problems.map((p: { file: string }) => p.file).sort();
  assertEquals(files, ["My.Folder/.wst/tasks", "docs/.wst/tasks"]);
  assertMatch(run.stderr, /"My\.Folder" is not a namespace segment.*alias in \.wst\/config\.json/);
  assertMatch(run.stderr, /Namespace "docs" starts with a name the CLI uses itself/);
  assert(doc.tasks.some((t: Listed) => t.name === "seed:status"));
});

Deno.test("a bad .wst/config.json exits 2 naming the file, the place and what is wrong", async () => {
  const cases: [string, RegExp][] = [
    [
      `{ "namespaces": { "seed": "platform/kustomize/seed", } }`,
      /\.wst\/config\.json:1:\d+: Expected JSON/m,
    ],
    [`[]`, /\.wst\/config\.json: Expected an object, found an array/m],
    [`{ "namespace": {} }`, /\.wst\/config\.json:1:3: namespace: Unknown key "namespace"/m],
    [
      `{ "namespaces": { "Seed": "platform/kustomize/seed" } }`,
      /namespaces\.Seed: Expected an alias of lower-case segments/,
    ],
    [
      `{ "namespaces": { "seed": "../outside" } }`,
      /namespaces\.seed: Expected a folder inside the root.*"\.\.\/outside"/,
    ],
    [
      `{ "namespaces": { "seed": "platform/nothing" } }`,
      /namespaces\.seed: Expected a folder with a \.wst\/tasks folder, found "platform\/nothing", which does not exist/,
    ],
    [
      `{ "namespaces": { "seed": "platform" } }`,
      /namespaces\.seed: Expected a folder with a \.wst\/tasks folder, found "platform", which has none/,
    ],
    [
      `{ "namespaces": { "seed": "platform/kustomize/seed", "s": "platform/kustomize/seed/" } }`,
      /\.wst\/config\.json:1:\d+: namespaces\.s: Folder "platform\/kustomize\/seed" already has the alias "seed"/m,
    ],
    [
      `{ "namespaces": { "platform:ingress": "platform/kustomize/seed" } }`,
      /Namespace "platform:ingress" names two folders/,
    ],
  ];
  for (const [config, expected] of cases) {
    await using ws = await workspace({ ...TREE, ".wst/config.json": config });
    const run = await wst(["list", "--root", ws.dir]);
    assertEquals(run.code, 2, `${config}: ${run.stderr}`);
    assertMatch(run.stderr, expected, config);
    const json = await wst(["list", "--json", "--root", ws.dir]);
    assertEquals(json.code, 2);
    assertEquals(JSON.parse(json.stdout).error.kind, "config");
  }
  // Help still helps: it says what is wrong and shows the built-in tasks.
  await using ws = await workspace({ ...TREE, ".wst/config.json": "{" });
  const help = await wst(["--help", "--root", ws.dir]);
  assertEquals(help.code, 0, help.stderr);
  assertMatch(help.stderr, /warning: \.wst\/config\.json.*Expected JSON/);
  assertMatch(help.stdout, /validate-config/);
});

Deno.test("a namespaced task reaching beyond its folder needs approval, given from the workspace root", async () => {
  await using ws = await workspace({
    ...TREE,
    "platform/kustomize/seed/.wst/tasks/wide.ts": task("wide", {
      permissions: `{ read: ["../shared.txt"] }`,
    }),
    "platform/kustomize/shared.txt": "shared\n",
  });
  await using state = await Deno.makeTempDir({ prefix: "wst-ns-state-" }).then((dir) => ({
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  }));
  const env = { WST_TRUST: "0", XDG_STATE_HOME: state.dir };
  const refused = await wst(["seed:wide", "--root", ws.dir], { env });
  assertEquals(refused.code, 3, refused.stderr);
  assert(
    refused.stderr.includes(`${WST_PROGRAM} trust seed:wide --root ${ws.dir}`),
    refused.stderr,
  );
  const trust = await wst(["trust", "seed:wide", "--root", ws.dir], { env });
  assertEquals(trust.code, 0, trust.stderr);
  const list = await wst(["list", "seed", "--json", "--root", ws.dir], { env });
  const wide = JSON.parse(list.stdout).tasks.find((t: Listed) => t.name === "seed:wide");
  assertEquals(wide.trust, "approved");
  const run = await wst(["seed:wide", "--root", ws.dir], { env });
  assertEquals(run.code, 0, run.stderr);
  const revoke = await wst(["trust", "--revoke", "seed:wide", "--json", "--root", ws.dir], { env });
  assertEquals(JSON.parse(revoke.stdout).tasks, [{ task: "seed:wide", status: "revoked" }]);
  assertEquals((await wst(["seed:wide", "--root", ws.dir], { env })).code, 3);
});

Deno.test("while it loads, a namespace's module may read its own .wst/ only, not the root's nor another namespace's", async () => {
  await using ws = await workspace(TREE);
  const peek = (path: string) =>
    `const text = Deno.readTextFileSync(${JSON.stringify(path)});
export default { name: "peek", description: "Read " + text.length, run() {} };
`;
  await Deno.writeTextFile(
    `${ws.dir}/platform/ingress/.wst/tasks/peek_root.ts`,
    peek(`${ws.dir}/.wst/tasks/lint.ts`),
  );
  await Deno.writeTextFile(
    `${ws.dir}/apps/web/.wst/tasks/peek_other.ts`,
    peek(`${ws.dir}/platform/kustomize/seed/.wst/tasks/status.ts`),
  );
  const run = await wst(["list", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  const problems = doc.problems.map((p: { file: string; kind: string }) => [p.file, p.kind]);
  assertEquals(problems.sort(), [
    ["apps/web/.wst/tasks/peek_other.ts", "sandbox-denied"],
    ["platform/ingress/.wst/tasks/peek_root.ts", "sandbox-denied"],
  ]);
  // The others still list, the helper-importing one included.
  assert(doc.tasks.some((t: Listed) => t.name === "apps:web:serve"));
});

Deno.test("a namespaced task's deps and ctx.runTask resolve in its namespace, ':' from the top", async () => {
  await using ws = await workspace({
    ...TREE,
    "platform/kustomize/seed/.wst/tasks/all.ts": `export default {
  name: "all",
  description: "Everything",
  deps: ["status", ":lint"],
  permissions: { tasks: [":lint"] },
  run: (ctx) => ctx.runTask(":lint"),
};
`,
  });
  const plan = await wst(["--dry-run", "seed:all", "--json", "--root", ws.dir]);
  assertEquals(plan.code, 0, plan.stderr);
  const order = JSON.parse(plan.stdout).order as { task: string; deps: string[] }[];
  assertEquals(order.map((step) => step.task).sort(), ["lint", "seed:all", "seed:status"]);
  assertEquals(order.find((step) => step.task === "seed:all")?.deps, ["seed:status", "lint"]);
  const run = await wst(["seed:all", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  // The root's lint ran with the workspace root as its own root.
  assertEquals(JSON.parse(run.stdout).value.root, ws.dir);
});

Deno.test("a namespaced dep runs in its own folder, confined or not: its relative paths are its own", async () => {
  await using ws = await workspace({
    ...TREE,
    ".wst/tasks/all.ts": `export default {
  name: "all",
  description: "Runs a namespaced dep",
  deps: ["platform:ingress:check"],
  permissions: { read: ["."] },
  run: () => ({ cwd: Deno.cwd() }),
};
`,
  });
  for (const confine of ["auto", "off"]) {
    const run = await wst(["all", "--confine", confine, "--verbose", "--json", "--root", ws.dir]);
    assertEquals(run.code, 0, `--confine ${confine}: ${run.stderr}`);
    assertMatch(run.stderr, /ingress data/);
    assertEquals(JSON.parse(run.stdout).cwd, ws.dir);
  }
});
