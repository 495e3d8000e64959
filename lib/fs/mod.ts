/**
 * File helpers that keep users' files whole, and the small reads every task needs.
 *
 * @module
 */
export { type AtomicWriteOptions, syncFile, syncFolderOf, writeTextFileAtomic } from "./atomic.ts";
export { sha256FileHex, sha256Hex } from "./hash.ts";
export {
  decodeUtf8,
  pathExists,
  readDirSorted,
  readTextFileOrNull,
  readTextFileOrNullSync,
  type Utf8Position,
} from "./read.ts";
