import { assert, assertEquals } from "../../tests/assert.ts";
import { askApproval, type PromptIO } from "./prompt.ts";

function io(answer: string | null): PromptIO & { written: string } {
  const out = {
    written: "",
    write(text: string) {
      out.written += text;
    },
    readLine: () => Promise.resolve(answer),
  };
  return out;
}

const QUESTION = {
  task: "deploy",
  file: ".wst/tasks/deploy.ts",
  root: "/repo",
  needed: { env: ["TOKEN"], net: ["api.test"] },
  missing: { net: ["api.test"] },
  approval: undefined,
};

Deno.test("askApproval() shows task, module, root and permissions, and takes only y or yes", async () => {
  for (
    const [answer, expected] of [["y", true], ["YES ", true], ["", false], ["n", false]] as const
  ) {
    const terminal = io(answer);
    assertEquals(await askApproval(terminal, QUESTION), expected, answer);
    assertEquals(
      terminal.written,
      'Task "deploy" (".wst/tasks/deploy.ts" in "/repo") reaches beyond the repository:\n' +
        '  env   "TOKEN"\n  net   "api.test"\nRun and remember? [y/N] ',
    );
  }
  assertEquals(await askApproval(io(null), QUESTION), false);
});

Deno.test("askApproval() marks what is new since an approval", async () => {
  const terminal = io("y");
  await askApproval(terminal, {
    ...QUESTION,
    approval: { reach: { env: ["TOKEN"] }, approvedAt: "2026-01-01T00:00:00Z", file: "x" },
  });
  assert(
    terminal.written.includes('  env   "TOKEN"\n  net   "api.test"  (new)\n'),
    terminal.written,
  );
  assert(terminal.written.includes("further beyond the repository than you approved"));
  assert(terminal.written.includes('New since your approval: net: ["api.test"]'));
});

Deno.test("askApproval() shows a hostile permission's escape sequences as text", async () => {
  const terminal = io("n");
  await askApproval(terminal, {
    ...QUESTION,
    needed: { read: ["/etc/\u001b[8mhidden\u001b]0;title\u0007"] },
    missing: { read: ["/etc/\u001b[8mhidden\u001b]0;title\u0007"] },
  });
  // deno-lint-ignore no-control-regex
  assertEquals(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(terminal.written), false);
  assert(terminal.written.includes('"/etc/\\u001b[8mhidden\\u001b]0;title\\u0007"'));
});
