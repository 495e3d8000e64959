/**
 * File helpers that keep users' files whole.
 *
 * @module
 */
export { writeTextFileAtomic } from "./atomic.ts";
