/**
 * Trust for what local tasks reach beyond their repository: what a run's
 * permissions reach outside its root (`reachBeyond`), the user's approvals
 * in their state folder (`trust.json`), the decision of a run
 * (`ensureTrusted`: go, ask on a terminal, or refuse with the `wst trust`
 * command) and each task's state for `wst list`. See docs/adr/0011-trust.md.
 *
 * @module
 */
export {
  type EnsureOptions,
  ensureTrusted,
  recordApproval,
  trustCommand,
  type TrustState,
  trustState,
  type TrustSubject,
} from "./check.ts";
export { type ApprovalQuestion, askApproval, type PromptIO, terminalPromptIO } from "./prompt.ts";
export {
  describeReach,
  isEmptyReach,
  mergeReach,
  quoteForTerminal,
  type Reach,
  REACH_KINDS,
  reachBeyond,
  uncovered,
} from "./reach.ts";
export {
  type Approval,
  moveTrustFileAside,
  readTrustFile,
  type TrustFile,
  trustFilePath,
  updateTrustFile,
} from "./store.ts";
