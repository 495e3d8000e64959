import fc from "fast-check";
import { parseDocument, stringify } from "yaml";
import { assert, assertEquals } from "../../tests/assert.ts";
import { loadYamlFast } from "./mod.ts";

/** `yaml`'s reading of a text, the reference: its value, or undefined when it reports errors. */
function reference(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return doc.errors.length > 0 ? undefined : { value: doc.toJS() };
}

/**
 * Where the fast path answers, `yaml` reads the same value. With `strict`,
 * `yaml` must also accept the text: true for documents as `yaml` writes them.
 * Damaged texts are not held to it: on a few malformed-looking texts the
 * packages disagree whether they are YAML at all (e.g. a comment line between
 * a quoted key and its value), and js-yaml, which passes the whole YAML test
 * suite, is not obviously the wrong one.
 */
function assertAgrees(text: string, strict: boolean): void {
  const fast = loadYamlFast(text);
  if (!fast.ok) return;
  const slow = reference(text);
  if (slow === undefined) {
    assert(!strict, `js-yaml accepted what yaml refuses: ${JSON.stringify(text)}`);
    return;
  }
  assertEquals(fast.value, slow.value, `different values for ${JSON.stringify(text)}`);
}

// Scalars the two YAML 1.2 readers could plausibly read differently.
const TRICKY = [
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "true",
  "True",
  "TRUE",
  "tRUE",
  "null",
  "Null",
  "NULL",
  "~",
  "",
  " ",
  "0",
  "-0",
  "+0",
  "0o17",
  "017",
  "0x1F",
  "0b101",
  "1_000",
  "1e3",
  "1.",
  ".5",
  "-.5e-3",
  ".inf",
  "-.Inf",
  "+.INF",
  ".nan",
  ".NaN",
  "2001-12-14",
  "2001-12-14T21:59:43.10-05:00",
  "12:30",
  "12345678901234567890",
  "a: b",
  "- a",
  "#x",
  "x #y",
  "'q'",
  '"q"',
  "!x",
  "&a",
  "*a",
  "%x",
  "@x",
  "`x",
  "|",
  ">",
  "? x",
  "x\ny",
  "x\ty",
  "é",
  "\u2028",
  "<<",
  "=",
];
const scalar = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 6 }));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { maxDepth: 3 },
    scalar,
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  ),
})).node;
const options = fc.record({
  defaultStringType: fc.constantFrom(
    "PLAIN",
    "QUOTE_DOUBLE",
    "QUOTE_SINGLE",
    "BLOCK_LITERAL",
    "BLOCK_FOLDED",
  ),
  defaultKeyType: fc.constantFrom(null, "PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE"),
  collectionStyle: fc.constantFrom("any", "block", "flow"),
  indent: fc.integer({ min: 1, max: 4 }),
}) as fc.Arbitrary<Parameters<typeof stringify>[2] & object>;

Deno.test("loadYamlFast: wherever it answers, it reads a document as yaml does", () => {
  fc.assert(
    fc.property(value, options, (v, o) => {
      assertAgrees(stringify(v, o), true);
    }),
    { numRuns: 1500 },
  );
});

Deno.test("loadYamlFast: damaged documents are refused, or read as yaml reads them where it accepts them", () => {
  const damage = fc.array(
    fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(..."-:?,[]{}#&*!|>'\"%@` \t\n\\")),
    { minLength: 1, maxLength: 4 },
  );
  fc.assert(
    fc.property(value, options, damage, (v, o, edits) => {
      let text = stringify(v, o);
      for (const [at, cut, insert] of edits) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + insert + text.slice(i + cut);
      }
      assertAgrees(text, false);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("loadYamlFast: gives up where the packages differ, so yaml decides", () => {
  for (
    const text of [
      "%YAML 1.1\n---\na: yes", // YAML 1.1 schema under the directive
      "a: !!float 1", // explicit tags
      "a: !custom x",
      "~: 1", // a null key
      "a: {null: 1}",
      "a: &x 1\nb: *x", // aliases
      "a: 1\na: 2", // duplicate keys
      "a: [1", // malformed
      "a: 1\n---\nb: 2", // two documents
      'a: "x\\\n\n y"', // an escaped line break before an empty line (js-yaml "xy", yaml "x y")
    ]
  ) {
    assertEquals(loadYamlFast(text), { ok: false }, text);
  }
  assertEquals(loadYamlFast("tasks:\n  test:mr:\n    cmds: [x]\n"), {
    ok: true,
    value: { tasks: { "test:mr": { cmds: ["x"] } } },
  });
});
