/**
 * Whole-document operations: encrypted bytes → plaintext tree, and plaintext tree → encrypted bytes.
 * Pure: bytes, keys, clock and randomness come in; bytes come out. No file system, no process.
 */
import { HushError } from "../errors.js";
import type { KeyType, MasterKey } from "../keys/master-key.js";
import { formatLastModified, metadataFromTree, metadataToTree, type Metadata } from "../stores/metadata.js";
import type { Store } from "../stores/store.js";
import type { TreeMap } from "../tree/index.js";
import { getDataKey, wrapDataKey, type Keyring } from "./data-key.js";
import { decryptBranches, encryptBranches, IvStash, sealMac, type RandomBytes } from "./tree-cipher.js";

/** An opened encrypted file: its plaintext tree and everything needed to write it back. */
export interface OpenedDocument {
  branches: TreeMap[];
  metadata: Metadata;
  dataKey: Uint8Array;
  /** IVs of the values as decrypted, so unchanged values keep their ciphertext when re-encrypted. */
  stash: IvStash;
}

/**
 * Parses the encrypted file's layout and metadata without decrypting anything.
 * @throws HushError PARSE, METADATA_NOT_FOUND, METADATA_INVALID (with `file` set)
 */
export function readEncrypted(bytes: Uint8Array, store: Store, file?: string): { branches: TreeMap[]; metadata: Metadata } {
  try {
    const doc = store.loadEncrypted(bytes, file === undefined ? {} : { file });
    return { branches: doc.branches, metadata: metadataFromTree(doc.metadata) };
  } catch (e) {
    // sops reports a malformed encrypted file with its generic exit code 1, unlike a malformed plain file (2).
    if (e instanceof HushError && e.code === "PARSE")
      throw new HushError("PARSE_ENCRYPTED", e.message, { file: e.file ?? file, ...(e.line === undefined ? {} : { line: e.line }), hints: e.hints });
    if (e instanceof HushError) throw e.withFile(file);
    throw e;
  }
}

/**
 * Opens an encrypted file: recovers the data key, decrypts every value, verifies the MAC, and
 * stashes each value's IV for re-encryption unless `keepIvs` is false.
 * @throws HushError PARSE, METADATA_NOT_FOUND, NO_DECRYPTION_KEY, DECRYPT_TREE, MAC_MISMATCH
 */
export async function openDocument(
  bytes: Uint8Array,
  store: Store,
  keyring: Keyring,
  opts: { file?: string; ignoreMac?: boolean; decryptionOrder?: readonly KeyType[]; keepIvs?: boolean } = {},
): Promise<OpenedDocument> {
  const { branches, metadata } = readEncrypted(bytes, store, opts.file);
  try {
    const dataKey = await getDataKey(metadata, keyring, opts.decryptionOrder);
    // keepIvs: false (a plain decrypt, which never re-encrypts) leaves the stash empty.
    const stash = new IvStash();
    const plain = decryptBranches(branches, metadata, dataKey, { ignoreMac: opts.ignoreMac ?? false, ...(opts.keepIvs === false ? {} : { stash }) });
    return { branches: plain, metadata, dataKey, stash };
  } catch (e) {
    if (e instanceof HushError) throw e.withFile(opts.file);
    throw e;
  }
}

/** What sealing needs: the clock and randomness are injected (tests freeze them). */
export interface SealDocumentOptions {
  now: Date;
  randomBytes?: RandomBytes;
  stash?: IvStash;
  indent?: number;
  file?: string;
}

/**
 * Encrypts plaintext branches with `dataKey` under `metadata` (key groups already wrapped) and emits
 * the file: new lastmodified, new MAC, values re-encrypted (stashed IVs reused).
 * @throws HushError ALREADY_ENCRYPTED-style EMIT when a branch has a reserved `sops` key, ENCRYPT_TREE, EMIT
 */
export function sealDocument(
  store: Store,
  branches: readonly TreeMap[],
  metadata: Omit<Metadata, "lastModified" | "mac">,
  dataKey: Uint8Array,
  opts: SealDocumentOptions,
): Uint8Array {
  try {
    for (const b of branches) {
      if (store.hasMetadata(b))
        throw new HushError("EMIT", store.name === "dotenv" ? "found a key starting with the reserved prefix sops_ in the data" : 'found key "sops" in the data, which is reserved for sops metadata', {
          hints: ["rename that key; sops and hush keep their metadata under it"],
        });
    }
    const rnd = { ...(opts.randomBytes === undefined ? {} : { randomBytes: opts.randomBytes }), ...(opts.stash === undefined ? {} : { stash: opts.stash }) };
    const enc = encryptBranches(branches, metadata, dataKey, rnd);
    const lastModified = formatLastModified(opts.now);
    const mac = sealMac(enc.mac, dataKey, lastModified, rnd);
    const wire = metadataToTree({ ...metadata, lastModified, mac });
    return store.emitEncrypted({ branches: enc.branches, metadata: wire }, opts.indent === undefined ? {} : { indent: opts.indent });
  } catch (e) {
    if (e instanceof HushError) throw e.withFile(opts.file);
    throw e;
  }
}

/**
 * `updatekeys`: re-wraps the file's data key for new key groups and leaves every value, the
 * lastmodified time and the MAC as they are (sops updatekeys does not decrypt the tree).
 * @throws HushError NO_DECRYPTION_KEY, KEY_GROUPS, EMIT
 */
export async function rewrapDocument(
  store: Store,
  parsed: { branches: TreeMap[]; metadata: Metadata },
  keyring: Keyring,
  groups: readonly (readonly MasterKey[])[],
  threshold: number,
  opts: { randomBytes?: RandomBytes; indent?: number; file?: string; decryptionOrder?: readonly KeyType[] } = {},
): Promise<Uint8Array> {
  try {
    const dataKey = await getDataKey(parsed.metadata, keyring, opts.decryptionOrder);
    const wrapped = await wrapDataKey(dataKey, groups, threshold, opts.randomBytes);
    const wire = metadataToTree({ ...parsed.metadata, keyGroups: wrapped.keyGroups, shamirThreshold: wrapped.shamirThreshold });
    return store.emitEncrypted({ branches: parsed.branches, metadata: wire }, opts.indent === undefined ? {} : { indent: opts.indent });
  } catch (e) {
    if (e instanceof HushError) throw e.withFile(opts.file);
    throw e;
  }
}
