/**
 * Generated documentation: the task reference page and the task section of
 * AGENTS.md, both from the registry (`wst docs`).
 *
 * @module
 */
export {
  AGENTS_END,
  AGENTS_START,
  agentsSection,
  type DocTask,
  tasksPage,
  withAgentsSection,
} from "./render.ts";
