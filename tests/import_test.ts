// `wst import taskfile`: the real CLI converts a multi-folder Taskfile project
// (every feature of issue #14's table); the converted tasks print what go-task
// prints for the same Taskfiles (go-task's documented behaviour: it cannot be
// installed here).
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { TASKFILE_PROJECT } from "./import_fixtures.ts";
import { assertModulesCheck, files, runImported } from "./_import_harness.ts";

const MODULES = [
  ".wst/tasks/cleanup_demo.ts",
  ".wst/tasks/default.ts",
  ".wst/tasks/deploy.ts",
  ".wst/tasks/fails.ts",
  ".wst/tasks/guarded.ts",
  ".wst/tasks/lint.ts",
  ".wst/tasks/platform_info.ts",
  ".wst/tasks/refuses.ts",
  ".wst/tasks/secret.ts",
  ".wst/tasks/test__changed__unit.ts",
  ".wst/tasks/tools__lint.ts",
  ".wst/tasks/tools__version.ts",
  "docs/.wst/tasks/build.ts",
  "platform/ingress/.wst/tasks/check.ts",
  "platform/ingress/tls/.wst/tasks/renew.ts",
  "platform/kustomize/seed/.wst/tasks/build.ts",
  "platform/kustomize/seed/.wst/tasks/status.ts",
];

Deno.test("wst import taskfile writes a module per task in its include's folder and the namespace aliases", async () => {
  await using ws = await workspace(TASKFILE_PROJECT);
  const run = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const written = (await files(ws.dir)).filter((f) => f.endsWith(".ts"));
  assertEquals(written, MODULES);
  assertEquals(JSON.parse(await Deno.readTextFile(`${ws.dir}/.wst/config.json`)), {
    namespaces: {
      seed: "platform/kustomize/seed",
      ingress: "platform/ingress",
      "ingress:tls": "platform/ingress/tls",
      handbook: "docs",
    },
  });
  // Names verbatim, descriptions from desc or summary's first line.
  const unit = await Deno.readTextFile(`${ws.dir}/.wst/tasks/test__changed__unit.ts`);
  assertMatch(unit, /name: "test:changed:unit",/);
  assertMatch(unit, /deps: \["lint"\],/);
  const lint = await Deno.readTextFile(`${ws.dir}/.wst/tasks/lint.ts`);
  assertMatch(lint, /description: "Lint the sources",/);
  // The multi-line script is there byte for byte, the template an env reference.
  assert(
    unit.includes(
      'const command2 = `set -e\ncount=0\nfor f in a b c; do\n  if [ "$f" != b ]; then\n' +
        '    count=$((count + 1))\n  fi\ndone\necho "counted $(printf \'%s\' "$count")" | tr a-z A-Z\n' +
        "cat <<EOF\nheredoc \\${GREETING} '\\${HOST}'\nEOF\n`;",
    ),
    unit,
  );
  // requires → a required flag; sources/generates relative to the task's dir.
  const deploy = await Deno.readTextFile(`${ws.dir}/.wst/tasks/deploy.ts`);
  assertMatch(deploy, /environment: z\.string\(\)\.describe\("Taskfile variable ENVIRONMENT"\),/);
  assertMatch(deploy, /sources: \["platform\/src\/\*\*\/\*\.go"\],/);
  assertMatch(deploy, /outputs: \["platform\/bin\/app"\],/);
  assertMatch(deploy, /run: \["bash", "basename"\],/);
  // The plan lists the inferred permissions and what did not convert, with file:line.
  // deploy calls seed:status, which runs with what both declare: deploy declares its folder too.
  assertMatch(
    run.stdout,
    /deploy {2}\.wst\/tasks\/deploy\.ts {2}\(run: bash, basename; env: API_TOKEN; tasks: seed:status, fails; read\/write: \., platform\/kustomize\/seed\)/,
  );
  assertMatch(
    run.stdout,
    /Taskfile\.yml:\d+: Optional include "extra": "\.\/missing\/Taskfile\.yml" does not exist/,
  );
  assertMatch(
    run.stdout,
    /Taskfile\.yml:\d+: Template \{\{OS\}\} has no wst form: left as written/,
  );
  const info = await Deno.readTextFile(`${ws.dir}/.wst/tasks/platform_info.ts`);
  assertMatch(info, /\/\/ TODO\(Taskfile\.yml:\d+\): Template \{\{OS\}\} has no wst form/);
});

