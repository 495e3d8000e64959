// Recognises Deno's permission refusals, which are the only errors that say
// "Requires <kind> access". NotCapable is thrown for most operations; remote
// and dynamic imports raise a TypeError with the same wording.

const REFUSAL = /Requires (\w+) access(?: to "([^"]*)")?/;

/**
 * The refused operation named in an error or message, e.g.
 * `read access to "/etc/passwd"`, or `undefined` when it is not a refusal.
 */
export function refusedOperation(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : typeof err === "string" ? err : undefined;
  if (message === undefined) return undefined;
  if (
    err instanceof Error && !(err instanceof Deno.errors.NotCapable) && !(err instanceof TypeError)
  ) {
    return undefined;
  }
  const match = REFUSAL.exec(message);
  if (!match) return undefined;
  return match[2] === undefined ? `${match[1]} access` : `${match[1]} access to "${match[2]}"`;
}
