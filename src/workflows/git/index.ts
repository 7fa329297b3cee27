/** The public face of the git integration: diff driver (textconv), merge driver, setup, conflict form. */
export { gitSetup, DRIVER, ATTRIBUTES } from "./setup.js";
export type { SetupResult } from "./setup.js";
export { textconv, NO_KEY_PLACEHOLDER } from "./textconv.js";
export { mergeDriver } from "./merge.js";
export type { MergeOutcome } from "./merge.js";
export { mergeBranches, sameTree } from "./tree-merge.js";
export type { TreeMergeResult } from "./tree-merge.js";
export { conflictBranches, isConflictForm, readConflict, markConflicts, markerLines, OURS_MARKER, SEPARATOR, THEIRS_MARKER } from "./conflict.js";
export type { ConflictSettings } from "./conflict.js";
