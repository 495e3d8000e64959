import fc from "fast-check";
import { assertEquals } from "../../tests/assert.ts";
import { resolvePath } from "../_path.ts";
import { intersectPermissions, isInside, type RootedPermissions } from "./intersect.ts";
import type { PermissionLists } from "../task/scope.ts";

// Few names, so that generated paths often nest, match and differ by one segment.
const segment = fc.constantFrom("a", "b", "ab", "..", ".");
const relPath = fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => s.join("/") || ".");
const absPath = fc.array(fc.constantFrom("a", "b", "ab"), { maxLength: 3 }).map((s) =>
  `/${s.join("/")}`
);
const path = fc.oneof(
  relPath,
  absPath,
  fc.constantFrom("$HOME", "$HOME/a", "$TMP/a/..", "$UNSET/a"),
);
const names = fc.array(fc.constantFrom("git", "sh", "HOME", "x", "y"), { maxLength: 4 });
const hosts = fc.array(
  fc.constantFrom("example.com", "example.com:443", "example.com:80", "other.org"),
  { maxLength: 3 },
);
const lists = fc.record({
  read: fc.array(path, { maxLength: 3 }),
  write: fc.array(path, { maxLength: 3 }),
  run: names,
  env: names,
  net: hosts,
  tasks: names,
}, { requiredKeys: [] });
const rooted = fc.record({ permissions: lists, root: absPath });
/** A concrete file a task could name. */
const probe = fc.oneof(absPath.map((p) => `${p}/f`), absPath);

const ENV: Record<string, string> = { HOME: "/a", TMP: "/b/ab" };
const getEnv = (name: string) => ENV[name];

/** Whether declared paths allow a concrete absolute path (as the worker's grant would). */
function allows(task: RootedPermissions, kind: "read" | "write", target: string): boolean {
  return (task.permissions[kind] ?? []).some((p) => {
    const expanded = p.replace(/^\$(\w+)/, (_, name) => ENV[name] ?? "/unset-never-matches");
    return isInside(target, resolvePath(task.root, expanded));
  });
}

/** Whether a host list allows connecting to `host:port`. */
function allowsHost(list: readonly string[] | undefined, target: string): boolean {
  return (list ?? []).some((h) => target === h || target.startsWith(`${h}:`));
}

const asRooted = (permissions: PermissionLists): RootedPermissions => ({ permissions, root: "/" });

Deno.test("intersectPermissions() allows a path exactly when both the task and its caller do", () => {
  fc.assert(
    fc.property(rooted, rooted, probe, fc.constantFrom("read", "write"), (sub, caller, p, kind) => {
      const both = asRooted(intersectPermissions(sub, caller, { getEnv }));
      assertEquals(allows(both, kind, p), allows(sub, kind, p) && allows(caller, kind, p));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("intersectPermissions() keeps binaries, env vars and tasks in both lists, and hosts both allow", () => {
  fc.assert(
    fc.property(
      rooted,
      rooted,
      fc.constantFrom("example.com:443", "example.com:80", "other.org:1"),
      (sub, caller, host) => {
        const both = intersectPermissions(sub, caller, { getEnv });
        for (const kind of ["run", "env", "tasks"] as const) {
          const expected = [...new Set(sub.permissions[kind] ?? [])].filter((v) =>
            (caller.permissions[kind] ?? []).includes(v)
          );
          assertEquals(both[kind] ?? [], expected);
        }
        assertEquals(
          allowsHost(both.net, host),
          allowsHost(sub.permissions.net, host) && allowsHost(caller.permissions.net, host),
        );
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("intersectPermissions() resolves each task's relative paths against its own root", () => {
  const sub = { permissions: { read: [".", "/etc"], write: ["out"] }, root: "/ws/sub" };
  const caller = { permissions: { read: ["."], write: ["sub"] }, root: "/ws" };
  assertEquals(intersectPermissions(sub, caller), { read: ["/ws/sub"], write: ["/ws/sub/out"] });
  // A helper whose read path comes from its caller's arguments gets nothing the caller lacks.
  assertEquals(
    intersectPermissions({ permissions: { read: ["/etc"] }, root: "/ws" }, caller),
    {},
  );
});
