import { assertEquals } from "../../tests/assert.ts";
import { formatReport } from "./report.ts";
import type { GuardReport } from "./types.ts";

const clean = (files: number): GuardReport => ({
  ok: true,
  config: "ai-gateway.yaml",
  base: { ref: "main", commit: "0123456789abcdef" },
  head: { ref: "working tree" },
  files,
  changes: [],
  violations: [],
  notes: [],
});

Deno.test("formatReport() of a clean change agrees in number with its file count", () => {
  const first = (files: number) => formatReport(clean(files)).split("\n")[0];
  assertEquals(
    first(1),
    "wst guard: 1 changed file keeps every guard-rail of ai-gateway.yaml " +
      "(base main (0123456789ab), head working tree)",
  );
  assertEquals(
    first(2),
    "wst guard: 2 changed files keep every guard-rail of ai-gateway.yaml " +
      "(base main (0123456789ab), head working tree)",
  );
});
