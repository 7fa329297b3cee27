/**
 * The public face of the scanner (used by `hush scan` and by the guard workflow):
 * `loadScanConfig` (built-in rules + hush.yaml `scan:`), `scanContent` (one file's content) and the
 * `Finding` shape. Findings never hold the secret: a redacted prefix and a fingerprint instead.
 */
export { loadScanConfig, parseScanConfig, makeScanConfig, withBaselineFile, findHushConfig, HUSH_CONFIG_FILE, DEFAULT_MAX_FILE_SIZE, DEFAULT_ALLOW_PATHS, type ScanConfig } from "./config.js";
export { scanContent, isBinary, isSopsEncrypted, isSealedSecret, isEncryptedFile, type Finding } from "./content.js";
export { BUILTIN_RULES } from "./rules.js";
export type { Rule } from "./rule.js";
export { formatBaseline, readBaseline, baselineKey, type BaselineEntry } from "./baseline.js";
export { redact, fingerprint } from "./redact.js";
