/**
 * The binary store (sops stores/json/store.go BinaryStore): the whole file is one value, `data`,
 * kept as raw bytes end to end (never decoded as UTF-8). The encrypted form is the JSON store's
 * layout (`stores.json_binary.indent`, TAB by default).
 */
import { HushError } from "../errors.js";
import { Comment, treeMap } from "../tree/index.js";
import type { TreeMap, Value } from "../tree/index.js";
import { jsonStore } from "./json.js";
import type { EmitOptions, EncryptedDocument, LoadOptions, Store } from "./store.js";

const enc = new TextEncoder();
const HINT = "This is likely not an encrypted binary file? If not, use --output-type to select the correct output type.";

/** One branch `{ data: <bytes> }`; an empty file gives `data: ""`, which sops leaves unencrypted. */
function loadPlain(bytes: Uint8Array, _opts?: LoadOptions): TreeMap[] {
  return [treeMap([{ key: "data", value: bytes.length === 0 ? "" : bytes.slice() }])];
}

function loadEncrypted(bytes: Uint8Array, opts?: LoadOptions): EncryptedDocument {
  return jsonStore.loadEncrypted(bytes, opts);
}

/**
 * The raw bytes of `data`, with nothing added.
 * @throws HushError EMIT when there is not exactly one branch, no `data` key, or `data` is not a string/bytes.
 */
function emitPlain(branches: TreeMap[], _opts?: EmitOptions): Uint8Array {
  const [branch] = branches;
  if (branch === undefined || branches.length !== 1) {
    throw new HushError("EMIT", "error emitting binary store: there must be exactly one tree branch");
  }
  for (const it of branch.items) {
    if (it instanceof Comment || it.key !== "data") continue;
    if (typeof it.value === "string") return enc.encode(it.value);
    if (it.value instanceof Uint8Array) return it.value;
    throw new HushError("EMIT", "error emitting binary store: 'data' key in tree does not have a string value", {
      hints: [HINT],
    });
  }
  throw new HushError("EMIT", "error emitting binary store: no binary data found in tree", { hints: [HINT] });
}

function emitEncrypted(doc: EncryptedDocument, opts?: EmitOptions): Uint8Array {
  return jsonStore.emitEncrypted(doc, opts);
}

function emitValue(_value: Value, _opts?: EmitOptions): Uint8Array {
  throw new HushError("EMIT", "binary files are not structured and extracting a single value is not possible");
}

/** The binary store: every extension that no other store claims. */
export const binaryStore: Store = {
  name: "binary",
  extensions: [],
  loadPlain,
  loadEncrypted,
  emitPlain,
  emitEncrypted,
  emitValue,
  hasMetadata: (branch: TreeMap): boolean => jsonStore.hasMetadata(branch),
};
