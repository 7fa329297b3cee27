/**
 * Tree paths as sops users write them (`["a"][0]['b']`) and the operations on them that
 * `decrypt --extract`, `set` and `unset` need (sops.go Truncate/Set/Unset, cmd/sops/main.go parseTreePath).
 */
import { HushError } from "../errors.js";
import { Comment, isList, isMap, treeMap, type TreeMap, type Value } from "./tree.js";

export type PathPart = string | number;

/**
 * Parses `["key"][0]['other']`: split on `[`, each part must end with `]`; a quoted part is a string key
 * (quotes removed, no unescaping), anything else an integer index.
 * @throws HushError INVALID_TREE_PATH
 */
export function parseTreePath(s: string): PathPart[] {
  const out: PathPart[] = [];
  const pieces = s.split("[");
  if (pieces[0] !== "") throw new HushError("INVALID_TREE_PATH", "invalid tree path: it must start with [");
  for (const raw of pieces.slice(1)) {
    if (!raw.endsWith("]")) throw new HushError("INVALID_TREE_PATH", "invalid tree path: every component must end with ]");
    const p = raw.slice(0, -1);
    if (p.length >= 2 && (p[0] === '"' || p[0] === "'")) out.push(p.slice(1, -1));
    else if (/^-?\d+$/.test(p)) out.push(Number(p));
    else throw new HushError("INVALID_TREE_PATH", "invalid tree path: a component is neither a quoted key nor an integer index");
  }
  return out;
}

function describe(p: PathPart): string {
  return typeof p === "number" ? `[${p}]` : `['${p}']`;
}

/**
 * The value at `path` in the first branch (sops Truncate).
 * @throws HushError GENERIC `component ['x'] not found`
 */
export function getPath(branch: TreeMap, path: readonly PathPart[]): Value {
  let cur: Value = branch;
  for (const p of path) {
    let next: Value | undefined;
    if (typeof p === "string" && isMap(cur)) {
      for (const it of cur.items) if (!(it instanceof Comment) && it.key === p) { next = it.value; break; }
    } else if (typeof p === "number" && isList(cur)) {
      const vals = cur.items.filter((x): x is Value => !(x instanceof Comment));
      next = vals[p];
    }
    if (next === undefined) throw new HushError("GENERIC", `error truncating tree: component ${describe(p)} not found`);
    cur = next;
  }
  return cur;
}

/** Sets `value` at `path`, creating missing mappings; an index past the end appends (sops Set). Returns the new branch. */
export function setPath(branch: TreeMap, path: readonly PathPart[], value: Value): TreeMap {
  if (path.length === 0) {
    if (!isMap(value)) throw new HushError("INVALID_SET_FORMAT", "cannot replace the whole document with a non-mapping value");
    return value;
  }
  return setIn(branch, path, 0, value) as TreeMap;
}

function setIn(cur: Value, path: readonly PathPart[], i: number, value: Value): Value {
  if (i === path.length) return value;
  const p = path[i] as PathPart;
  if (typeof p === "string") {
    const m: TreeMap = isMap(cur) ? { kind: "map", items: [...cur.items] } : treeMap();
    const idx = m.items.findIndex((it) => !(it instanceof Comment) && it.key === p);
    if (idx === -1) m.items.push({ key: p, value: setIn(null, path, i + 1, value) });
    else {
      const it = m.items[idx] as { key: string; value: Value };
      m.items[idx] = { key: p, value: setIn(it.value, path, i + 1, value) };
    }
    return m;
  }
  const items = isList(cur) ? [...cur.items] : [];
  const valueIdx: number[] = [];
  items.forEach((x, j) => { if (!(x instanceof Comment)) valueIdx.push(j); });
  if (p >= valueIdx.length || p < 0) items.push(setIn(null, path, i + 1, value));
  else {
    const j = valueIdx[p] as number;
    items[j] = setIn(items[j] as Value, path, i + 1, value);
  }
  return { kind: "list", items };
}

/**
 * Removes the value at `path` (sops Unset).
 * @throws HushError GENERIC when it is not there (callers turn that into success with --idempotent)
 */
export function unsetPath(branch: TreeMap, path: readonly PathPart[]): TreeMap {
  if (path.length === 0) throw new HushError("INVALID_TREE_PATH", "cannot unset the whole document");
  return unsetIn(branch, path, 0) as TreeMap;
}

function unsetIn(cur: Value, path: readonly PathPart[], i: number): Value {
  const p = path[i] as PathPart;
  const last = i === path.length - 1;
  if (typeof p === "string" && isMap(cur)) {
    const idx = cur.items.findIndex((it) => !(it instanceof Comment) && it.key === p);
    if (idx !== -1) {
      const items = [...cur.items];
      if (last) items.splice(idx, 1);
      else {
        const it = items[idx] as { key: string; value: Value };
        items[idx] = { key: p, value: unsetIn(it.value, path, i + 1) };
      }
      return { kind: "map", items };
    }
  } else if (typeof p === "number" && isList(cur)) {
    const valueIdx: number[] = [];
    cur.items.forEach((x, j) => { if (!(x instanceof Comment)) valueIdx.push(j); });
    const j = valueIdx[p];
    if (j !== undefined) {
      const items = [...cur.items];
      if (last) items.splice(j, 1);
      else items[j] = unsetIn(items[j] as Value, path, i + 1);
      return { kind: "list", items };
    }
  }
  throw new HushError("GENERIC", `component ${describe(p)} not found`);
}
