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

/**
 * Awaits `fn` and returns what it threw, checked to be an instance of
 * `ErrorClass` (like @std/assert's assertRejects, which returns the error).
 */
export async function rejection<E extends Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass: new (...args: any[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ErrorClass) return err;
    throw new Error(`Expected ${ErrorClass.name}, got: ${err}`, { cause: err });
  }
  throw new Error(`Expected ${ErrorClass.name}, but nothing was thrown`);
}
