// @std/assert lives on JSR, which these machines cannot reach (docs/adr/0001).
// Node's assert/strict gives the same checks; these are std's names for them.
export {
  deepStrictEqual as assertEquals,
  match as assertMatch,
  notStrictEqual as assertNotEquals,
  ok as assert,
  rejects as assertRejects,
  throws as assertThrows,
} from "node:assert/strict";
