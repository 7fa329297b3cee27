/** hush's public library API: re-exports only. Everything not exported here is internal. */
export { HushError, EXIT_CODES, isHushError, type ErrorCode, type ErrorContext } from "./errors.js";
export * from "./tree/index.js";
export type { Store, StoreName, EncryptedDocument, EmitOptions, LoadOptions } from "./stores/store.js";
export { STORES, storeFor, storeForPath, storeByName } from "./stores/index.js";
export { metadataFromTree, metadataToTree, type Metadata, type Selector } from "./stores/metadata.js";
export { openDocument, sealDocument, rewrapDocument, readEncrypted, getDataKey, wrapDataKey, newDataKey, IvStash } from "./engine/index.js";
export type { Keyring, OpenedDocument, SealDocumentOptions } from "./engine/index.js";
export type { KeyEntry, MasterKey, Unwrapper, KeyType } from "./keys/master-key.js";
export { ageMasterKey, ageUnwrapper, generateX25519Identity, x25519RecipientOf, parseAgeRecipient, parseAgeIdentities } from "./keys/age/index.js";
export { findConfig, loadConfig, matchCreationRule } from "./config/index.js";
