/** The public face of the bulk workflows: `updatekeys`/`rotate` over many files, and `validate`. */
export { bulkRotate, bulkUpdateKeys, DEFAULT_CONCURRENCY } from "./bulk.js";
export type { BulkOptions, BulkResult, BulkStatus, BulkUpdateKeysOptions } from "./bulk.js";
export { findRepoEncryptedFiles, isSopsEncrypted, selectTargets } from "./select.js";
export type { RepoFile } from "./select.js";
export { keyGroupDrift, validateFiles } from "./validate.js";
export type { GroupDrift, ValidateResult } from "./validate.js";
export { runPool } from "./pool.js";
export type { PoolOptions } from "./pool.js";