Deno.test("wst import taskfile: the generated modules pass deno check and deno fmt --check", async () => {
  await using ws = await workspace(TASKFILE_PROJECT);
  const run = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  await assertModulesCheck(ws.dir);
});

Deno.test("converted Taskfile tasks print what go-task prints (run against the #14 contract)", async () => {
  await using ws = await workspace(TASKFILE_PROJECT);
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  const base = ws.dir.split("/").pop();
  // task default: a task: call, whose deps run first; vars, | default, global env, a bash script.
  assertEquals(
    (await runImported(ws.dir, "default")).stdout,
    "lint args:\nunit example.com level=info stage=dev\nCOUNTED 2\nheredoc hello 'example.com'\n",
  );
  // task test:changed:unit HOST=h LEVEL=debug: global vars and | default are flags.
  assertEquals(
    (await runImported(ws.dir, "test:changed:unit", { args: { host: "h", level: "debug" } }))
      .stdout.split("\n")[1],
    "unit h level=debug stage=dev",
  );
  // task lint -- -k 'a b': CLI_ARGS keeps each argument a word.
  assertEquals(
    (await runImported(ws.dir, "lint", { argv: ["-k", "a b"] })).stdout,
    "lint args: -k a b\n",
  );
  // task deploy ENVIRONMENT=prod: dir, ignore_error on a command and on a task call, vars passed.
  assertEquals(
    (await runImported(ws.dir, "deploy", { args: { environment: "prod" } })).stdout,
    "deploying prod from platform\nafter the failure prod\nseed status verbose=yes in seed\n" +
      "about to fail\ndeployed\n",
  );
  // deps inside an include resolve in its namespace; a task constant stays.
  assertEquals(
    (await runImported(ws.dir, "seed:build")).stdout,
    "seed status verbose=no in seed\nseed build\n",
  );
  // A nested include with its own dir; a reference relative to the includer's namespace.
  assertEquals(
    (await runImported(ws.dir, "ingress:check")).stdout,
    "renew in tls\ningress checked in ingress\n",
  );
  // An include without dir runs in the including Taskfile's folder (go-task's rule); ROOT_DIR.
  assertEquals(
    (await runImported(ws.dir, "handbook:build")).stdout,
    `docs built in ${base}, root ${base}\n`,
  );
  // An include sharing its includer's folder: names "tools:<task>", its own references; the
  // include's vars fill in, the included Taskfile's own vars win (go-task's documented order).
  assertEquals((await runImported(ws.dir, "tools:lint")).stdout, "tool shfmt level warn\nv1\n");
  // defer: the cleanups run when the task fails, last first; TASK is the task's name.
  const cleanup = await runImported(ws.dir, "cleanup-demo");
  assertEquals(cleanup.stdout, `start\nwork in ${base}\nabout to fail\ncleanup cleanup-demo\n`);
  assertMatch(String(cleanup.error), /exit code 2/);
  // preconditions pass, then set: [pipefail] holds in the command.
  assertEquals((await runImported(ws.dir, "guarded")).stdout, "piped\nstatus=1\n");
  // A failed precondition stops the task with its message before any command.
  const refused = await runImported(ws.dir, "refuses");
  assertEquals(refused.stdout, "");
  assertMatch(String(refused.error), /Needs nope\.txt/);
  // dotenv: the file's value reaches the command.
  assertEquals((await runImported(ws.dir, "secret")).stdout, "token=from-dotenv\n");
  // The alias of an include names the same tasks.
  assertEquals(
    (await runImported(ws.dir, "seed:status")).stdout,
    "seed status verbose=no in seed\n",
  );
});

