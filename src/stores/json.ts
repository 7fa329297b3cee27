/**
 * The JSON store (sops stores/json/store.go, 3.13.2).
 * - The top level must be an object; key order and duplicate keys are kept.
 * - Numbers: an integer that fits in int64 becomes a bigint (`type:int`), any other number a float.
 * - Writing is Go json.Marshal (HTML-escaping `<`, `>`, `&`, U+2028, U+2029; other non-ASCII raw)
 *   then json.Indent with a TAB (indent -1, the default) or N spaces, plus a trailing newline.
 *   Comments are dropped.
 * - The metadata is the `sops` object, appended after the data keys.
 */
import { HushError } from "../errors.js";
import { Comment, isMap, treeMap } from "../tree/index.js";
import type { MapItem, TreeMap, Value } from "../tree/index.js";
import { encodeJson, parseJsonObject } from "./_json-codec.js";
import type { EmitOptions, EncryptedDocument, LoadOptions, Store } from "./store.js";

const SOPS_KEY = "sops";
const enc = new TextEncoder();

/**
 * Removes the `sops` entry from a branch and returns it (sops ExtractMetadata, MetadataFlattenNone).
 * @throws HushError METADATA_NOT_FOUND without one; METADATA_INVALID when it is duplicated or not a mapping.
 */
export function extractSopsEntry(branch: TreeMap, file?: string): { data: TreeMap; metadata: TreeMap } {
  let metadata: TreeMap | undefined;
  const data: MapItem[] = [];
  for (const it of branch.items) {
    if (it instanceof Comment || it.key !== SOPS_KEY) {
      data.push(it);
      continue;
    }
    if (metadata !== undefined) throw new HushError("METADATA_INVALID", "found duplicate sops entry", { file });
    if (!isMap(it.value)) throw new HushError("METADATA_INVALID", "found sops entry that is not a mapping", { file });
    metadata = it.value;
  }
  if (metadata === undefined) throw new HushError("METADATA_NOT_FOUND", "sops metadata not found", { file });
  return { data: treeMap(data), metadata };
}

/**
 * Appends the metadata as a `sops` entry (sops SerializeMetadata, MetadataFlattenNone).
 * @throws HushError EMIT when the data already has a `sops` key.
 */
export function withSopsEntry(branch: TreeMap, metadata: TreeMap): TreeMap {
  for (const it of branch.items) {
    if (!(it instanceof Comment) && it.key === SOPS_KEY) {
      throw new HushError(
        "EMIT",
        'found key "sops" in encrypted data, which is a reserved key used for sops metadata',
      );
    }
  }
  return treeMap([...branch.items, { key: SOPS_KEY, value: metadata }]);
}

function firstBranch(branches: TreeMap[]): TreeMap {
  const b = branches[0];
  if (b === undefined) throw new HushError("EMIT", "no document to write");
  return b;
}

function loadPlain(bytes: Uint8Array, opts: LoadOptions = {}): TreeMap[] {
  return [parseJsonObject(bytes, opts.file)];
}

function loadEncrypted(bytes: Uint8Array, opts: LoadOptions = {}): EncryptedDocument {
  const { data, metadata } = extractSopsEntry(parseJsonObject(bytes, opts.file), opts.file);
  return { branches: [data], metadata };
}

function emitPlain(branches: TreeMap[], opts: EmitOptions = {}): Uint8Array {
  return enc.encode(encodeJson(firstBranch(branches), opts.indent) + "\n");
}

function emitEncrypted(doc: EncryptedDocument, opts: EmitOptions = {}): Uint8Array {
  return emitPlain([withSopsEntry(firstBranch(doc.branches), doc.metadata)], opts);
}

/** sops EmitValue: indented JSON of the value with no trailing newline (a string comes out quoted). */
function emitValue(value: Value, opts: EmitOptions = {}): Uint8Array {
  return enc.encode(encodeJson(value, opts.indent));
}

function hasMetadata(branch: TreeMap): boolean {
  return branch.items.some((it) => !(it instanceof Comment) && it.key === SOPS_KEY);
}

/** The JSON store (`.json`). */
export const jsonStore: Store = {
  name: "json",
  extensions: [".json"],
  loadPlain,
  loadEncrypted,
  emitPlain,
  emitEncrypted,
  emitValue,
  hasMetadata,
};
