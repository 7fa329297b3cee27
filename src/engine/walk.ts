/**
 * The tree walk that encryption, decryption and the MAC share (sops.go walkBranch/walkSlice).
 * It rebuilds the tree with each leaf replaced, passing the key path (mapping keys only: list
 * items use their list's path) and the comment stack: one level per nesting, a comment is pushed
 * onto its level, and any non-comment item clears that level once it has been processed.
 */
import { Comment, isList, isMap, treeList, treeMap, type MapItem, type TreeList, type TreeMap, type Value } from "../tree/index.js";
import type { Leaf } from "./values.js";

export type OnLeaf = (leaf: Leaf, path: readonly string[], comments: readonly (readonly string[])[]) => Leaf;

function walkValue(v: Value, path: string[], stack: string[][], on: OnLeaf): Value {
  if (v === null) return null;
  if (isMap(v)) return walkMap(v, path, stack, on);
  if (isList(v)) return walkList(v, path, stack, on);
  return on(v, path, stack) as Value;
}

function walkComment(c: Comment, path: string[], stack: string[][], on: OnLeaf): Comment {
  (stack[stack.length - 1] as string[]).push(c.text);
  const out = on(c, path, stack);
  return out instanceof Comment ? out : new Comment(String(out), c.inline);
}

/** Walks one mapping (a document branch or a nested mapping). */
export function walkMap(m: TreeMap, path: string[], stack: string[][], on: OnLeaf): TreeMap {
  const level: string[] = [];
  const s = [...stack, level];
  const items: MapItem[] = [];
  for (const it of m.items) {
    if (it instanceof Comment) {
      items.push(walkComment(it, path, s, on));
      continue;
    }
    items.push({ key: it.key, value: walkValue(it.value, [...path, it.key], s, on) });
    level.length = 0;
  }
  return treeMap(items);
}

function walkList(l: TreeList, path: string[], stack: string[][], on: OnLeaf): TreeList {
  const level: string[] = [];
  const s = [...stack, level];
  const items: (Value | Comment)[] = [];
  for (const it of l.items) {
    if (it instanceof Comment) {
      items.push(walkComment(it, path, s, on));
      continue;
    }
    items.push(walkValue(it, path, s, on));
    level.length = 0;
  }
  return treeList(items);
}

/** Walks every branch in order. */
export function walkBranches(branches: readonly TreeMap[], on: OnLeaf): TreeMap[] {
  return branches.map((b) => walkMap(b, [], [], on));
}
