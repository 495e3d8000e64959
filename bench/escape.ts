// deno task bench: what escaping a child's output costs (escapeStream, the
// transform a runner's piped output goes through), side by side with the
// floor of any text-level forwarding: UTF-8 decoding and encoding again
// (TextDecoderStream, TextEncoderStream), interleaved in one run.
// Input: 16 MiB of log-like lines, some with colour and some with an OSC
// sequence, in 64 KiB chunks (a pipe's read size).
import { escapeStream } from "../lib/reporter/escape.ts";

const RUNS = Number(Deno.env.get("WST_BENCH_RUNS") ?? 10);
const CHUNK = 64 * 1024;

const lines: string[] = [];
for (let i = 0; lines.join("\n").length < 64 * 1024; i++) {
  lines.push(
    i % 7 === 0
      ? `\x1b[32mok\x1b[0m   step ${i} passed in ${i % 97} ms`
      : i % 31 === 0
      ? `step ${i}: \x1b]0;title\x07 plain text with an OSC sequence`
      : `step ${i}: compiling module ${i} of the workspace, nothing special here`,
  );
}
const block = new TextEncoder().encode(`${lines.join("\n")}\n`);
const chunks: Uint8Array[] = [];
for (let size = 0; size < 16 * 1024 * 1024; size += CHUNK) {
  chunks.push(block.subarray(0, Math.min(CHUNK, block.length)));
}
const total = chunks.reduce((n, c) => n + c.length, 0);

async function through(
  pipe: (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>,
): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of pipe(ReadableStream.from(chunks))) {
    bytes += chunk.length;
  }
  if (bytes === 0) throw new Error("nothing came through");
  return performance.now() - started;
}

const times = { copy: [] as number[], escape: [] as number[] };
for (let i = 0; i < RUNS + 1; i++) {
  const copy = await through((input) =>
    input.pipeThrough(new TextDecoderStream()).pipeThrough(new TextEncoderStream())
  );
  const escape = await through((input) => input.pipeThrough(escapeStream()));
  if (i === 0) continue; // warm-up
  times.copy.push(copy);
  times.escape.push(escape);
}
const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1]!;
const mib = total / 1024 / 1024;
const copy = median(times.copy);
const escape = median(times.escape);
// deno-lint-ignore no-console
console.log(
  `child output, ${mib.toFixed(0)} MiB in ${CHUNK / 1024} KiB chunks (median of ${RUNS})`,
);
// deno-lint-ignore no-console
console.log(`  decode+encode ${copy.toFixed(1)} ms  (${(mib / copy * 1000).toFixed(0)} MiB/s)`);
// deno-lint-ignore no-console
console.log(
  `  escapeStream  ${escape.toFixed(1)} ms  (${(mib / escape * 1000).toFixed(0)} MiB/s)  ${
    (escape / copy).toFixed(1)
  }x decode+encode`,
);
