import { assertEquals, rejection } from "../../tests/assert.ts";
import { ConfigError } from "../errors/mod.ts";
import { moveTrustFileAside, readTrustFile, updateTrustFile } from "./store.ts";

const APPROVAL = { reach: { env: ["A"] }, approvedAt: "2026-01-01T00:00:00Z", file: "x.ts" };

Deno.test("updateTrustFile() leaves a broken file as it was; moveTrustFileAside() keeps its content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/wst/trust.json`;
    await Deno.mkdir(`${dir}/wst`);
    await Deno.writeTextFile(path, "[]");
    const error = await rejection(() => updateTrustFile(path, () => {}), ConfigError);
    assertEquals(error.issues[0]?.file, path);
    assertEquals(await Deno.readTextFile(path), "[]");
    assertEquals(await Deno.stat(`${path}.lock`).catch(() => null), null);
    const aside = await moveTrustFileAside(path);
    assertEquals(await Deno.readTextFile(aside!), "[]");
    assertEquals(readTrustFile(path), { version: 1, roots: {} });
    assertEquals(await moveTrustFileAside(path), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("updateTrustFile() takes over a lock left by a crashed run, and creates the folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/state/wst/trust.json`;
    await Deno.mkdir(`${dir}/state/wst`, { recursive: true });
    await Deno.writeTextFile(`${path}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(`${path}.lock`, old, old);
    await updateTrustFile(path, (file) => {
      file.roots["/r"] = { t: APPROVAL };
    });
    assertEquals(readTrustFile(path).roots["/r"]?.t, APPROVAL);
    assertEquals(await Deno.stat(`${path}.lock`).catch(() => null), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTrustFile() names the first entry that is not an approval", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/trust.json`;
    const bad = { version: 1, roots: { "/r": { t: { ...APPROVAL, reach: { sys: ["x"] } } } } };
    await Deno.writeTextFile(path, JSON.stringify(bad));
    const error = await rejection(
      () => Promise.resolve().then(() => readTrustFile(path)),
      ConfigError,
    );
    assertEquals(
      error.issues[0]?.message.startsWith(
        'roots["/r"]["t"].reach.sys: Expected a list of strings of read, write, run, env or net',
      ),
      true,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
