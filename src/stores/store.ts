/**
 * The Store contract (sops stores/stores.go Store): bytes ⇄ Tree for one file format.
 * A store never encrypts. The sops metadata travels as a raw wire TreeMap (`metadata`), exactly
 * the mapping found under `sops` (YAML/JSON/binary) or rebuilt by unflattening the `sops_*` lines
 * (dotenv) or the `[sops]` section (INI); src/stores/metadata.ts turns it into domain Metadata.
 */
import type { TreeMap, Value } from "../tree/index.js";

export type StoreName = "yaml" | "json" | "dotenv" | "ini" | "binary";

/** A parsed encrypted file: the data branches (the `sops` entry removed) and the wire metadata map. */
export interface EncryptedDocument {
  branches: TreeMap[];
  metadata: TreeMap;
}

/** Options that change how a store writes. */
export interface EmitOptions {
  /** Indent width (YAML default 4; JSON and binary default -1 = TAB). */
  indent?: number;
}

/** Options for loading; `file` is only used to name the file in errors. */
export interface LoadOptions {
  file?: string;
}

export interface Store {
  readonly name: StoreName;
  /** File-name extensions (with dot) that select this store. */
  readonly extensions: readonly string[];
  /**
   * Parses a plaintext file into branches (one per YAML document; exactly one otherwise).
   * @throws HushError PARSE with file and line where known.
   */
  loadPlain(bytes: Uint8Array, opts?: LoadOptions): TreeMap[];
  /**
   * Parses an encrypted file.
   * @throws HushError PARSE for malformed input, METADATA_NOT_FOUND when there is no sops metadata.
   */
  loadEncrypted(bytes: Uint8Array, opts?: LoadOptions): EncryptedDocument;
  /** Writes plaintext branches exactly as `sops decrypt` prints them. @throws HushError EMIT */
  emitPlain(branches: TreeMap[], opts?: EmitOptions): Uint8Array;
  /** Writes an encrypted document exactly as sops 3.13 writes it. @throws HushError EMIT */
  emitEncrypted(doc: EncryptedDocument, opts?: EmitOptions): Uint8Array;
  /** Writes one value for `decrypt --extract` (sops EmitValue). @throws HushError EMIT */
  emitValue(value: Value, opts?: EmitOptions): Uint8Array;
  /** True when a branch carries sops metadata (sops HasSopsTopLevelKey; dotenv: any `sops_` key). */
  hasMetadata(branch: TreeMap): boolean;
}
