/**
 * The three-way merge of decrypted trees, key by key. A key changed on one side only takes that side;
 * the same change on both sides is no conflict; different changes to one key, add/add with different
 * values, and delete on one side with modify on the other are conflicts. Maps merge recursively (two
 * maps added on both sides merge against an empty base); a multi-line text value (a binary file's
 * content, a PEM block) merges line by line (text-merge.ts); lists and other scalars compare whole.
 *
 * The result is two trees, identical except at conflicts, where one holds ours's side and the other
 * theirs's. Without conflicts they are the same tree; with conflicts a line diff of the two emitted
 * documents yields exactly the conflict hunks (conflict.ts), in any store's syntax.
 *
 * Comments are kept: the side that changed a mapping's comments (against base) provides its layout;
 * when both changed them differently, each output keeps its own side's layout and the mapping is a
 * conflict, so nothing is dropped silently.
 */
import { Comment, isList, isMap, Timestamp, treeMap, type MapItem, type TreeMap, type Value } from "../../tree/index.js";
import { mergeLines } from "./text-merge.js";

/** What {@link mergeBranches} returns. */
export interface TreeMergeResult {
  ours: TreeMap[];
  theirs: TreeMap[];
  /** sops-style key paths of the conflicts (`["db"]["password"]`), in document order. */
  conflicts: string[];
}

type Item = Value | Comment;

/** Deep equality of tree values (types matter: the int 1 and the float 1 differ, as in sops). */
export function sameTree(a: Item | undefined, b: Item | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a instanceof Comment || b instanceof Comment) return a instanceof Comment && b instanceof Comment && a.text === b.text;
  if (isMap(a) || isMap(b)) {
    if (!isMap(a) || !isMap(b) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => {
      const y = b.items[i]!;
      if (x instanceof Comment || y instanceof Comment) return sameTree(x as Item, y as Item);
      return x.key === y.key && sameTree(x.value, y.value);
    });
  }
  if (isList(a) || isList(b)) {
    if (!isList(a) || !isList(b) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => sameTree(x, b.items[i]));
  }
  if (a instanceof Timestamp || b instanceof Timestamp) return a instanceof Timestamp && b instanceof Timestamp && a.text === b.text;
  if (a instanceof Uint8Array || b instanceof Uint8Array)
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  return typeof a === typeof b && a === b;
}

const keyPath = (path: readonly string[]): string => path.map((k) => `["${k}"]`).join("");

function keyed(m: TreeMap): Map<string, Value> | null {
  const out = new Map<string, Value>();
  for (const it of m.items) {
    if (it instanceof Comment) continue;
    if (out.has(it.key)) return null; // duplicate keys: no key identity, compare the mapping whole
    out.set(it.key, it.value);
  }
  return out;
}

const commentsOf = (m: TreeMap): string[] => m.items.filter((i): i is Comment => i instanceof Comment).map((c) => c.text);
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A decided key: its value on each output side (undefined = absent). */
interface Decision {
  o: Value | undefined;
  t: Value | undefined;
}

