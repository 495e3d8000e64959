/**
 * YAML at two speeds. The `yaml` package keeps source positions and is the
 * reference for what a file means and for every message about it; js-yaml is
 * four to five times faster, cold and warm (docs/adr/0005). Callers read a
 * file with {@linkcode loadYamlFast} first and go to `yaml` only when it gives
 * up, or when the content turns out to be wrong and a position is needed.
 *
 * @module
 */
import { load } from "js-yaml";

/** What {@linkcode loadYamlFast} makes of a text. */
export type FastYaml = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

const GIVE_UP: FastYaml = { ok: false };

// Texts where the two parsers may disagree, left to `yaml`:
// - a `%YAML 1.1` (or any) directive: `yaml` switches to the YAML 1.1 schema;
// - an explicit tag (`!!float 1`, `!custom`): the packages resolve tags differently;
// - a tab anywhere: the packages draw the line between tab as separator and as
//   indentation in different places;
// - a block scalar with an explicit indentation indicator (`|1-`): the
//   packages read the indentation of a top-level one differently;
// - a backslash at the end of a line: in a double-quoted scalar, an escaped
//   line break followed by empty lines reads as "" in js-yaml and as " " or
//   "\n" in `yaml` (found by lib/yaml/mod_test.ts);
// - a null key (`~: 1`): js-yaml names it "null", `yaml` "" (see `unclear`);
// - a number too large for a double (`1e400`): js-yaml keeps the text, `yaml`
//   reads Infinity (see `unclear`).
const DIRECTIVE = /^%/m;
const TAG = /(?:^|[\s[{,])!/m;
const INDENT_INDICATOR = /[|>][-+]?[1-9]/;
const ESCAPED_BREAK = /\\\r?\n/;
const NUMBER_LIKE = /^[-+]?(?:\.\d|\d)[\d.]*(?:[eE][-+]?\d+)?$/;

/**
 * Parses one YAML document with js-yaml (YAML 1.2 core schema, duplicate keys
 * refused, aliases refused), or gives up. Whatever it returns is what `yaml`'s
 * `parseDocument(text, { uniqueKeys: true }).toJS()` returns for the same text
 * (lib/yaml/mod_test.ts checks this on generated documents). It gives up on
 * anything js-yaml refuses (malformed text, several or no documents,
 * duplicate keys, aliases) and on the few constructs where the two packages
 * differ; the caller then parses with `yaml`, which also says where a problem is.
 *
 * @param text The document.
 * @returns `{ ok: true, value }`, or `{ ok: false }` to ask for the `yaml` path.
 */
export function loadYamlFast(text: string): FastYaml {
  if (
    DIRECTIVE.test(text) || TAG.test(text) || INDENT_INDICATOR.test(text) ||
    ESCAPED_BREAK.test(text) || text.includes("\t")
  ) {
    return GIVE_UP;
  }
  let value: unknown;
  try {
    value = load(text, { maxAliases: 0 });
  } catch {
    return GIVE_UP;
  }
  return unclear(value) ? GIVE_UP : { ok: true, value };
}

/**
 * Whether the value holds a key "null" or a string that reads like a number
 * too large for a double: what a null key or an overflowing number may have
 * become (both rare; when the text simply says so, `yaml` reads it the same
 * way, only slower).
 */
function unclear(value: unknown): boolean {
  if (typeof value === "string") return overflows(value);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(unclear);
  for (const key in value) {
    if (key === "null" || overflows(key)) return true;
    if (unclear((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function overflows(text: string): boolean {
  return NUMBER_LIKE.test(text) && Math.abs(Number(text)) === Infinity;
}
