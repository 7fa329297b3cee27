/** `.sops.yaml`: discovery, loading (parse → normalize → validate) and creation-rule matching. */
export { findConfig, CONFIG_FILE_NAME } from "./find.js";
export type { FoundConfig } from "./find.js";
export { loadConfig } from "./load.js";
export { matchCreationRule, pathForMatching } from "./match.js";
export type { CreationRuleMatch } from "./match.js";
export { compileRe2, translateRe2, Re2SyntaxError } from "./re2.js";
export { formatProblem, SELECTOR_KINDS } from "./types.js";
export type {
  AzureKeySpec,
  ConfigLoadResult,
  ConfigProblem,
  CreationRule,
  KeyGroupSpec,
  KmsKeySpec,
  Selector,
  SelectorKind,
  SopsConfig,
  StoresConfig,
} from "./types.js";
