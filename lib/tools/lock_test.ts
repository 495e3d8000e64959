import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { workspace } from "../../tests/_cli.ts";
import { ConfigError } from "../errors/mod.ts";
import { pinFor, readLock } from "./lock.ts";
import { resolveDownload } from "./install.ts";
import { toolSpec } from "./catalog.ts";

const PIN = { version: "1.0.0", url: "https://x/t-1.0.0", sha256: "a".repeat(64) };

Deno.test("pinFor() uses a matching pin, trusts a first download unless --locked, refuses a changed one when locked", () => {
  const lock = { version: 1 as const, tools: { t: PIN } };
  assertEquals(pinFor(lock, "t", PIN, true), PIN);
  assertEquals(pinFor(lock, "u", PIN, false), undefined);
  assertThrows(
    () => pinFor(lock, "u", PIN, true),
    /has no pin for u 1\.0\.0, and --locked forbids adding one/,
  );
  assertThrows(() => pinFor(lock, "t", { ...PIN, version: "2.0.0" }, true), /--locked/);
});

Deno.test("readLock() rejects a pin without a proper sha256", async () => {
  await using ws = await workspace({
    "tools.lock.json": JSON.stringify({ version: 1, tools: { t: { ...PIN, sha256: "abc" } } }),
  });
  const err = await readLock(ws.dir).catch((e) => e);
  assertEquals(err instanceof ConfigError, true);
  assertEquals(err.issues[0].path, "tools.t");
  await using empty = await workspace({});
  assertEquals(await readLock(empty.dir), { version: 1, tools: {} });
});

Deno.test("toolSpec() and resolveDownload(): catalog entries, category defaults, URL placeholders", () => {
  const helm = resolveDownload(toolSpec("helm", "kubernetes_tools"));
  assertEquals(helm.version, "3.16.3");
  assertEquals(helm.url.startsWith("https://get.helm.sh/helm-v3.16.3-linux-"), true);
  assertEquals(toolSpec("ripgrep", "system_packages").installer, "apt");
  assertEquals(toolSpec("prettier", "node_tools").installer, "npm");
  assertEquals(toolSpec("pip", "python_tools").package, "python3-pip");
});
