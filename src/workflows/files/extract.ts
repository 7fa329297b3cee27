/**
 * `decrypt --extract`: the value at a tree path, printed as sops prints it (cmd/sops/decrypt.go):
 * a string raw with no newline, a mapping as a document of the output store, anything else
 * through the store's emitValue.
 */
import type { Store } from "../../stores/store.js";
import { getPath, isMap, parseTreePath, type TreeMap } from "../../tree/index.js";

const utf8 = new TextEncoder();

/** @throws HushError INVALID_TREE_PATH, GENERIC (component not found), EMIT */
export function extractValue(branches: readonly TreeMap[], pathText: string, out: Store, indent: number | undefined): Uint8Array {
  const path = parseTreePath(pathText);
  const v = getPath(branches[0] ?? { kind: "map", items: [] }, path);
  const opts = indent === undefined ? {} : { indent };
  if (typeof v === "string") return utf8.encode(v);
  if (v instanceof Uint8Array) return v;
  if (isMap(v)) return out.emitPlain([v], opts);
  return out.emitValue(v, opts);
}
