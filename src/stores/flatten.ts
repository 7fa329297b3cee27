/**
 * Flattening of nested metadata into one level of keys (sops stores/flatten.go), used by the dotenv
 * store (`sops_` prefix, whole metadata) and the INI store (inside the `[sops]` section, no prefix).
 *
 * A mapping child is joined with `__map_`, a list item with `__list_<n>` (n counts non-comment items
 * from 0). Unflattening splits a key at every `__map_`/`__list_`, rebuilds mappings with their keys
 * sorted by byte order (Go sorts the map keys), and requires lists to be dense from 0.
 */
import { HushError } from "../errors.js";
import { Comment, isList, isMap, treeList, treeMap } from "../tree/index.js";
import type { MapItem, TreeMap, Value } from "../tree/index.js";

const MAP_SEP = "__map_";
const LIST_SEP = "__list_";

/**
 * Flattens a mapping into `prefix + path` keys, in depth-first order. Comments are dropped; leaves
 * keep their type.
 * @throws HushError METADATA_INVALID `found key collision "k" while flattening` when two paths meet.
 */
export function flatten(m: TreeMap, prefix: string = ""): TreeMap {
  const out: MapItem[] = [];
  const seen = new Set<string>();
  const descend = (v: Value, key: string): void => {
    if (isMap(v)) {
      for (const it of v.items) if (!(it instanceof Comment)) descend(it.value, key + MAP_SEP + it.key);
      return;
    }
    if (isList(v)) {
      let i = 0;
      for (const it of v.items) {
        if (it instanceof Comment) continue;
        descend(it, key + LIST_SEP + String(i));
        i++;
      }
      return;
    }
    if (seen.has(key)) {
      throw new HushError("METADATA_INVALID", `found key collision ${JSON.stringify(key)} while flattening`);
    }
    seen.add(key);
    out.push({ key, value: v });
  };
  for (const it of m.items) if (!(it instanceof Comment)) descend(it.value, prefix + it.key);
  return treeMap(out);
}

type Token = { map: string } | { index: number };

/** Splits a flattened key at every `__map_`/`__list_` (sops tokenize; a bad index counts as 0 like Go's ignored Atoi error). */
function tokenize(path: string): Token[] {
  const tokens: Token[] = [];
  let state: "normal" | "map" | "list" = "normal";
  let start = 0;
  let i = 0;
  const finish = (): void => {
    if (state === "normal") tokens.push({ map: path.slice(start, i) });
    else if (state === "map") tokens.push({ map: path.slice(start + MAP_SEP.length, i) });
    else tokens.push({ index: goAtoi(path.slice(start + LIST_SEP.length, i)) });
    start = i;
  };
  while (i < path.length) {
    if (path.startsWith(MAP_SEP, i)) {
      finish();
      state = "map";
      i += MAP_SEP.length;
    } else if (path.startsWith(LIST_SEP, i)) {
      finish();
      state = "list";
      i += LIST_SEP.length;
    } else {
      i++;
    }
  }
  finish();
  return tokens;
}

function goAtoi(s: string): number {
  return /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : 0;
}

interface Node {
  has: boolean;
  value: Value;
  subkeys: Map<string, Node>;
  indices: Map<number, Node>;
}

const newNode = (): Node => ({ has: false, value: null, subkeys: new Map(), indices: new Map() });

/** Go's bytewise string order: UTF-8 byte order is code point order (UTF-16 order differs above U+FFFF). */
function byteOrder(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function convert(n: Node, key: string): Value {
  const kinds = (n.has ? 1 : 0) + (n.subkeys.size > 0 ? 1 : 0) + (n.indices.size > 0 ? 1 : 0);
  if (kinds > 1) throw new HushError("METADATA_INVALID", "error while unflattening: type mismatch", { keyPath: key });
  if (n.has) return n.value;
  if (n.subkeys.size > 0 || kinds === 0) {
    const keys = [...n.subkeys.keys()].sort(byteOrder);
    return treeMap(keys.map((k) => ({ key: k, value: convert(n.subkeys.get(k) as Node, k) })));
  }
  const max = Math.max(...n.indices.keys());
  const min = Math.min(...n.indices.keys());
  if (min !== 0 || max + 1 !== n.indices.size) {
    throw new HushError("METADATA_INVALID", "error while unflattening: incomplete list", { keyPath: key });
  }
  const items: Value[] = [];
  for (let i = 0; i <= max; i++) items.push(convert(n.indices.get(i) as Node, key));
  return treeList(items);
}

/**
 * Rebuilds the nested mapping from flattened keys (comments skipped). Mapping children come out
 * sorted by byte order.
 * @throws HushError METADATA_INVALID for a duplicate key, a node that is both a value and a parent
 *   (`type mismatch`) or a list with a gap (`incomplete list`).
 */
export function unflatten(m: TreeMap): TreeMap {
  const root = newNode();
  for (const it of m.items) {
    if (it instanceof Comment) continue;
    let node = root;
    for (const t of tokenize(it.key)) {
      let next: Node | undefined;
      if ("map" in t) {
        next = node.subkeys.get(t.map);
        if (next === undefined) node.subkeys.set(t.map, (next = newNode()));
      } else {
        next = node.indices.get(t.index);
        if (next === undefined) node.indices.set(t.index, (next = newNode()));
      }
      node = next;
    }
    if (node.has) {
      throw new HushError("METADATA_INVALID", `error while unflattening ${JSON.stringify(it.key)}: duplicate value`);
    }
    node.has = true;
    node.value = it.value;
  }
  const result = convert(root, "");
  if (!isMap(result)) throw new HushError("METADATA_INVALID", "error while unflattening: cannot find root");
  return result;
}
