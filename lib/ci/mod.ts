/**
 * CI output: GitHub Actions workflow commands and files, JUnit XML.
 *
 * @module
 */
export {
  annotation,
  type AnnotationPlace,
  appendToFile,
  codeCell,
  formatOutputs,
  GITHUB_MATRIX_LIMIT,
  inGithubActions,
  markdownCell,
  stopCommands,
  stopCommandsToken,
} from "./github.ts";
export { type JunitCase, junitXml } from "./junit.ts";
