/**
 * The form a true merge conflict takes on disk: a valid sops file, encrypted with the merged file's
 * data key to its recipients, whose plaintext holds the document with git-style conflict markers and the
 * file's real encryption settings. Nothing is ever plaintext in the work tree, `sops decrypt` can read it,
 * and `hush edit FILE` shows the marked document and refuses to save while a marker remains.
 *
 * Wrapped tree: `hush_merge_conflict` (the marked text) and `hush_merge_metadata` (JSON: selector and
 * mac_only_encrypted of the real file, which the wrapper itself does not use: every wrapper value is
 * encrypted). INI files need sections, so there both sit in a `[hush_merge_conflict]` section as `text`
 * and `metadata`; binary files keep the text in `data`, as the binary store wants.
 */
import { HushError } from "../../errors.js";
import type { Selector } from "../../stores/metadata.js";
import type { Store } from "../../stores/store.js";
import { Comment, isMap, treeMap, type TreeMap, type Value } from "../../tree/index.js";

export const CONFLICT_TEXT_KEY = "hush_merge_conflict";
export const CONFLICT_META_KEY = "hush_merge_metadata";
export const OURS_MARKER = "<<<<<<< ours";
export const SEPARATOR = "=======";
export const THEIRS_MARKER = ">>>>>>> theirs";

/** The encryption settings of the file a conflict stands for. */
export interface ConflictSettings {
  selector: Selector | null;
  macOnlyEncrypted: boolean;
}

// Beyond this many line pairs the diff gives up on finding common lines in the middle: one big hunk.
const MAX_CELLS = 4_000_000;

/** Longest-common-subsequence alignment of two line arrays: pairs of equal lines (index in a, index in b). */
export function lcs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_CELLS) return [];
  const w = m + 1;
  const dp = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) dp[i * w + j] = a[i] === b[j] ? dp[(i + 1) * w + j + 1]! + 1 : Math.max(dp[(i + 1) * w + j]!, dp[i * w + j + 1]!);
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push([i++, j++]);
    } else if (dp[(i + 1) * w + j]! >= dp[i * w + j + 1]!) i++;
    else j++;
  }
  return out;
}

/**
 * Joins two versions of a document into one text with `<<<<<<< ours` / `=======` / `>>>>>>> theirs`
 * blocks where their lines differ. Lines are split on `\n`; the result ends with `\n` when either did.
 */
export function markConflicts(ours: string, theirs: string): string {
  const a = ours.split("\n");
  const b = theirs.split("\n");
  const trail = a[a.length - 1] === "" && b[b.length - 1] === "";
  if (trail) {
    a.pop();
    b.pop();
  }
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const out: string[] = a.slice(0, pre);
  let i = 0;
  let j = 0;
  const hunk = (ai: number, bj: number): void => {
    if (ai === i && bj === j) return;
    out.push(OURS_MARKER, ...am.slice(i, ai), SEPARATOR, ...bm.slice(j, bj), THEIRS_MARKER);
  };
  for (const [x, y] of [...lcs(am, bm), [am.length, bm.length] as [number, number]]) {
    hunk(x, y);
    if (x < am.length) out.push(am[x]!);
    i = x + 1;
    j = y + 1;
  }
  out.push(...a.slice(a.length - suf));
  return out.join("\n") + (trail ? "\n" : "");
}

/** The 1-based line numbers of conflict markers left in `text`. */
export function markerLines(text: string): number[] {
  const out: number[] = [];
  text.split("\n").forEach((l, i) => {
    if (l.startsWith("<<<<<<< ") || l === "<<<<<<<" || l === SEPARATOR || l.startsWith(">>>>>>> ") || l === ">>>>>>>") out.push(i + 1);
  });
  return out;
}

/** The wrapper tree that holds a marked document and the real file's settings. */
export function conflictBranches(store: Store, text: string, s: ConflictSettings): TreeMap[] {
  const meta = JSON.stringify({ selector: s.selector, mac_only_encrypted: s.macOnlyEncrypted });
  if (store.name === "ini") return [treeMap([{ key: CONFLICT_TEXT_KEY, value: treeMap([{ key: "text", value: text }, { key: "metadata", value: meta }]) }])];
  const textKey = store.name === "binary" ? "data" : CONFLICT_TEXT_KEY;
  return [treeMap([{ key: textKey, value: text }, { key: CONFLICT_META_KEY, value: meta }])];
}

function get(m: TreeMap, key: string): Value | undefined {
  for (const it of m.items) if (!(it instanceof Comment) && it.key === key) return it.value;
  return undefined;
}

const text = (v: Value | undefined): string | undefined =>
  typeof v === "string" ? v : v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : undefined;

/**
 * Recognises a conflict wrapper among decrypted branches: the marked text and the real settings, or
 * null for an ordinary file.
 * @throws HushError METADATA_INVALID when the wrapper's settings do not parse
 */
export function readConflict(store: Store, branches: readonly TreeMap[]): { text: string; settings: ConflictSettings } | null {
  const first = branches[0];
  if (branches.length !== 1 || first === undefined) return null;
  let t: string | undefined;
  let m: string | undefined;
  if (store.name === "ini") {
    const sec = get(first, CONFLICT_TEXT_KEY);
    if (!isMap(sec)) return null;
    t = text(get(sec, "text"));
    m = text(get(sec, "metadata"));
  } else {
    t = text(get(first, store.name === "binary" ? "data" : CONFLICT_TEXT_KEY));
    m = text(get(first, CONFLICT_META_KEY));
  }
  if (t === undefined || m === undefined) return null;
  try {
    const j = JSON.parse(m) as { selector?: Selector | null; mac_only_encrypted?: boolean };
    return { text: t, settings: { selector: j.selector ?? null, macOnlyEncrypted: j.mac_only_encrypted === true } };
  } catch {
    throw new HushError("METADATA_INVALID", `the merge conflict's ${CONFLICT_META_KEY} is not valid JSON`);
  }
}

/**
 * True when an ENCRYPTED file (its branches as stored, values still ENC[…]) is the conflict wrapper:
 * the key names are in clear in a sops file, so this needs no key.
 */
export function isConflictForm(store: Store, branches: readonly TreeMap[]): boolean {
  const first = branches[0];
  if (branches.length !== 1 || first === undefined) return false;
  if (store.name === "ini") {
    const sec = get(first, CONFLICT_TEXT_KEY);
    return isMap(sec) && get(sec, "metadata") !== undefined;
  }
  return get(first, CONFLICT_META_KEY) !== undefined;
}
