/** The public face of the file workflows; other workflows and the CLI import from here. */
export { absPath, pickStore, readUserFile, type Env, type FileCtx } from "./context.js";
export { open, reseal, freshKeys, decryptFile, encryptFile, rotateFile, setValue, unsetValue, fileStatus, updateKeys, changeGroups, alreadyEncrypted } from "./operations.js";
export type { DecryptOptions, EncryptOptions, GroupChange, InputOptions, RotateOptions } from "./operations.js";
export { resolvePlan, storeIndent, loadConfigFor, type Plan, type PlanFlags } from "./plan.js";
export { buildKeyring, ageSourceEnv } from "./keyring.js";
export { HUSH_SOPS_VERSION, HUSH_VERSION } from "./version.js";
