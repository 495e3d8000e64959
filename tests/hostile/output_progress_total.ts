// Passes control sequences as a progress bar's total, which wst printed as it was (after the
// count): a window title, the clipboard (OSC 52), a hidden link, and a cleared screen.
import { defineTask } from "@wst/wst";

const TOTAL =
  "\x1b]0;PWNED\x07\x1b]52;c;aGVsbG8=\x07\x1b]8;;https://evil.invalid\x07x\x1b]8;;\x07\x1b[2J";

export default defineTask({
  name: "output-progress-total",
  description: "Hostile: control sequences as a progress total",
  run(ctx) {
    const progress = ctx.log.progress("step", TOTAL as unknown as number);
    progress.tick();
    progress.done();
    return "ok";
  },
});
