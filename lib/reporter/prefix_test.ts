import { assertEquals } from "../../tests/assert.ts";
import { linePrefixer, prefixReporter } from "./prefix.ts";
import type { Reporter } from "./mod.ts";

Deno.test("linePrefixer() writes whole lines, each after the prefix; flush ends the last one", () => {
  const out: string[] = [];
  const w = linePrefixer("[lint] ", (t) => out.push(t));
  w.write("one\ntw");
  w.write("o\n");
  w.write("three");
  assertEquals(out, ["[lint] one\n", "[lint] two\n"]);
  w.flush();
  w.flush();
  assertEquals(out.join(""), "[lint] one\n[lint] two\n[lint] three\n");
});

Deno.test("prefixReporter() prefixes every log line and progress label", () => {
  const lines: string[] = [];
  const base: Reporter = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    progress: (label) => (lines.push(`progress ${label}`), { tick() {}, done() {} }),
  };
  const r = prefixReporter(base, "[a] ");
  r.info("x");
  r.error("y");
  r.progress("z");
  assertEquals(lines, ["info [a] x", "error [a] y", "progress [a] z"]);
});
