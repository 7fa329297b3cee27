/** The public face of the guardrails: the pre-commit guard, its git hook, and the sops-soundness check. */
export { guard, shQuote } from "./guard.js";
export type { GuardProblem, GuardResult, StagedFinding, StagedScanner } from "./guard.js";
export { installHook, uninstallHook, hookScript, hooksDir, HOOK_MARKER, HOOK_NAMES, CHAINED_SUFFIX } from "./hooks.js";
export type { HookChange } from "./hooks.js";
export { checkSopsFile, structureProblem } from "./integrity.js";
export type { Integrity } from "./integrity.js";
export { compileNamePattern, firstMatch } from "./glob.js";
export type { NamePattern } from "./glob.js";
export { findHushConfig, loadAuditSettings, loadGuardSettings, DEFAULT_AUDIT_IGNORE, DEFAULT_AUDIT_PATTERNS, DEFAULT_GUARD_ALLOW, DEFAULT_NEVER_COMMIT } from "./settings.js";
export type { AuditSettings, GuardSettings } from "./settings.js";
export { auditHistory } from "./audit-history.js";
export type { AuditFinding, AuditResult } from "./audit-history.js";