function mergeValue(b: Value | undefined, o: Value | undefined, t: Value | undefined, path: string[], conflicts: string[]): Decision {
  if (sameTree(o, t)) return { o, t: o };
  if (b === undefined && o === undefined) return { o: t, t }; // added by theirs only
  if (b === undefined && t === undefined) return { o, t: o }; // added by ours only
  if (b !== undefined && sameTree(o, b)) return { o: t, t };
  if (b !== undefined && sameTree(t, b)) return { o, t: o };
  if (isMap(o) && isMap(t)) {
    const m = mergeMap(isMap(b) ? b : undefined, o, t, path, conflicts);
    if (m !== null) return m;
  }
  const text = mergeText(b, o, t);
  if (text !== undefined) return { o: text, t: text };
  conflicts.push(keyPath(path));
  return { o, t };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Multi-line strings (or UTF-8 bytes, the binary store's data) merged line by line; undefined when not possible. */
function mergeText(b: Value | undefined, o: Value | undefined, t: Value | undefined): Value | undefined {
  const asText = (v: Value | undefined): string | undefined => {
    if (typeof v === "string") return v;
    if (v instanceof Uint8Array) {
      try {
        return utf8.decode(v);
      } catch {
        return undefined; // not text: compared whole
      }
    }
    return undefined;
  };
  const [tb, to, tt] = [asText(b), asText(o), asText(t)];
  if (tb === undefined || to === undefined || tt === undefined) return undefined;
  if (!to.includes("\n") && !tt.includes("\n")) return undefined;
  const merged = mergeLines(tb, to, tt);
  if (merged === null) return undefined;
  return o instanceof Uint8Array ? new TextEncoder().encode(merged) : merged;
}

function insertAfterPrev(items: MapItem[], key: string, value: Value, order: readonly string[]): void {
  const idx = order.indexOf(key);
  for (let i = idx - 1; i >= 0; i--) {
    const prev = order[i]!;
    const at = items.findIndex((it) => !(it instanceof Comment) && it.key === prev);
    if (at !== -1) {
      items.splice(at + 1, 0, { key, value });
      return;
    }
  }
  // no earlier key of its side is in the output: before the first key that follows it there, else at the end
  for (let i = idx + 1; i < order.length; i++) {
    const next = order[i]!;
    const at = items.findIndex((it) => !(it instanceof Comment) && it.key === next);
    if (at !== -1) {
      items.splice(at, 0, { key, value });
      return;
    }
  }
  items.push({ key, value });
}

function build(layout: TreeMap, decisions: Map<string, Decision>, side: "o" | "t", orders: { o: string[]; t: string[] }): TreeMap {
  const items: MapItem[] = [];
  const placed = new Set<string>();
  for (const it of layout.items) {
    if (it instanceof Comment) {
      items.push(it);
      continue;
    }
    const d = decisions.get(it.key);
    const v = d === undefined ? undefined : d[side];
    placed.add(it.key);
    if (v !== undefined) items.push({ key: it.key, value: v });
  }
  for (const [k, d] of decisions) {
    if (placed.has(k) || d[side] === undefined) continue;
    const order = orders.o.includes(k) && (side === "o" || !orders.t.includes(k)) ? orders.o : orders.t;
    insertAfterPrev(items, k, d[side]!, order);
  }
  return treeMap(items);
}

/** Merges three mappings; null when they cannot be merged key by key (duplicate keys). */
function mergeMap(b: TreeMap | undefined, o: TreeMap, t: TreeMap, path: string[], conflicts: string[]): Decision | null {
  const kb = b === undefined ? new Map<string, Value>() : keyed(b);
  const ko = keyed(o);
  const kt = keyed(t);
  if (kb === null || ko === null || kt === null) return null;
  const decisions = new Map<string, Decision>();
  const keys = [...ko.keys(), ...[...kt.keys()].filter((k) => !ko.has(k)), ...[...kb.keys()].filter((k) => !ko.has(k) && !kt.has(k))];
  for (const k of keys) decisions.set(k, mergeValue(kb.get(k), ko.get(k), kt.get(k), [...path, k], conflicts));
  const cb = b === undefined ? [] : commentsOf(b);
  const co = commentsOf(o);
  const ct = commentsOf(t);
  const oChanged = !sameList(co, cb);
  const tChanged = !sameList(ct, cb);
  const orders = { o: [...ko.keys()], t: [...kt.keys()] };
  if (oChanged && tChanged && !sameList(co, ct)) {
    conflicts.push(path.length === 0 ? "(comments of the top level)" : `${keyPath(path)} (comments)`);
    return { o: build(o, decisions, "o", orders), t: build(t, decisions, "t", orders) };
  }
  const layout = tChanged && !oChanged ? t : o;
  return { o: build(layout, decisions, "o", orders), t: build(layout, decisions, "t", orders) };
}

/**
 * Merges the branches (YAML documents) of base, ours and theirs. `base` is null for add/add (no common
 * ancestor). A different number of documents on the two sides is one conflict over the whole file.
 */
export function mergeBranches(base: readonly TreeMap[] | null, ours: readonly TreeMap[], theirs: readonly TreeMap[]): TreeMergeResult {
  const conflicts: string[] = [];
  if (ours.length !== theirs.length) {
    if (base !== null && base.length === ours.length && ours.every((x, i) => sameTree(x, base[i]))) return { ours: [...theirs], theirs: [...theirs], conflicts };
    if (base !== null && base.length === theirs.length && theirs.every((x, i) => sameTree(x, base[i]))) return { ours: [...ours], theirs: [...ours], conflicts };
    return { ours: [...ours], theirs: [...theirs], conflicts: ["(the number of documents)"] };
  }
  const o: TreeMap[] = [];
  const t: TreeMap[] = [];
  ours.forEach((ob, i) => {
    const bb = base !== null && base.length === ours.length ? base[i] : undefined;
    const d = mergeMap(bb, ob, theirs[i]!, [], conflicts) ?? mergeValue(bb, ob, theirs[i]!, [], conflicts);
    o.push(d.o as TreeMap);
    t.push(d.t as TreeMap);
  });
  return { ours: o, theirs: t, conflicts };
}
