import { assertEquals } from "../../tests/assert.ts";
import { findBinary, resolvePermissions } from "./worker_permissions.ts";

Deno.test("resolvePermissions() lists every key and grants nothing undeclared", () => {
  const { worker } = resolvePermissions({}, "/ws", { path: "", getEnv: () => undefined });
  assertEquals(worker, {
    env: false,
    ffi: false,
    import: false,
    net: false,
    read: false,
    run: false,
    sys: false,
    write: false,
  });
});

Deno.test("resolvePermissions() resolves paths against the root and binaries on PATH", () => {
  const git = findBinary("git", Deno.env.get("PATH") ?? "", "/");
  const resolved = resolvePermissions(
    {
      read: ["a.yaml", "/abs", "sub/../b"],
      write: ["out"],
      run: ["git"],
      env: ["TOKEN"],
      net: ["h:1"],
    },
    "/ws",
    {
      getEnv: (
        name,
      ) => (name === "TOKEN" ? "t" : name === "PATH" ? Deno.env.get("PATH") : undefined),
    },
  );
  assertEquals(resolved.worker.read, ["/ws/a.yaml", "/abs", "/ws/b", git]);
  assertEquals(resolved.worker.write, ["/ws/out"]);
  assertEquals(resolved.worker.run, [git]);
  assertEquals(resolved.worker.env, ["TOKEN", "NODE_V8_COVERAGE"]);
  assertEquals(resolved.worker.net, ["h:1"]);
  assertEquals(resolved.shellEnv.TOKEN, "t");
  assertEquals(Object.keys(resolved.shellEnv).sort(), ["PATH", "TOKEN"]);
});

Deno.test("findBinary() returns undefined for a name that is not on PATH", () => {
  assertEquals(findBinary("surely-not-a-binary-wst", "/usr/bin:/bin", "/"), undefined);
});

Deno.test("resolvePermissions() expands $NAME paths from the env and drops unset ones", () => {
  const env: Record<string, string> = { GITHUB_OUTPUT: "/runner/out.txt", HOME: "/home/u" };
  const { worker } = resolvePermissions(
    {
      read: ["$UNSET_VAR", "$UNSET_VAR/x"],
      write: ["$GITHUB_OUTPUT", "cache", "$HOME/.local/bin"],
    },
    "/ws",
    { path: "", getEnv: (name) => env[name] },
  );
  assertEquals(worker.write, ["/runner/out.txt", "/ws/cache", "/home/u/.local/bin"]);
  assertEquals(worker.read, false);
});

Deno.test("resolvePermissions() grants a declared binary path that does not exist yet at its absolute path", () => {
  const resolved = resolvePermissions(
    { run: [".venv/bin/pip", "/opt/none/tool", "not-on-path-wst"] },
    "/ws",
    { path: "/usr/bin", getEnv: () => undefined },
  );
  // Relative to the root, not to wst's working folder; a bare name not on PATH stays a name.
  assertEquals(resolved.worker.run, ["/ws/.venv/bin/pip", "/opt/none/tool", "not-on-path-wst"]);
  assertEquals(resolved.binaries, {
    ".venv/bin/pip": "/ws/.venv/bin/pip",
    "/opt/none/tool": "/opt/none/tool",
  });
  assertEquals(resolved.worker.read, ["/ws/.venv/bin/pip", "/opt/none/tool"]);
});
