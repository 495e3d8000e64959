/**
 * Whether a command run with dax's `.timeout(ms)` was stopped by it: dax then
 * reports exit code 124 (as `timeout(1)` does). The elapsed time tells that
 * apart from a command that exits with 124 by itself.
 *
 * @param code The exit code.
 * @param elapsedMs How long the command ran.
 * @param timeoutMs The timeout it was given.
 */
export function stoppedByTimeout(code: number, elapsedMs: number, timeoutMs: number): boolean {
  return code === 124 && elapsedMs >= timeoutMs - 50;
}
