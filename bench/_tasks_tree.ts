// Builds the local-task trees the listing benchmark measures (issue #14): 100
// local task modules, either all in the root's `.wst/tasks/` (what wst lists
// today) or 10 per folder in 10 folders, each with its own `.wst/tasks/` (what
// namespaced discovery lists: `pkg-3:task-31`). Each module is the usual kind:
// zod arguments, static permissions, `run` returning a value. Plus a hello
// task in the root, for `wst hello`, and the same hello recipe for `deno task`
// and `just`.

/** How the 100 tasks are laid out. */
export type TasksLayout = "flat" | "folders";

/** The shape of the generated trees. */
export const TASKS_SHAPE = { tasks: 100, folders: 10 } as const;

/** The hello-world recipe each runner runs: one `echo`. */
export const HELLO = "echo hello";

function taskModule(name: string, i: number): string {
  return `import { defineTask } from "@wst/wst";\nimport { z } from "zod";\n\n` +
    `export default defineTask({\n  name: ${JSON.stringify(name)},\n` +
    `  description: "Local task ${i}",\n` +
    `  args: z.object({ count: z.number().int().default(${i}).describe("How many") }),\n` +
    `  permissions: { read: ["."] },\n  run: (_ctx, args) => ({ task: ${i}, count: args.count }),\n});\n`;
}

/**
 * Writes a tree of {@linkcode TASKS_SHAPE}`.tasks` local tasks under `dir`
 * (which must not exist yet or be empty): `flat` puts them all in
 * `dir/.wst/tasks/`; `folders` puts `tasks / folders` in each of
 * `dir/pkg-<k>/.wst/tasks/` (names `task-<i>`, unique across the tree, so the
 * same modules list with or without namespaces). Both have `hello` in the
 * root's `.wst/tasks/`, a `deno.json` with a `hello` task and a `justfile`
 * with a `hello` recipe.
 *
 * @returns The module files written, relative to `dir`.
 */
export async function writeTasksTree(dir: string, layout: TasksLayout): Promise<string[]> {
  const written: string[] = [];
  const write = async (relative: string, text: string) => {
    const path = `${dir}/${relative}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, text);
    if (relative.endsWith(".ts")) written.push(relative);
  };
  const perFolder = TASKS_SHAPE.tasks / TASKS_SHAPE.folders;
  for (let i = 0; i < TASKS_SHAPE.tasks; i++) {
    const folder = layout === "flat" ? "" : `pkg-${Math.floor(i / perFolder)}/`;
    await write(`${folder}.wst/tasks/task_${i}.ts`, taskModule(`task-${i}`, i));
  }
  await write(
    ".wst/tasks/hello.ts",
    `import { defineTask } from "@wst/wst";\n\nexport default defineTask({\n` +
      `  name: "hello",\n  description: "Say hello",\n  run: () => "hello",\n});\n`,
  );
  await write("deno.json", `${JSON.stringify({ tasks: { hello: HELLO } }, null, 2)}\n`);
  await write("justfile", `hello:\n    ${HELLO}\n`);
  return written;
}
