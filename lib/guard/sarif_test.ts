import { Ajv } from "ajv";
import formats from "ajv-formats";
import { assert, assertEquals } from "../../tests/assert.ts";
import { relativeUri, SRCROOT, toSarif } from "./sarif.ts";
import type { GuardReport, RuleName, Violation } from "./types.ts";

// The official SARIF 2.1.0 schema (OASIS, draft-07), as shipped by the npm
// package tests/fixtures/README.md names; a changed file fails here first.
const SCHEMA_FILE = new URL("../../tests/fixtures/sarif-schema-2.1.0.json", import.meta.url);
const SCHEMA_SHA256 = "10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454";

async function sarifValidator(): Promise<(log: unknown) => string[]> {
  const bytes = await Deno.readFile(SCHEMA_FILE);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assertEquals(hex, SCHEMA_SHA256, "tests/fixtures/sarif-schema-2.1.0.json changed");
  const schema = JSON.parse(new TextDecoder().decode(bytes));
  assertEquals(schema.$schema, "http://json-schema.org/draft-07/schema#");
  // Not strict: the schema requires properties inside anyOf branches that do
  // not declare them, which Ajv's strict mode refuses.
  const ajv = new Ajv({ allErrors: true, strict: false });
  // A CommonJS module: its `default` export is the plugin.
  const addFormats = formats.default;
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (log) =>
    validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

const validatorPromise = sarifValidator();

/** Characters of an RFC 3986 relative-path reference (no scheme, query, fragment). */
const RELATIVE_PATH_REF =
  /^(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-F]{2})+(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})*)*$/;

const TRICKY_PATHS = [
  "dir with space/file name.ts",
  "100%/a%20b.md",
  "notes/#1?.md",
  "docs/résumé/日本語.md",
  "bin/\\xFF\\xFEdata.bin",
  "odd/line\nbreak.txt",
  "c:/not-a-scheme.txt",
];

function report(violations: Violation[], over: Partial<GuardReport> = {}): GuardReport {
  return {
    ok: violations.length === 0,
    config: "ai-gateway.yaml",
    base: { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567" },
    head: { ref: "HEAD", commit: "89abcdef0123456789abcdef0123456789abcdef" },
    files: 12,
    changes: [],
    violations,
    notes: [],
    ...over,
  };
}

const EVERY_RULE: Violation[] = [
  {
    rule: "max_files_per_diff",
    message: "The change touches 12 files; the limit is 10",
    limit: 10,
    actual: 12,
  },
  ...TRICKY_PATHS.map((path): Violation => ({
    rule: "protected_paths",
    path,
    message: `"${path}" matches a protected path`,
    limit: ["**/secrets/**", "**"],
  })),
  {
    rule: "protected_paths",
    path: "public/key.pem",
    oldPath: "secrets/key pem",
    message: '"secrets/key pem" is protected and was renamed',
    limit: ["**/secrets/**"],
  },
  {
    rule: "allowed_file_types",
    path: "bin/\\xFF\\xFEdata.bin",
    message: '"bin/\\xFF\\xFEdata.bin" is not an allowed file type',
    limit: ["*.ts", "*.md"],
  },
  {
    rule: "max_file_size_kb",
    path: "assets/big file #2.png",
    message: '"assets/big file #2.png" is 2048 KiB; the limit is 1024',
    limit: 1024,
    actual: 2048,
  },
  {
    rule: "require_tests",
    message: "The change touches no test file",
    limit: true,
  },
];

type Log = {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Rule[] } };
    results: Result[];
  }[];
};
type Rule = { id: string; defaultConfiguration: { level: string } };
type Location = { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } };
type Result = {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Location[];
  relatedLocations?: Location[];
  partialFingerprints: Record<string, string>;
};

function asLog(value: Record<string, unknown>): Log {
  return value as unknown as Log;
}

Deno.test("toSarif() of a report breaking every rule is a valid SARIF 2.1.0 log", async () => {
  const validate = await validatorPromise;
  const sarif = toSarif(report(EVERY_RULE), {
    version: "0.1.0",
    informationUri: "https://example.com/wst",
  });
  assertEquals(validate(sarif), []);
  // Through JSON too: what a file on disk holds.
  assertEquals(validate(JSON.parse(JSON.stringify(sarif))), []);

  const log = asLog(sarif);
  assertEquals(log.version, "2.1.0");
  assertEquals(log.runs.length, 1);
  const run = log.runs[0]!;
  assertEquals(run.tool.driver.name, "wst guard");
  assertEquals(run.tool.driver.version, "0.1.0");
  assertEquals(run.tool.driver.informationUri, "https://example.com/wst");
  const ruleIds: RuleName[] = [
    "max_files_per_diff",
    "protected_paths",
    "allowed_file_types",
    "max_file_size_kb",
    "require_tests",
  ];
  assertEquals(run.tool.driver.rules.map((r) => r.id).sort(), [...ruleIds].sort());
  for (const rule of run.tool.driver.rules) assertEquals(rule.defaultConfiguration.level, "error");

  assertEquals(run.results.length, EVERY_RULE.length);
  run.results.forEach((r, i) => {
    const v = EVERY_RULE[i]!;
    assertEquals(r.ruleId, v.rule);
    assertEquals(run.tool.driver.rules[r.ruleIndex]?.id, v.rule, `ruleIndex of result ${i}`);
    assertEquals(r.level, "error");
    assertEquals(r.message.text, v.message);
    assertEquals(r.locations.length, 1);
    const where = r.locations[0]!.physicalLocation.artifactLocation;
    assertEquals(where.uriBaseId, SRCROOT);
    assertEquals(decodeURIComponent(where.uri), v.path ?? "ai-gateway.yaml");
  });
});

