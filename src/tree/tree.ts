/**
 * The Tree: the one shape every store produces and every feature consumes (sops.go TreeBranch).
 *
 * - A branch is an ordered mapping (`TreeMap`); duplicate keys are kept as they come.
 * - Comments are items of their own (`Comment`), in mappings and lists, where the store has them.
 * - Scalars keep the type sops gives them, because the type decides the `type:` tag and the
 *   bytes that are encrypted and hashed into the MAC:
 *     string → `str`; bigint → `int` (Go int, 64-bit); number → `float` (Go float64);
 *     boolean → `bool`; Timestamp → `time`; Uint8Array → raw bytes (binary store data,
 *     encrypted with tag `str`; decrypted `bytes`); null → never encrypted, not in the MAC.
 */

/** A comment line (the text after `#`/`;`, usually starting with a space). */
export class Comment {
  readonly text: string;
  /** True for a comment that sits on the same line as a value (`key: v # c`). */
  readonly inline: boolean;
  constructor(text: string, inline = false) {
    this.text = text;
    this.inline = inline;
  }
}

/**
 * A YAML timestamp (sops `time.Time`). `text` is what Go's `time.Time.MarshalText` prints:
 * RFC 3339 with nanoseconds when non-zero and the original offset (`2024-01-01T00:00:00Z`).
 */
export class Timestamp {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type Scalar = string | bigint | number | boolean | null | Timestamp | Uint8Array;

/** One entry of a mapping: a key with its value, or a comment. */
export type MapItem = { key: string; value: Value } | Comment;

/** An ordered mapping. */
export interface TreeMap {
  readonly kind: "map";
  items: MapItem[];
}

/** A list; its items may include comments. */
export interface TreeList {
  readonly kind: "list";
  items: (Value | Comment)[];
}

export type Value = Scalar | TreeMap | TreeList;

/** Makes a mapping from items. */
export function treeMap(items: MapItem[] = []): TreeMap {
  return { kind: "map", items };
}

/** Makes a list from items. */
export function treeList(items: (Value | Comment)[] = []): TreeList {
  return { kind: "list", items };
}

/** True for a mapping. */
export function isMap(v: unknown): v is TreeMap {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "map";
}

/** True for a list. */
export function isList(v: unknown): v is TreeList {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "list";
}

/** True for a comment item. */
export function isComment(v: unknown): v is Comment {
  return v instanceof Comment;
}

/** The first value for `key` in a mapping (comments skipped), or undefined. */
export function getKey(m: TreeMap, key: string): Value | undefined {
  for (const it of m.items) if (!(it instanceof Comment) && it.key === key) return it.value;
  return undefined;
}

/** Renders a key path the way sops users write it: `["db"]["password"]`, `["list"][0]`. */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `[${JSON.stringify(p)}]`)).join("");
}
