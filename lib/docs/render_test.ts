import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { AGENTS_END, AGENTS_START, agentsSection, tasksPage, withAgentsSection } from "./render.ts";

const TASK = {
  name: "sync-repos",
  description: "Clone and update the workspace's repositories",
  source: "local" as const,
  file: ".wst/tasks/sync_repos.ts",
  argsSchema: {
    type: "object",
    properties: {
      jobs: { type: "number", default: 4, description: "Clones at a time" },
      mode: { enum: ["fast", "full"], description: "How | much" },
      name: { type: "string", positional: true },
    },
    required: ["name"],
  },
  permissions: { read: ["."], run: ["git"] },
};

Deno.test("tasksPage() links a namespaced task to its heading's anchor, without the colons", () => {
  const page = tasksPage([{ ...TASK, name: "seed:test:unit" }]);
  assertMatch(page, /^\| \[`seed:test:unit`\]\(#seedtestunit\) \| local \|/m);
  assertMatch(page, /^## seed:test:unit$/m);
});

Deno.test("tasksPage() lists each task's arguments with flag names, types, defaults and permissions", () => {
  const page = tasksPage([TASK]);
  assertMatch(page, /^\| \[`sync-repos`\]\(#sync-repos\) \| local \| Clone and update/m);
  assertMatch(page, /^\| `--jobs` \| number \| `4` \| Clones at a time \|$/m);
  assertMatch(page, /^\| `--mode` \| `fast` \\\| `full` \| {2}\| How \\\| much \|$/m);
  assertMatch(page, /^\| `<name>` \| string \| required \| {2}\|$/m);
  assertMatch(
    page,
    /^Permissions: `read: \[\.\], write: none, run: \[git\], env: none, net: none`\.$/m,
  );
});

Deno.test("withAgentsSection() replaces only the generated section, or appends one", () => {
  const section = agentsSection([TASK]);
  const doc = `# AGENTS\n\nintro\n\n${AGENTS_START}\nold\n${AGENTS_END}\n\n## After\n\nkept\n`;
  const next = withAgentsSection(doc, section);
  assertEquals(next, `# AGENTS\n\nintro\n\n${section}\n\n## After\n\nkept\n`);
  assertEquals(withAgentsSection(next, section), next);
  assertEquals(withAgentsSection("# AGENTS\n", section), `# AGENTS\n\n## Tasks\n\n${section}\n`);
});

Deno.test("agentsSection() tells agents to run wst guard where the workspace has guard-rails", () => {
  assertEquals(agentsSection([TASK]).includes("wst guard"), false);
  assertMatch(
    agentsSection([TASK], { guard: true }),
    /^Before you ask for review, run `wst guard`: it checks your change against the guard-rails of\n`ai-gateway\.yaml`/m,
  );
});