Deno.test("toSarif() writes each path as a relative URI reference that decodes to the path", () => {
  const log = asLog(toSarif(report(EVERY_RULE), { version: "0.1.0" }));
  const uris = log.runs[0]!.results.flatMap((r) =>
    [...r.locations, ...(r.relatedLocations ?? [])].map((l) =>
      l.physicalLocation.artifactLocation.uri
    )
  );
  for (const uri of uris) assert(RELATIVE_PATH_REF.test(uri), `not a relative reference: ${uri}`);
  for (const path of TRICKY_PATHS) {
    const uri = relativeUri(path);
    assert(uris.includes(uri), `no result for ${JSON.stringify(path)}`);
    assertEquals(decodeURIComponent(uri), path);
    // Resolved against a base, it stays below it, with the same segments.
    const resolved = new URL(uri, "file:///repo/");
    assertEquals(decodeURIComponent(resolved.pathname), `/repo/${path}`);
    assertEquals(resolved.search + resolved.hash, "");
  }
  assertEquals(relativeUri("dir with space/file name.ts"), "dir%20with%20space/file%20name.ts");
  assertEquals(relativeUri("100%/a%20b.md"), "100%25/a%2520b.md");
  assertEquals(relativeUri("notes/#1?.md"), "notes/%231%3F.md");
  assertEquals(relativeUri("bin/\\xFF.bin"), "bin/%5CxFF.bin");
  assertEquals(relativeUri("docs/é.md"), "docs/%C3%A9.md");
});

Deno.test("toSarif() points a violation of the whole change at the configuration file", () => {
  const log = asLog(
    toSarif(report(EVERY_RULE, { config: "conf/ai gateway.yaml" }), { version: "1" }),
  );
  const whole = log.runs[0]!.results.filter((r) =>
    r.ruleId === "max_files_per_diff" || r.ruleId === "require_tests"
  );
  assertEquals(whole.length, 2);
  for (const r of whole) {
    assertEquals(r.locations[0]!.physicalLocation.artifactLocation.uri, "conf/ai%20gateway.yaml");
  }
});

Deno.test("toSarif() shows the old path of a rename as a related location", () => {
  const log = asLog(toSarif(report(EVERY_RULE), { version: "1" }));
  const renamed = log.runs[0]!.results.find((r) => r.relatedLocations !== undefined);
  assertEquals(renamed?.locations[0]?.physicalLocation.artifactLocation.uri, "public/key.pem");
  assertEquals(
    renamed?.relatedLocations?.[0]?.physicalLocation.artifactLocation.uri,
    "secrets/key%20pem",
  );
});

Deno.test("toSarif() gives each result a stable fingerprint of its rule and path", () => {
  const first = asLog(toSarif(report(EVERY_RULE), { version: "1" }));
  const again = asLog(toSarif(report([...EVERY_RULE]), { version: "1" }));
  assertEquals(JSON.stringify(first), JSON.stringify(again));
  const prints = first.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
  assertEquals(new Set(prints).size, prints.length, "two results share a fingerprint");
  for (const p of prints) assert(/^[0-9a-f]{16}:1$/.test(p ?? ""), `fingerprint ${p}`);
  // The message is not part of it: a reworded message is the same finding.
  const reworded = asLog(toSarif(
    report(EVERY_RULE.map((v) => ({ ...v, message: `${v.message}!` }))),
    { version: "2" },
  ));
  assertEquals(
    reworded.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash),
    prints,
  );
});

Deno.test("toSarif() of a report without violations is valid and has no results", async () => {
  const validate = await validatorPromise;
  const sarif = toSarif(report([], { files: 0 }), { version: "0.1.0" });
  assertEquals(validate(sarif), []);
  const run = asLog(sarif).runs[0]!;
  assertEquals(run.results, []);
  assertEquals(run.tool.driver.rules.length, 5);
  assertEquals("informationUri" in run.tool.driver, false);
});

Deno.test("the SARIF schema check rejects a broken log", async () => {
  // Without this, a validator that accepts everything would pass the tests above.
  const validate = await validatorPromise;
  const log = asLog(toSarif(report(EVERY_RULE), { version: "1" }));
  const broken = structuredClone(log);
  broken.runs[0]!.results[0]!.level = "fatal";
  const errors = validate(broken);
  assert(errors.some((e) => e.startsWith("/runs/0/results/0/level ")), errors.join("\n"));
  const badUri = structuredClone(log);
  badUri.runs[0]!.results[1]!.locations[0]!.physicalLocation.artifactLocation.uri = "a b#c#d";
  assertEquals(validate(badUri), [
    '/runs/0/results/1/locations/0/physicalLocation/artifactLocation/uri must match format "uri-reference"',
  ]);
});
