import { isMap, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { loadYamlFast } from "../yaml/mod.ts";
import type { Problem } from "./walk.ts";

/** The go-task task a merge-request target defines. */
export const TEST_MR_TASK = "test:mr";

/** Whether a Taskfile defines `test:mr`, or why that cannot be told. */
export type TaskfileVerdict = { testMr: boolean } | { problem: Problem };

/**
 * Reads a Taskfile's text and tells whether its `tasks` map has a `test:mr`
 * key. A file that does not contain the text `test:mr` at all cannot define
 * it and is not parsed (this keeps discovery over thousands of Taskfiles
 * fast; a key spelled with YAML escapes, `"test\x3amr"`, is not recognised).
 *
 * @param file The Taskfile's path, for messages.
 * @param text Its content.
 * @returns The verdict, or a problem with line and column.
 */
export function readTaskfile(file: string, text: string): TaskfileVerdict {
  if (!text.includes(TEST_MR_TASK)) return { testMr: false };
  const fast = loadYamlFast(text);
  if (fast.ok) {
    const top = fast.value;
    if (top === null || top === undefined) return { testMr: false };
    if (isRecord(top)) {
      const tasks = Object.hasOwn(top, "tasks") ? top.tasks : null;
      if (tasks === null || tasks === undefined) return { testMr: false };
      if (isRecord(tasks)) return { testMr: Object.hasOwn(tasks, TEST_MR_TASK) };
    }
    // Not a mapping where one belongs: `yaml` says where.
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: "" };
  };
  const [error] = doc.errors;
  if (error !== undefined) {
    return {
      problem: { ...at(error.pos[0]), message: `Invalid YAML: ${error.message.split("\n")[0]}` },
    };
  }
  const contents = doc.contents;
  if (contents === null) return { testMr: false };
  if (!isMap(contents)) {
    return {
      problem: { ...at(contents.range?.[0] ?? 0), message: "Expected a mapping at the top level" },
    };
  }
  const tasksPair = (contents as YAMLMap).items.find((p) => keyText(p.key) === "tasks");
  if (tasksPair === undefined || tasksPair.value === null) return { testMr: false };
  const tasks = tasksPair.value;
  if (!isMap(tasks)) {
    const start = (tasks as { range?: [number, number, number] }).range?.[0] ?? 0;
    return {
      problem: {
        ...at(start),
        path: "tasks",
        message: `Expected a mapping of task names, found ${kindOf(tasks)}`,
      },
    };
  }
  return { testMr: tasks.items.some((p) => keyText(p.key) === TEST_MR_TASK) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function keyText(node: unknown): string | undefined {
  if (node !== null && typeof node === "object" && "value" in node) {
    return String((node as { value: unknown }).value);
  }
  return typeof node === "string" ? node : undefined;
}

function kindOf(node: unknown): string {
  if (node !== null && typeof node === "object") {
    if ("items" in node) return "a list";
    if ("value" in node) {
      const value = (node as { value: unknown }).value;
      return typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${value}`;
    }
  }
  return String(node);
}