Deno.test("wst import taskfile --dry-run writes nothing and --json prints the plan", async () => {
  await using ws = await workspace(TASKFILE_PROJECT);
  const before = await files(ws.dir);
  const run = await wst(["import", "taskfile", "--dry-run", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(await files(ws.dir), before);
  const plan = JSON.parse(run.stdout);
  assertEquals(plan.dryRun, true);
  assertEquals(plan.tasks.length, MODULES.length);
  const unit = plan.tasks.find((t: { task: string }) => t.task === "test:changed:unit");
  assertEquals(unit.file, ".wst/tasks/test__changed__unit.ts");
  assertEquals(unit.permissions.run, ["bash", "tr", "cat"]);
  assertMatch(plan.todos[0].at, /^Taskfile\.yml:\d+$/);
});

Deno.test("wst import taskfile never replaces an existing module without --force, and writes nothing then", async () => {
  await using ws = await workspace({
    ...TASKFILE_PROJECT,
    ".wst/tasks/lint.ts": "// mine\n",
  });
  const refused = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(refused.code, 2);
  assertMatch(refused.stderr, /\.wst\/tasks\/lint\.ts exists: use --force to replace/);
  assertEquals(await Deno.readTextFile(`${ws.dir}/.wst/tasks/lint.ts`), "// mine\n");
  assertEquals((await files(ws.dir)).filter((f) => f.endsWith(".ts")), [".wst/tasks/lint.ts"]);
  const forced = await wst(["import", "taskfile", "--force", "--root", ws.dir]);
  assertEquals(forced.code, 0, forced.stderr);
  assertMatch(await Deno.readTextFile(`${ws.dir}/.wst/tasks/lint.ts`), /name: "lint"/);
});

Deno.test("wst import taskfile never writes through a symbolic link on a module's path, even with --force", async () => {
  // A hostile repository: the include's folder holds a committed link `.wst -> <outside>`.
  await using ws = await workspace(TASKFILE_PROJECT);
  const outside = await Deno.makeTempDir({ prefix: "wst-import-outside-" });
  try {
    await Deno.symlink(outside, `${ws.dir}/docs/.wst`);
    const refused = await wst(["import", "taskfile", "--force", "--root", ws.dir]);
    assertEquals(refused.code, 2, refused.stderr);
    assertMatch(
      refused.stderr,
      /docs\/\.wst is a symbolic link: wst import writes only into real folders under the root/,
    );
    assertEquals([...Deno.readDirSync(outside)], []);
    assertEquals((await files(ws.dir)).filter((f) => f.endsWith(".ts")), []);
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("wst import taskfile reports a malformed Taskfile with file:line and exit 2", async () => {
  await using ws = await workspace({ "Taskfile.yml": "version: '3'\ntasks:\n  a: [\n" });
  const run = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(run.code, 2);
  assertMatch(run.stderr, /Taskfile\.yml:\d+:\d+: Invalid YAML/);
  const missing = await wst(["import", "taskfile", "--root", `${ws.dir}/nowhere`]);
  assertEquals(missing.code, 2);
  // A Taskfile outside the root would put modules outside it: refused, nothing written.
  await Deno.mkdir(`${ws.dir}/sub`);
  const outside = await wst([
    "import",
    "taskfile",
    "--file",
    `${ws.dir}/Taskfile.yml`,
    "--root",
    `${ws.dir}/sub`,
  ]);
  assertEquals(outside.code, 2);
  assertMatch(outside.stderr, /expected a file inside the root .*: use --root/);
  // A byte that is not UTF-8 is refused with its place: decoded, it would change silently.
  await Deno.writeFile(
    `${ws.dir}/Taskfile.yml`,
    new Uint8Array([
      ...new TextEncoder().encode("version: '3'\ntasks:\n  a:\n    cmds: [printf caf"),
      0xe9,
      0x5d,
      0x0a,
    ]),
  );
  const latin1 = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(latin1.code, 2, latin1.stderr);
  assertMatch(latin1.stderr, /Taskfile\.yml:4:22: Cannot read the file: it is not valid UTF-8/);
  assertEquals((await files(ws.dir)).filter((f) => f.endsWith(".ts")), []);
});

// Needs the namespaces, graph and script parts of issue #14 (built on other branches): task
// names with ":", namespaces from .wst/config.json, deps, ctx.script and ctx.argv at run time.
Deno.test("the converted multi-folder Taskfile's tasks list and run under their original names (#14)", async () => {
  await using ws = await workspace(TASKFILE_PROJECT);
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  const list = await wst(["list", "--json", "--root", ws.dir]);
  assertEquals(list.code, 0, list.stderr);
  const names = JSON.parse(list.stdout).tasks.map((t: { name: string }) => t.name);
  for (
    const name of [
      "test:changed:unit",
      "seed:status",
      "seed:build",
      "ingress:tls:renew",
      "handbook:build",
    ]
  ) {
    assert(names.includes(name), `${name} in ${names.join(", ")}`);
  }
  const run = await wst(["default", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(
    run.stdout,
    "lint args:\nunit example.com level=info stage=dev\nCOUNTED 2\nheredoc hello 'example.com'\n",
  );
  const deploy = await wst(["deploy", "--environment", "prod", "--root", ws.dir]);
  assertEquals(deploy.code, 0, deploy.stderr);
  assertMatch(deploy.stdout, /seed status verbose=yes in seed\n/);
});

Deno.test("a converted command gets values as env vars: a value is never shell code, and the script keeps its bytes", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
tasks:
  greet:
    cmds:
      - echo hello {{.NAME}} '{{.NAME}}'
  escapes:
    cmds:
      - |
        x=\`echo back\`; y="a\\\\b"; echo "$x \${y} \${UNSET:-dflt}" '$HOME'
`,
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  // go-task would run "echo INJECTED" here (it splices the value into the script).
  const hostile = "x; echo INJECTED $(id -u)";
  assertEquals(
    (await runImported(ws.dir, "greet", { args: { name: hostile } })).stdout,
    `hello x; echo INJECTED $(id -u) ${hostile}\n`,
  );
  // Backticks, backslashes, \${…} and quotes reach bash exactly as written in the Taskfile.
  assertEquals((await runImported(ws.dir, "escapes")).stdout, "back a\\b dflt $HOME\n");
});

Deno.test("wst import taskfile renames what wst cannot take as a name, and says so", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
includes:
  docs: ./docs
tasks:
  list:
    cmds:
      - task: docs:Build
  Deploy.All:
    deps: [list]
    cmds:
      - echo deployed
`,
    "docs/Taskfile.yml": "version: '3'\ntasks:\n  Build:\n    cmds:\n      - echo docs\n",
  });
  const run = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  // "list" and a namespace "docs" would be the CLI's own commands; "Deploy.All" is not a name.
  assertMatch(
    run.stdout,
    /Taskfile\.yml:5: Task name "list" is not a wst name: renamed to "list-task"/,
  );
  assertMatch(
    run.stdout,
    /Taskfile\.yml:3: Namespace "docs" is not a wst name: renamed to "docs-task"/,
  );
  assertMatch(run.stdout, /Task name "Deploy\.All" is not a wst name: renamed to "deploy-all"/);
  assertEquals(JSON.parse(await Deno.readTextFile(`${ws.dir}/.wst/config.json`)), {
    namespaces: { "docs-task": "docs" },
  });
  // References follow the renames.
  assertEquals((await runImported(ws.dir, "deploy-all")).stdout, "docs\ndeployed\n");
});

// go-task's own tests state these outputs (task_test.go: TestIncludedVars and
// TestIncludedVarsMultiLevel, on testdata/include_with_vars*); the Taskfiles here are
// written for this test with the same structure.
Deno.test("converted includes give what go-task's tests expect: include vars, a Taskfile included three times", async () => {
  const included = (n: number) =>
    `version: "3"
vars:
  FIRST: '{{.FIRST | default "default-first"}}'
  SECOND: '{{.SECOND | default "default-second"}}'
tasks:
  show:
    cmds:
      - echo "FIRST is {{.FIRST}} ${n}"
      - echo "SECOND is {{.SECOND}}"
`;
  await using ws = await workspace({
    "Taskfile.yml": `version: "3"
includes:
  one:
    taskfile: inc/One.yml
    vars:
      FIRST: one-first
  two:
    taskfile: inc/Two.yml
    vars:
      FIRST: two-first
  three:
    taskfile: inc/Three.yml
  greeter:
    taskfile: lib/Taskfile.yml
    internal: true
  foo:
    taskfile: foo/Taskfile.yml
  bar:
    taskfile: bar/Taskfile.yml
tasks:
  vars:
    cmds:
      - task: one:show
      - task: two:show
      - task: three:show
  greet:
    cmds:
      - task: greeter:hello
      - task: foo:lib:hello
      - task: bar:lib:hello
`,
    "inc/One.yml": included(1),
    "inc/Two.yml": included(2),
    "inc/Three.yml": included(3),
    "lib/Taskfile.yml": `version: "3"
vars:
  WHO: '{{ .WHO | default "world" }}'
tasks:
  hello:
    cmds:
      - echo 'Hello {{.WHO}}'
`,
    "foo/Taskfile.yml":
      'version: "3"\nincludes:\n  lib:\n    taskfile: ../lib/Taskfile.yml\n    vars:\n      WHO: "foo"\n',
    "bar/Taskfile.yml":
      'version: "3"\nincludes:\n  lib:\n    taskfile: ../lib/Taskfile.yml\n    vars:\n      WHO: "bar"\n',
  });
  const run = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(
    (await runImported(ws.dir, "vars")).stdout,
    "FIRST is one-first 1\nSECOND is default-second\nFIRST is two-first 2\n" +
      "SECOND is default-second\nFIRST is default-first 3\nSECOND is default-second\n",
  );
  assertEquals((await runImported(ws.dir, "greet")).stdout, "Hello world\nHello foo\nHello bar\n");
});

// go-task's TestDeferredCmds (testdata/deferred) states this order: deferred steps run last
// first, a failing one does not stop the others, and a deferred call's vars are templates of
// the caller's. The Taskfile is written for this test with the same structure.
Deno.test("converted defer steps run as go-task's tests expect", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
tasks:
  show:
    - echo 'show ran {{.WORD}}'
  main:
    - defer: { task: show, vars: { WORD: 'first' } }
    - defer: { task: show, vars: { WORD: 'second' }, silent: true }
    - defer: echo 'plain defer'
      silent: true
    - defer: echo 'failing' && exit 2
    - echo 'cmd ran'
    - exit 1
  parent:
    vars:
      VALUE: "from-parent"
    cmds:
      - defer:
          task: child
          vars:
            VALUE: 'deferred {{.VALUE}}'
      - task: child
        vars:
          VALUE: 'immediate {{.VALUE}}'
  child:
    cmds:
      - echo "child {{.VALUE}}"
`,
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  const main = await runImported(ws.dir, "main");
  assertEquals(
    main.stdout,
    "cmd ran\nfailing\nplain defer\nshow ran second\nshow ran first\n",
  );
  assertMatch(String(main.error), /exit code 1/);
  assertMatch(main.logs.join("\n"), /ignored error in deferred step/);
  assertEquals(
    (await runImported(ws.dir, "parent")).stdout,
    "child immediate from-parent\nchild deferred from-parent\n",
  );
  await assertModulesCheck(ws.dir);
});

Deno.test("a converted status: skips the commands while every status command succeeds", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
tasks:
  build:
    dir: out
    preconditions:
      - test -d .
    status:
      - test -f app
      - grep -q '{{.RELEASE}}' app
    cmds:
      - echo "building {{.RELEASE}}"
      - echo '{{.RELEASE}}' > app
`,
    "out/.keep": "",
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  const first = await runImported(ws.dir, "build", { args: { release: "1.0" } });
  assertEquals(first.stdout, "building 1.0\n");
  const again = await runImported(ws.dir, "build", { args: { release: "1.0" } });
  assertEquals(again.stdout, "");
  assertMatch(again.logs.join("\n"), /Task "build" is up to date/);
  // A status command that fails (another version) runs the commands again.
  assertEquals(
    (await runImported(ws.dir, "build", { args: { release: "2.0" } })).stdout,
    "building 2.0\n",
  );
  await assertModulesCheck(ws.dir);
});

Deno.test("a converted if: runs a command or a whole task only when its condition succeeds", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
tasks:
  deploy:
    cmds:
      - cmd: echo "to {{.TARGET}}"
        if: '[ "{{.TARGET}}" != "" ]'
      - task: notify
        if: test -f notify.txt
      - echo done
  notify:
    if: '[ "$QUIET" != 1 ]'
    cmds:
      - echo notified
`,
    "notify.txt": "",
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  assertEquals((await runImported(ws.dir, "deploy")).stdout, "notified\ndone\n");
  assertEquals(
    (await runImported(ws.dir, "deploy", { args: { target: "prod" } })).stdout,
    "to prod\nnotified\ndone\n",
  );
  // The task-level if: of notify reads QUIET (declared in its env permission).
  Deno.env.set("QUIET", "1");
  try {
    const quiet = await runImported(ws.dir, "deploy");
    assertEquals(quiet.stdout, "done\n");
    assertMatch(quiet.logs.join("\n"), /Task "notify" skipped: its condition is not met/);
  } finally {
    Deno.env.delete("QUIET");
  }
  await Deno.remove(`${ws.dir}/notify.txt`);
  assertEquals((await runImported(ws.dir, "deploy")).stdout, "done\n");
  await assertModulesCheck(ws.dir);
});

Deno.test("a converted sh: variable is computed once by its script, at the start of the task", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
vars:
  GREETING:
    sh: echo hello
tasks:
  show:
    vars:
      WHO:
        sh: echo "w-{{.NAME}}"
    env:
      STAMP:
        sh: printf stamp
    cmds:
      - echo "{{.GREETING}} {{.WHO}} $STAMP"
      - echo "again {{.WHO}}"
`,
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  assertEquals(
    (await runImported(ws.dir, "show", { args: { name: "x" } })).stdout,
    "hello w-x stamp\nagain w-x\n",
  );
  await assertModulesCheck(ws.dir);
});

Deno.test("converted platforms: run a command or a task only on the named systems", async () => {
  const os = Deno.build.os;
  const other = os === "windows" ? "linux" : "windows";
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
tasks:
  build:
    cmds:
      - cmd: echo here
        platforms: [${os}]
      - cmd: echo elsewhere
        platforms: [${other}, ${other}/${arch}]
      - cmd: echo this arch
        platforms: [${os}/${arch}]
      - task: windows-only
  windows-only:
    platforms: [${other}]
    cmds:
      - echo never
`,
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  const run = await runImported(ws.dir, "build");
  assertEquals(run.stdout, "here\nthis arch\n");
  assertMatch(run.logs.join("\n"), /Task "windows-only" skipped/);
  await assertModulesCheck(ws.dir);
});

Deno.test("a converted for: runs its command or call once per item", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
vars:
  LIST: one,two
tasks:
  each:
    cmds:
      - for: [a, 'b c']
        cmd: echo "item {{.ITEM}}"
      - for: { var: LIST, split: ',', as: WORD }
        task: show
        vars: { WORD: '{{.WORD}}!' }
  show:
    cmds:
      - echo "show {{.WORD}}"
`,
  });
  assertEquals((await wst(["import", "taskfile", "--root", ws.dir])).code, 0);
  assertEquals(
    (await runImported(ws.dir, "each")).stdout,
    "item a\nitem b c\nshow one!\nshow two!\n",
  );
  assertEquals(
    (await runImported(ws.dir, "each", { args: { list: "x" } })).stdout,
    "item a\nitem b c\nshow x!\n",
  );
  await assertModulesCheck(ws.dir);
});

Deno.test("a global var whose value reads other vars is computed from them unless its flag is given", async () => {
  await using ws = await workspace({
    "Taskfile.yml": `version: '3'
vars:
  REGISTRY: registry.example.com
  IMAGE: '{{.REGISTRY}}/team/app'
  LOOP: 'x{{.LOOP}}'
tasks:
  build:
    cmds:
      - echo building {{.IMAGE}}:{{.TAG | default "latest"}}
  loop:
    cmds:
      - echo "[{{.LOOP}}]"
`,
  });
  const run = await wst(["import", "taskfile", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(
    (await runImported(ws.dir, "build")).stdout,
    "building registry.example.com/team/app:latest\n",
  );
  assertEquals(
    (await runImported(ws.dir, "build", { args: { registry: "ghcr.io", tag: "v2" } })).stdout,
    "building ghcr.io/team/app:v2\n",
  );
  assertEquals(
    (await runImported(ws.dir, "build", { args: { image: "mine", tag: "v2" } })).stdout,
    "building mine:v2\n",
  );
  // A var that reads itself reads "" (as in go-task, where it is not yet defined).
  assertEquals((await runImported(ws.dir, "loop")).stdout, "[x]\n");
  const build = await Deno.readTextFile(`${ws.dir}/.wst/tasks/build.ts`);
  assertMatch(build, /image: z\.string\(\)\.optional\(\)/);
  assert(!build.includes("TODO"), build);
});
