// A task plan → the TypeScript of its module. Scripts are template literals
// holding the source byte for byte (only `\`, `` ` `` and `${` escaped); values
// reach them as env vars, never spliced into the shell text.
import type { Condition, StepPlan, TaskPlan, ValueSource } from "./_plan.ts";

/** A JavaScript template literal whose value is exactly `text`. */
export function templateLiteral(text: string): string {
  return "`" + text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${") + "`";
}

const str = (text: string) => JSON.stringify(text);

/**
 * Text for a `//` comment: line breaks (JavaScript's: `\n`, `\r`, U+2028,
 * U+2029) escaped, so that a file name or a message from the source cannot end
 * the comment and become code.
 */
export function comment(text: string): string {
  return text.replace(
    /[\n\r\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function value(source: ValueSource): string {
  if ("literal" in source) return str(source.literal);
  if ("parts" in source) {
    const body = source.parts.map((part) =>
      typeof part === "string" ? templateLiteral(part).slice(1, -1) : `\${${value(part)}}`
    );
    return `\`${body.join("")}\``;
  }
  if ("arg" in source) {
    return source.fallback === undefined
      ? `args.${source.arg}`
      : `(args.${source.arg} ?? ${value(source.fallback)})`;
  }
  if ("computed" in source) return computedName(source.computed);
  switch (source.special) {
    case "task":
      return "ctx.task";
    case "root":
      return "ctx.root";
    case "rootDir":
      return "rootDir";
    case "item":
      return "item";
    default:
      return "Deno.cwd()";
  }
}

/** The local constant holding a `sh:` variable's value (`HOST` → `shHost`, `env X` → `shEnvX`). */
function computedName(id: string): string {
  return `sh${
    id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) =>
      w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()
    ).join("")
  }`;
}

function record(entries: Readonly<Record<string, ValueSource>>, indent: string): string {
  const keys = Object.keys(entries);
  if (keys.length === 0) return "{}";
  const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : str(k));
  return `{\n${
    keys.map((k) => `${indent}  ${key(k)}: ${value(entries[k]!)},`).join("\n")
  }\n${indent}}`;
}

function list(items: readonly string[]): string {
  return `[${items.map(str).join(", ")}]`;
}

/** `(await ctx.script(<condition>, { …, ignoreError: true })).code`. */
function conditionCall(when: Condition, i: string): string {
  const options = [
    ...(when.cwd === undefined ? [] : [`cwd: ${str(when.cwd)}`]),
    ...(Object.keys(when.env).length > 0 ? [`env: ${record(when.env, `${i}  `)}`] : []),
    "ignoreError: true",
  ];
  return `(await ctx.script(${templateLiteral(when.source)}, {\n${
    options.map((o) => `${i}  ${o},`).join("\n")
  }\n${i}})).code`;
}

/** A step, wrapped in its `if:` condition when it has one. */
function renderStep(step: StepPlan, n: number, commandName: string): string[] {
  let lines = renderBareStep(step, n, commandName);
  const i = "    ";
  const when = step.kind === "script" || step.kind === "task" ? step.when : undefined;
  if (when !== undefined) {
    lines = [`${i}if (${conditionCall(when, i)} === 0) {`, ...lines.map((l) => `  ${l}`), `${i}}`];
  }
  const loop = step.kind === "script" || step.kind === "task" ? step.loop : undefined;
  if (loop !== undefined) {
    const items = "values" in loop
      ? list(loop.values)
      : `${value(loop.from)}.split(${
        loop.split === undefined ? "/\\s+/" : str(loop.split)
      }).filter((item) => item !== "")`;
    lines = [`${i}for (const item of ${items}) {`, ...lines.map((l) => `  ${l}`), `${i}}`];
  }
  const platforms = step.kind === "script" || step.kind === "task" ? step.platforms : undefined;
  if (platforms !== undefined) {
    lines = [`${i}if (onPlatform(${list(platforms)})) {`, ...lines.map((l) => `  ${l}`), `${i}}`];
  }
  return lines;
}

function renderBareStep(step: StepPlan, n: number, commandName: string): string[] {
  const i = "    ";
  if (step.kind === "task") {
    const hasArgs = Object.keys(step.args).length > 0;
    const call = hasArgs
      ? `await ctx.runTask(${str(step.name)}, {\n${i}  args: ${
        record(step.args, `${i}  `)
      },\n${i}});`
      : `await ctx.runTask(${str(step.name)});`;
    if (!step.ignoreError) return [`${i}// ${comment(step.at)}`, `${i}${call}`];
    return [
      `${i}// ${comment(step.at)} (ignore_error)`,
      `${i}try {`,
      `${i}  ${call.replaceAll(`\n${i}`, `\n${i}  `)}`,
      `${i}} catch (err) {`,
      `${i}  if (!(err instanceof SubtaskFailedError)) throw err;`,
      `${i}  ctx.log.warn(err.message);`,
      `${i}}`,
    ];
  }
  const name = `${commandName}${n}`;
  if (step.kind === "skip") {
    const test = step.when !== undefined
      ? `${conditionCall(step.when, i)} !== 0`
      : `!onPlatform(${list(step.platforms ?? [])})`;
    return [
      `${i}// ${comment(step.at)} (${
        step.when !== undefined ? "if" : "platforms"
      }: the task runs only then)`,
      `${i}if (${test}) {`,
      `${i}  ctx.log.info(\`Task \${JSON.stringify(ctx.task)} skipped: its condition is not met\`);`,
      `${i}  return;`,
      `${i}}`,
    ];
  }
  if (step.kind === "status") {
    const options = [
      ...(step.cwd === undefined ? [] : [`cwd: ${str(step.cwd)}`]),
      ...(Object.keys(step.env).length > 0 ? [`env: ${record(step.env, `${i}    `)}`] : []),
      "ignoreError: true",
    ];
    return [
      `${i}// ${comment(step.at)} (status: up to date when every command succeeds)`,
      `${i}const status = [${step.sources.map(templateLiteral).join(", ")}];`,
      `${i}let upToDate = true;`,
      `${i}for (const source of status) {`,
      `${i}  const { code } = await ctx.script(source, {`,
      ...options.map((o) => `${i}    ${o},`),
      `${i}  });`,
      `${i}  if (code !== 0) {`,
      `${i}    upToDate = false;`,
      `${i}    break;`,
      `${i}  }`,
      `${i}}`,
      `${i}if (upToDate) {`,
      `${i}  ctx.log.info(\`Task \${JSON.stringify(ctx.task)} is up to date\`);`,
      `${i}  return;`,
      `${i}}`,
    ];
  }
  const options: string[] = [];
  if (step.cwd !== undefined) options.push(`cwd: ${str(step.cwd)}`);
  if (Object.keys(step.env).length > 0) options.push(`env: ${record(step.env, `${i}  `)}`);
  if (step.kind === "script" && step.argv) options.push("args: ctx.argv");
  if (step.kind === "script" && step.ignoreError) options.push("ignoreError: true");
  if (step.kind === "check") options.push("ignoreError: true");
  const opts = options.length === 0
    ? ""
    : `, {\n${options.map((o) => `${i}  ${o},`).join("\n")}\n${i}}`;
  const lines = [
    `${i}// ${comment(step.at)}`,
    `${i}const ${name} = ${templateLiteral(step.source)};`,
  ];
  if (step.kind === "check") {
    lines.push(
      `${i}if ((await ctx.script(${name}${opts})).code !== 0) {`,
      `${i}  throw new Error(${str(step.message)});`,
      `${i}}`,
    );
    return lines;
  }
  if (step.echo) lines.push(`${i}ctx.log.info(${name});`);
  lines.push(`${i}await ctx.script(${name}${opts});`);
  return lines;
}

/** Every value a step passes (its env or args, and its condition's env). */
function valuesOf(step: StepPlan): ValueSource[] {
  if (step.kind === "skip") return Object.values(step.when?.env ?? {});
  const own = Object.values(step.kind === "task" ? step.args : step.env);
  const when = step.kind === "script" || step.kind === "task" ? step.when : undefined;
  const loop = step.kind === "script" || step.kind === "task" ? step.loop : undefined;
  return [
    ...own,
    ...Object.values(when?.env ?? {}),
    ...(loop !== undefined && "from" in loop ? [loop.from] : []),
  ];
}

function usesRootDir(v: ValueSource): boolean {
  if ("special" in v) return v.special === "rootDir";
  if ("arg" in v) return v.fallback !== undefined && usesRootDir(v.fallback);
  return "parts" in v && v.parts.some((p) => typeof p !== "string" && usesRootDir(p));
}

function usesArgs(v: ValueSource): boolean {
  return "arg" in v || ("parts" in v && v.parts.some((p) => typeof p !== "string" && usesArgs(p)));
}

function isDeferred(step: StepPlan): boolean {
  return (step.kind === "script" || step.kind === "task") && step.defer === true;
}

/** What one generated module needs besides `defineTask`. */
function needs(plan: TaskPlan) {
  const steps = plan.steps;
  return {
    subtaskError: steps.some((s) => s.kind === "task" && s.ignoreError),
    rootDir: steps.some((s) => valuesOf(s).some(usesRootDir)) ||
      plan.computed.some((c) => Object.values(c.env).some(usesRootDir)),
    ctxUsed: steps.length > 0,
    argsUsed: steps.some((s) => valuesOf(s).some(usesArgs)) ||
      plan.computed.some((c) => Object.values(c.env).some(usesArgs)),
  };
}

/**
 * The TypeScript module of a task plan: a `defineTask` default export whose
 * `run` performs the steps in order, with the plan's TODOs and review notes
 * as comments at the top.
 *
 * @param plan The task.
 * @param options `tool`: the importer's name for the header (`wst import taskfile`);
 * `depth`: how many folders the task's folder is below the import root (for `ROOT_DIR`).
 * @returns The module's source (formatted for `deno fmt` by the caller).
 */
export function renderTask(plan: TaskPlan, options: { tool: string; depth: number }): string {
  const need = needs(plan);
  const out: string[] = [
    `// Converted by \`${options.tool}\` from ${comment(plan.at)} (task ${
      comment(str(plan.name))
    }).`,
    "// Review the permissions: they were inferred from the commands (best effort).",
  ];
  for (const todo of plan.todos) out.push(`// TODO(${comment(todo.at)}): ${comment(todo.message)}`);
  for (const note of plan.notes) out.push(`// NOTE: ${comment(note)}`);
  out.push(
    `import { defineTask${need.subtaskError ? ", SubtaskFailedError" : ""} } from "@wst/wst";`,
    `import { z } from "zod";`,
    "",
    "export default defineTask({",
    `  name: ${str(plan.name)},`,
    `  description: ${str(plan.description)},`,
  );
  if (plan.args.length === 0) out.push("  args: z.object({}),");
  else {
    out.push("  args: z.object({");
    for (const arg of plan.args) {
      const def = arg.default !== undefined
        ? `.default(${str(arg.default)})`
        : arg.optional
        ? ".optional()"
        : "";
      out.push(`    ${arg.name}: z.string()${def}.describe(${str(arg.description)}),`);
    }
    out.push("  }),");
  }
  if (plan.deps.length > 0) out.push(`  deps: ${list(plan.deps)},`);
  if (plan.sources.length > 0) out.push(`  sources: ${list(plan.sources)},`);
  if (plan.outputs.length > 0) out.push(`  outputs: ${list(plan.outputs)},`);
  if (plan.dotenv.length > 0) out.push(`  dotenv: ${list(plan.dotenv)},`);
  out.push("  permissions: {");
  for (const kind of ["read", "write", "run", "env", "net", "tasks"] as const) {
    const values = plan.permissions[kind];
    if (values.length > 0) out.push(`    ${kind}: ${list(values)},`);
  }
  if (plan.permissions.interactive) out.push("    interactive: true,");
  out.push("  },");
  if (plan.steps.length === 0) {
    out.push("  // No commands.", "  run: () => {},", "});", "");
    return out.join("\n");
  }
  const params = `ctx${need.argsUsed ? ", args" : ""}`;
  out.push(`  run: async (${params}) => {`);
  if (need.rootDir) {
    out.push(
      options.depth === 0
        ? "    const rootDir = ctx.root;"
        : `    const rootDir = ctx.root.split("/").slice(0, -${options.depth}).join("/");`,
    );
  }
  for (const c of plan.computed) {
    const options = [
      ...(c.cwd === undefined
        ? []
        : [`.cwd(\`\${ctx.root}/${templateLiteral(c.cwd).slice(1, -1)}\`)`]),
      ...(Object.keys(c.env).length > 0 ? [`.env(${record(c.env, "    ")})`] : []),
    ];
    out.push(
      `    // ${comment(c.at)} (sh: its output is the value)`,
      `    const ${computedName(c.name)} = await ctx.$\`bash -c \${${templateLiteral(c.source)}}\`${
        options.join("")
      }.text();`,
    );
  }
  const steps = plan.steps.map((step, n) => {
    const lines = renderStep(step, n + 1, "command");
    if (!isDeferred(step)) return lines;
    // go-task's defer: registered when reached, run when the task ends, last first.
    return [
      "    deferred.unshift(async () => {",
      ...lines.map((l) => `  ${l}`),
      "    });",
    ];
  });
  if (plan.steps.some(isDeferred)) {
    out.push(
      "    const deferred: (() => Promise<unknown>)[] = [];",
      "    try {",
      ...steps.flat().map((l) => `  ${l}`),
      "    } finally {",
      "      // As go-task: a failing deferred step is logged, and the others still run.",
      "      for (const step of deferred) {",
      "        await step().catch((err) => ctx.log.warn(`ignored error in deferred step: ${err}`));",
      "      }",
      "    }",
    );
  } else out.push(...steps.flat());
  out.push("  },", "});", "");
  if (plan.steps.some(usesPlatforms)) out.push(...ON_PLATFORM);
  return out.join("\n");
}

function usesPlatforms(step: StepPlan): boolean {
  return step.kind !== "check" && step.kind !== "status" && step.platforms !== undefined;
}

/** go-task's platform names (GOOS, GOARCH, GOOS/GOARCH) against the running one. */
const ON_PLATFORM = [
  "/** Whether this machine is one of go-task's `platforms` (`linux`, `arm64`, `darwin/arm64`). */",
  "function onPlatform(platforms: string[]): boolean {",
  "  const os = Deno.build.os;",
  '  const arch = ({ x86_64: "amd64", aarch64: "arm64" } as Record<string, string>)[Deno.build.arch];',
  "  return platforms.some((platform) => {",
  '    const [first, second] = platform.split("/");',
  "    return second === undefined ? first === os || first === arch : first === os && second === arch;",
  "  });",
  "}",
  "",
];
