import { assert, assertEquals } from "../../tests/assert.ts";
import {
  bwrapArgs,
  checkMounts,
  confineMode,
  confineSupport,
  declaredEnv,
  inProcessFlags,
  newEndMark,
  type SandboxPlan,
  untilMark,
} from "./confine.ts";
import { RECORDS_DIR } from "./_prelaunch.ts";

/** The mounts of an argument list: `[flag, source, dest]` for binds, `[flag, dest]` otherwise. */
function mounts(args: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--bind" || a === "--ro-bind") out.push([a, args[++i]!, args[++i]!]);
    else if (a === "--dir" || a === "--tmpfs" || a === "--proc" || a === "--dev") {
      out.push([a, args[++i]!]);
    }
  }
  return out;
}

async function plan(root: string, extra: Partial<SandboxPlan> = {}): Promise<SandboxPlan> {
  return {
    root,
    permissions: {},
    read: [],
    write: [],
    binaries: {},
    env: { PATH: "/usr/bin" },
    moduleDirs: [],
    socketDir: await Deno.makeTempDir(),
    ...extra,
  };
}

Deno.test("bwrapArgs: a declared path in the root that a link leads out of is not bound", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/root/docs`, { recursive: true });
    await Deno.mkdir(`${dir}/outside`);
    await Deno.symlink(`${dir}/outside`, `${dir}/root/link`);
    const root = `${dir}/root`;
    const args = bwrapArgs(await plan(root, { read: [`${root}/link`, `${root}/docs`] }));
    const dests = mounts(args).map((m) => m.at(-1));
    assert(dests.includes(`${root}/docs`));
    assert(!dests.includes(`${root}/link`), "the link's target is not mounted");
    assert(!mounts(args).some((m) => m[1] === `${dir}/outside`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: a declared write file binds its folder read-write; reads inside stay writable", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${dir}/deno.json`, "{}");
    const args = bwrapArgs(
      await plan(dir, { read: [`${dir}/deno.json`], write: [`${dir}/deno.json`] }),
    );
    const binds = mounts(args).filter((m) => m[2]?.startsWith(dir));
    assertEquals(binds, [["--bind", dir, dir]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: network only with net, environment only PATH and what is given", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const none = bwrapArgs(await plan(dir));
    assert(!none.includes("--share-net"));
    assert(none.includes("--unshare-all") && none.includes("--clearenv"));
    assert(none.includes("--new-session") && none.includes("--die-with-parent"));
    const net = bwrapArgs(await plan(dir, { permissions: { net: ["*"] } }));
    assert(net.includes("--share-net"));
    const names = none.flatMap((a, i) => a === "--setenv" ? [none[i + 1]] : []);
    assertEquals(
      names.filter((n) => n !== "DENO_DIR" && n !== "DENO_COVERAGE_DIR"),
      ["PATH"],
    );
    // The root exists in the sandbox even when nothing in it is declared.
    assert(mounts(none).some((m) => m[0] === "--dir" && m[1] === dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: a declared variable's value is never on the command line: the runner gets it in its start message", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const env = { PATH: "/usr/bin", API_TOKEN: "sk-secret", LD_PRELOAD: "/repo/evil.so" };
    const given = await plan(dir, { env });
    const args = bwrapArgs(given);
    assert(args.includes("--clearenv"));
    assert(!args.some((a) => a.includes("sk-secret") || a.includes("evil.so")));
    // Not in bubblewrap's own environment either, which its loader reads on the host.
    assertEquals(declaredEnv(given), { API_TOKEN: "sk-secret", LD_PRELOAD: "/repo/evil.so" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: in the root, a write path not there yet gets its own folder, made, not the root", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const root = `${dir}/root`;
    await Deno.mkdir(root);
    await Deno.mkdir(`${dir}/elsewhere`);
    await Deno.symlink(`${dir}/elsewhere`, `${root}/link`);
    const args = bwrapArgs(
      await plan(root, { write: [`${root}/out/report.json`, `${root}/link/new/x.json`] }),
    );
    const writable = mounts(args).filter((m) => m[0] === "--bind" && m[1]!.startsWith(dir));
    assertEquals(writable, [["--bind", `${root}/out`, `${root}/out`]]);
    assert((await Deno.stat(`${root}/out`)).isDirectory);
    // Never made through a link out of the root.
    assertEquals(await Array.fromAsync(Deno.readDir(`${dir}/elsewhere`)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: outside the root, a write path not there yet never opens a folder holding what was not declared", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const home = `${dir}/home`;
    await Deno.mkdir(home);
    await Deno.writeTextFile(`${home}/.bashrc`, "orig\n");
    const root = `${dir}/root`;
    await Deno.mkdir(root);
    const write = [`${home}/.tool/settings.json`, `${home}/.newrc`, `${home}/.kept/a.json`];
    await Deno.mkdir(`${home}/.kept`);
    await Deno.writeTextFile(`${home}/.kept/a.json.tmp`, "");
    const unwritable: string[] = [];
    const binds = mounts(bwrapArgs(await plan(root, { write }), unwritable))
      .filter((m) => m[0] === "--bind" && m[1]!.startsWith(home));
    assertEquals(binds, [["--bind", `${home}/.tool`, `${home}/.tool`]], "only the folder made");
    assert((await Deno.stat(`${home}/.tool`)).isDirectory, "made on the host");
    assertEquals(unwritable, [`${home}/.newrc`, `${home}/.kept/a.json`]);
    // A folder holding only what is declared is bound (the second run of a task that made it).
    await Deno.writeTextFile(`${home}/.tool/settings.json`, "{}");
    const again = mounts(bwrapArgs(await plan(root, { write: [write[0]!] })));
    assert(again.some((m) => m[0] === "--bind" && m[1] === `${home}/.tool/settings.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: a write path declared as a folder (trailing /) is made when missing, and bound alone", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const home = `${dir}/home`;
    await Deno.mkdir(home);
    await Deno.writeTextFile(`${home}/.bashrc`, "orig\n");
    const unwritable: string[] = [];
    const given = await plan(`${dir}/root`, {
      permissions: { write: [`${home}/go/`] },
      write: [`${home}/go`],
    });
    const binds = mounts(bwrapArgs(given, unwritable)).filter((m) => m[0] === "--bind");
    assertEquals(binds.filter((m) => m[1]!.startsWith(home)), [[
      "--bind",
      `${home}/go`,
      `${home}/go`,
    ]]);
    assert((await Deno.stat(`${home}/go`)).isDirectory);
    assertEquals(unwritable, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: the trust file's folder and wst's cache stay read-only under any writable folder", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const before = Deno.env.get("XDG_STATE_HOME");
  const cacheBefore = Deno.env.get("WST_CACHE_DIR");
  Deno.env.set("XDG_STATE_HOME", `${dir}/home/.local/state`);
  try {
    await Deno.mkdir(`${dir}/home/.local`, { recursive: true });
    const state = `${dir}/home/.local/state/wst`;
    const args = mounts(bwrapArgs(await plan(`${dir}/root`, { write: [`${dir}/home/.local`] })));
    assert(args.some((m) => m[0] === "--bind" && m[1] === `${dir}/home/.local`));
    assertEquals(args.filter((m) => m[2] === state), [["--ro-bind", state, state]]);
    assert((await Deno.stat(state)).isDirectory, "made, so that nothing can be made in its place");
    const inside = mounts(bwrapArgs(await plan(`${dir}/root`, { write: [state] })));
    assertEquals(inside.filter((m) => m[2] === state), [["--ro-bind", state, state]]);
    // wst's cache folder too (the registry's descriptions, which runs take permissions from).
    const cache = `${dir}/home/.cache/wst`;
    Deno.env.set("WST_CACHE_DIR", cache);
    await Deno.mkdir(`${dir}/home/.cache`);
    const cached = mounts(bwrapArgs(await plan(`${dir}/root`, { write: [`${dir}/home/.cache`] })));
    assertEquals(cached.filter((m) => m[2] === cache), [["--ro-bind", cache, cache]]);
  } finally {
    if (before === undefined) Deno.env.delete("XDG_STATE_HOME");
    else Deno.env.set("XDG_STATE_HOME", before);
    if (cacheBefore === undefined) Deno.env.delete("WST_CACHE_DIR");
    else Deno.env.set("WST_CACHE_DIR", cacheBefore);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: Deno's transpiled-code cache is read-only in a run, writable only for warming", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const denoDir = `${dir}/deno`;
  const before = Deno.env.get("DENO_DIR");
  await Deno.mkdir(`${denoDir}/gen`, { recursive: true });
  Deno.env.set("DENO_DIR", denoDir);
  try {
    const gen = (args: string[]) => mounts(args).filter((m) => m[1] === `${denoDir}/gen`);
    const run = await plan(dir, { denoDir: `${dir}/copy`, write: [dir] });
    // A task's code could leave compiled code behind for the next run (wst's own, too).
    assertEquals(gen(bwrapArgs(run)), [["--ro-bind", `${denoDir}/gen`, "/run/wst-deno/gen"]]);
    assertEquals(gen(bwrapArgs({ ...run, writesEmits: true })), [
      ["--bind", `${denoDir}/gen`, "/run/wst-deno/gen"],
    ]);
  } finally {
    if (before === undefined) Deno.env.delete("DENO_DIR");
    else Deno.env.set("DENO_DIR", before);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("confineMode: flag, then WST_CONFINE, then auto; anything else is named", () => {
  assertEquals(confineMode("off"), "off");
  assertEquals(confineMode("bogus"), {
    error: '--confine must be one of auto, require, off, found "bogus"',
  });
});

Deno.test("bwrapArgs: a write file outside the root is bound alone, not its folder", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/root`);
    await Deno.mkdir(`${dir}/github`);
    await Deno.writeTextFile(`${dir}/github/output`, "");
    await Deno.writeTextFile(`${dir}/github/env`, "");
    const args = bwrapArgs(await plan(`${dir}/root`, { write: [`${dir}/github/output`] }));
    const binds = mounts(args).filter((m) => m[2]?.startsWith(`${dir}/github`));
    assertEquals(binds, [["--bind", `${dir}/github/output`, `${dir}/github/output`]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bwrapArgs: the root's .git stays read-only under a writable root unless a write path names it", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/.git/hooks`, { recursive: true });
    const writable = mounts(bwrapArgs(await plan(dir, { write: [dir] })));
    assertEquals(writable.filter((m) => m[2]?.startsWith(dir)), [
      ["--bind", dir, dir],
      ["--ro-bind", `${dir}/.git`, `${dir}/.git`],
    ]);
    const named = mounts(bwrapArgs(await plan(dir, { write: [dir, `${dir}/.git/hooks`] })));
    assert(!named.some((m) => m[0] === "--ro-bind" && m[2] === `${dir}/.git`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const none: Deno.PermissionOptionsObject = {
  env: false,
  ffi: false,
  import: false,
  net: false,
  read: false,
  run: false,
  sys: false,
  write: false,
};
const own = {
  read: ["/run/wst-runner", "/wst/lib/registry/_bundles/t.js", "/ws"],
  write: ["/run/wst-runner"],
  env: ["DENO_DIR"],
  net: ["unix:/run/wst-runner/socket"],
};

Deno.test("inProcessFlags: the task's permissions as flags, plus the runner's own, to revoke", () => {
  const got = inProcessFlags({ ...none, read: ["/ws/a.yaml"], env: ["LOG"] }, own);
  assertEquals(got?.flags, [
    "--no-prompt",
    "--allow-read=/ws/a.yaml,/run/wst-runner,/wst/lib/registry/_bundles/t.js,/ws",
    "--allow-write=/run/wst-runner",
    "--allow-env=LOG,DENO_DIR",
    "--allow-net=unix:/run/wst-runner/socket",
  ]);
  assertEquals(got?.revoke, own);
});

Deno.test("inProcessFlags: what the task's permissions cover is neither added nor revoked", () => {
  // Deno revokes a path with its ancestors: revoking a covered grant would take the task's too.
  const got = inProcessFlags(
    { ...none, read: ["/"], write: true, env: ["DENO_DIR"], net: true },
    own,
  );
  assertEquals(got?.flags, [
    "--no-prompt",
    "--allow-read=/",
    "--allow-write",
    "--allow-env=DENO_DIR",
    "--allow-net",
  ]);
  assertEquals(got?.revoke, { read: [], write: [], env: [], net: [] });
});

Deno.test("inProcessFlags: a path a flag cannot hold (a comma) keeps the worker", () => {
  assertEquals(inProcessFlags({ ...none, read: ["/ws/a,b"] }, own), undefined);
});

/** What untilMark passes on from these chunks, and whether it met the mark. */
async function throughMark(chunks: string[], mark: string): Promise<[string, boolean]> {
  const encoder = new TextEncoder();
  const source = ReadableStream.from(chunks.map((c) => encoder.encode(c)));
  const marked = untilMark(encoder.encode(mark));
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of source.pipeThrough(marked.stream)) {
    text += decoder.decode(chunk, { stream: true });
  }
  return [text, marked.found()];
}

Deno.test("untilMark() passes everything before the end mark, wherever the chunks split it", async () => {
  const mark = "\0END\0";
  const whole = "line 1\nline 2 without newline" + mark + "after the mark";
  for (let cut = 0; cut <= whole.length; cut++) {
    for (let second = cut; second <= whole.length; second += 3) {
      const chunks = [whole.slice(0, cut), whole.slice(cut, second), whole.slice(second)];
      assertEquals(
        await throughMark(chunks, mark),
        ["line 1\nline 2 without newline", true],
        `cut at ${cut} and ${second}`,
      );
    }
  }
});

Deno.test("untilMark() holds back only what could start the mark, and passes it on at the end", async () => {
  const mark = "\0END\0";
  assertEquals(await throughMark(["a\0EN", "D but not the mark\0"], mark), [
    "a\0END but not the mark\0",
    false,
  ]);
  assertEquals(await throughMark(["trailing \0E"], mark), ["trailing \0E", false]);
  assertEquals(await throughMark([], mark), ["", false]);
  assertEquals(await throughMark([mark, "dropped"], mark), ["", true]);
});

Deno.test("newEndMark() is NUL-framed and new each time", () => {
  const a = newEndMark();
  assert(/^\0wst-end-[0-9a-f]{32}\0$/.test(a), JSON.stringify(a));
  assert(a !== newEndMark());
});

Deno.test({
  name: "bwrapArgs: /etc/localtime, a link into /usr here, is recreated as that link, not bound",
  // Debian and most distributions; elsewhere the file is bound as it is.
  ignore: !(() => {
    try {
      return Deno.lstatSync("/etc/localtime").isSymlink &&
        Deno.realPathSync("/etc/localtime").startsWith("/usr/");
    } catch {
      return false;
    }
  })(),
  async fn() {
    const dir = await Deno.realPath(await Deno.makeTempDir());
    try {
      const args = bwrapArgs(await plan(dir));
      const at = args.findIndex((a, i) => a === "--symlink" && args[i + 2] === "/etc/localtime");
      assert(at >= 0, "a --symlink to /etc/localtime");
      assertEquals(args[at + 1], Deno.readLinkSync("/etc/localtime"));
      assert(!mounts(args).some((m) => m.at(-1) === "/etc/localtime"), "not also a mount");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("bwrapArgs: wst's own folder stays read-only, whatever the task may write", async () => {
  const wst = await Deno.realPath(new URL("../../", import.meta.url));
  // A declared write inside wst's folder (wst's checkout as the workspace): bound read-only.
  // (A security review wrote the recorded launches that way, from a task in wst's checkout.)
  const launchDir = RECORDS_DIR;
  await Deno.mkdir(launchDir, { recursive: true, mode: 0o700 });
  const inside = mounts(bwrapArgs(await plan(wst, { write: [`${wst}/lib`, launchDir] })));
  assert(inside.some((m) => m[0] === "--ro-bind" && m[2] === wst), "wst's folder read-only");
  assert(
    // (But the coverage of wst's own tests, when they run with it: `.ci/run`.)
    !inside.some((m) =>
      m[0] === "--bind" && m[2]!.startsWith(wst) && m[2] !== Deno.env.get("DENO_COVERAGE_DIR")
    ),
    "nothing of wst writable",
  );
  // A writable folder that holds wst's (a workspace with wst's checkout in it): wst's folder is bound
  // read-only again over it.
  const parent = wst.slice(0, wst.lastIndexOf("/"));
  const outer = mounts(bwrapArgs(await plan(parent, { write: [parent] })));
  const rw = outer.findIndex((m) => m[0] === "--bind" && m[2] === parent);
  const again = outer.findIndex((m) => m[0] === "--ro-bind" && m[1] === wst && m[2] === wst);
  assert(rw >= 0 && again > rw, "wst's folder bound read-only over the writable one");
  // The host's Deno cache likewise inside a writable folder that holds it; a task that names the
  // cache itself (one that runs `deno`) keeps it writable.
  const denoDir = await Deno.realPath(
    Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
  )
    .catch(() => undefined);
  if (denoDir !== undefined) {
    const above = denoDir.slice(0, denoDir.lastIndexOf("/"));
    const held = mounts(bwrapArgs(await plan(parent, { write: [above] })));
    const at = held.findIndex((m) => m[0] === "--bind" && m[2] === above);
    const again = held.findIndex((m) => m[0] === "--ro-bind" && m[2] === denoDir);
    assert(at >= 0 && again > at, "the Deno cache read-only inside a writable folder");
    const named = mounts(bwrapArgs(await plan(parent, { write: [denoDir] })));
    assert(named.some((m) => m[0] === "--bind" && m[2] === denoDir), "named: writable");
  }
  // The recorded launches are hidden (an empty tmpfs).
  const launches = RECORDS_DIR;
  await Deno.mkdir(launches, { recursive: true, mode: 0o700 });
  assert(
    mounts(bwrapArgs(await plan(wst))).some((m) => m[0] === "--tmpfs" && m[1] === launches),
    "launch/ under a tmpfs",
  );
});

const bwrap = confineSupport().bwrap;
Deno.test({
  name:
    "checkMounts: what a sandbox shows at a bound path is what was bound there, or the path is named",
  ignore: bwrap === undefined,
  async fn() {
    const dir = await Deno.realPath(await Deno.makeTempDir());
    const child = new Deno.Command(bwrap!, {
      args: [
        "--unshare-all",
        "--die-with-parent",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--proc",
        "/proc",
        "--bind",
        `${dir}/a`,
        `${dir}/a`,
        "sleep",
        "30",
      ],
      stdout: "null",
      stderr: "null",
    });
    await Deno.mkdir(`${dir}/a`);
    await Deno.mkdir(`${dir}/b`);
    const process = child.spawn();
    try {
      const a = await Deno.stat(`${dir}/a`);
      const b = await Deno.stat(`${dir}/b`);
      const bound = [{ path: `${dir}/a`, dev: a.dev!, ino: a.ino! }];
      // Until its mounts are made, the sandbox shows something else.
      let seen = checkMounts(process.pid, bound);
      for (let i = 0; i < 200 && seen !== undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen = checkMounts(process.pid, bound);
      }
      assertEquals(seen, undefined, "what was bound");
      // Another folder there (a link swapped in before the mount) is named.
      assertEquals(checkMounts(process.pid, [{ ...bound[0]!, ino: b.ino! }]), `${dir}/a`);
      assertEquals(checkMounts(process.pid, []), undefined);
    } finally {
      process.kill("SIGKILL");
      await process.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
