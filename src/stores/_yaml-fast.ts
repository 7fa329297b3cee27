/**
 * A fast path for loadYaml (_yaml-load.ts) over the common shape of sops files and their plaintext
 * inputs: block mappings and sequences, one-line plain and quoted scalars, literal/folded block
 * scalars, `#` comments, `---` documents, empty flow collections. It walks the string by index and
 * builds the Tree directly, with the same scalar typing (_yaml-resolve.ts) and the same comment
 * placement as the `yaml`-package loader.
 *
 * Contract: it returns the exact Tree the full loader would, or `null` when it is not sure (anchors,
 * tags, flow content, multi-line flow scalars, tabs, odd indentation, duplicate keys, any error).
 * Then the full loader runs, so every error message and line number is still the full loader's.
 * test/unit/stores/yaml-fast.test.ts proves this differentially.
 */
import { Comment, treeList, treeMap } from "../tree/index.js";
import type { MapItem, TreeList, TreeMap, Value } from "../tree/index.js";
import { resolvePlain } from "./_yaml-resolve.js";

/** Thrown internally to give up; caught in fastLoadYaml. */
class Bail {}
const BAIL = new Bail();
function bail(): never {
  throw BAIL;
}

/** A block collection as parsed, with what comment placement needs. */
interface Coll {
  tree: TreeMap | TreeList;
  /** Offset of the collection (first key, or first `-`). */
  start: number;
  col: number;
  /** Per item: where it starts (the key, or the item's value) and its block collection value. */
  starts: number[];
  kids: (Coll | null)[];
  before: Map<number, Comment[]> | null;
  end: Comment[] | null;
}

interface SrcComment {
  offset: number;
  col: number;
  ownLine: boolean;
  text: string;
}

/** Characters the fast path never handles: tabs, CR, controls, DEL, C1, line/paragraph separators, BOM. */
// eslint-disable-next-line no-control-regex
const UNSURE_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

const SP = 32;
const NL = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;

class Parser {
  readonly src: string;
  readonly n: number;
  /** Start of the current line. */
  pos = 0;
  readonly comments: SrcComment[] = [];
  depth = 0;

  constructor(src: string) {
    this.src = src;
    this.n = src.length;
  }

  lineEnd(from: number): number {
    const e = this.src.indexOf("\n", from);
    return e < 0 ? this.n : e;
  }

  nextLine(from: number): number {
    const e = this.src.indexOf("\n", from);
    return e < 0 ? this.n : e + 1;
  }

  /**
   * Skips blank and comment lines from `pos`, recording comments. Returns the indent of the next
   * content line (pos at its start), or -1 at the end of input, or -2 at a `---` marker line.
   */
  skip(): number {
    const s = this.src;
    for (;;) {
      if (this.pos >= this.n) return -1;
      let i = this.pos;
      while (i < this.n && s.charCodeAt(i) === SP) i++;
      if (i >= this.n) {
        this.pos = this.n;
        return -1;
      }
      const c = s.charCodeAt(i);
      if (c === NL) {
        this.pos = i + 1;
        continue;
      }
      if (c === HASH) {
        const e = this.lineEnd(i);
        this.comments.push({ offset: i, col: i - this.pos, ownLine: true, text: s.slice(i + 1, e) });
        this.pos = e + 1;
        continue;
      }
      const ind = i - this.pos;
      if (ind === 0 && (c === DASH || c === 46) && s.startsWith(c === DASH ? "---" : "...", i)) {
        const after = s.charCodeAt(i + 3);
        if (c === DASH && (i + 3 >= this.n || after === NL)) return -2;
        if (i + 3 >= this.n || after === NL || after === SP) bail();
      }
      if (c === 37 && ind === 0) bail(); // a directive
      return ind;
    }
  }

  /** After a value on a line: optional spaces, then an optional ` #comment`, then the line end. */
  endLine(from: number): void {
    const s = this.src;
    let i = from;
    while (i < this.n && s.charCodeAt(i) === SP) i++;
    if (i < this.n && s.charCodeAt(i) !== NL) {
      if (s.charCodeAt(i) !== HASH || i === from) bail();
      const e = this.lineEnd(i);
      const ls = s.lastIndexOf("\n", i - 1) + 1;
      this.comments.push({ offset: i, col: i - ls, ownLine: false, text: s.slice(i + 1, e) });
      i = e;
    }
    this.pos = i < this.n ? i + 1 : this.n;
  }

  // The next `:` and ` #` at or after a position, found with indexOf (native) instead of a loop over
  // every character of long values; each cache answers for positions in [from, at].
  #colonFrom = 1;
  #colonAt = 0;
  #hashFrom = 1;
  #hashAt = 0;
  nextColon(from: number): number {
    if (!(this.#colonFrom <= from && from <= this.#colonAt)) {
      const c = this.src.indexOf(":", from);
      this.#colonFrom = from;
      this.#colonAt = c < 0 ? this.n : c;
    }
    return this.#colonAt;
  }
  nextHash(from: number): number {
    if (!(this.#hashFrom <= from && from <= this.#hashAt)) {
      const h = this.src.indexOf(" #", from);
      this.#hashFrom = from;
      this.#hashAt = h < 0 ? this.n : h;
    }
    return this.#hashAt;
  }

  /**
   * Where a plain scalar on [from, e) ends: at the first `:` followed by a space or the line end
   * (colon: true, a key), or at the first ` #` (a comment), whichever comes first; else at `e`.
   */
  plainEnd(from: number, e: number): { end: number; colon: boolean } {
    const s = this.src;
    let c = this.nextColon(from);
    while (c < e) {
      const d = c + 1 < e ? s.charCodeAt(c + 1) : NL;
      if (d === SP || d === NL) break;
      c = this.nextColon(c + 1);
    }
    const h = this.nextHash(from);
    if (h + 1 < e && h < c) return { end: h, colon: false };
    if (c < e) return { end: c, colon: true };
    return { end: e, colon: false };
  }

  /** A block mapping whose first key starts at `at` on the current line; its keys are at column `col`. */
  map(at: number, col: number): Coll {
    if (++this.depth > 500) bail();
    const s = this.src;
    const items: MapItem[] = [];
    const coll: Coll = { tree: treeMap(items), start: at, col, starts: [], kids: [], before: null, end: null };
    const seen = new Set<string>();
    let k = at;
    for (;;) {
      const e = this.lineEnd(k);
      let key: string;
      let after: number;
      const c = s.charCodeAt(k);
      if (c === 34 || c === 39) {
        const q = c === 34 ? this.doubleQuoted(k, e) : this.singleQuoted(k, e);
        key = q.text;
        if (s.charCodeAt(q.end) !== COLON) bail();
        after = q.end + 1;
        if (after < e && s.charCodeAt(after) !== SP) bail();
      } else {
        if (!plainStart(s, k, e)) bail();
        const p = this.plainEnd(k, e);
        if (!p.colon) bail();
        if (s.charCodeAt(p.end - 1) === SP) bail();
        key = s.slice(k, p.end);
        const r = resolvePlain(key);
        if (r.tag !== "str") bail();
        after = p.end + 1;
      }
      if (after - k > 1000) bail(); // the yaml package limits implicit keys to 1024 characters
      if (key === "<<" || seen.has(key)) bail();
      seen.add(key);
      coll.starts.push(k);
      const v = this.value(after, e, col, true);
      items.push({ key, value: v.value });
      coll.kids.push(v.coll);
      const ind = this.skip();
      if (ind < col) break;
      if (ind > col) bail();
      k = this.pos + ind;
      const d = s.charCodeAt(k);
      if (d === DASH) {
        const d2 = s.charCodeAt(k + 1);
        if (k + 1 >= this.n || d2 === SP || d2 === NL) bail();
      }
    }
    this.depth--;
    return coll;
  }

  /** A block sequence whose first `-` is at `at` on the current line (column `col`). */
  seq(at: number, col: number): Coll {
    if (++this.depth > 500) bail();
    const s = this.src;
    const items: TreeList["items"] = [];
    const coll: Coll = { tree: treeList(items), start: at, col, starts: [], kids: [], before: null, end: null };
    let k = at;
    for (;;) {
      const e = this.lineEnd(k);
      let i = k + 1;
      while (i < e && s.charCodeAt(i) === SP) i++;
      if (i >= e || i === k + 1) bail(); // `-` alone (value on a later line, or null) / `-x`
      coll.starts.push(i);
      const c = s.charCodeAt(i);
      let kid: Coll | null = null;
      let value: Value;
      const nested = c === DASH && (i + 1 >= e || s.charCodeAt(i + 1) === SP);
      if (nested || this.isKeyAt(i, e)) {
        // `- - x` (a list in a list) or `- k: v` (a mapping in a list), both at the item's column
        kid = nested ? this.seq(i, i - (k - col)) : this.map(i, i - (k - col));
        value = kid.tree;
        const ind = this.skipAfterChild();
        if (this.seqContinues(ind, col)) {
          k = this.pos + col;
          items.push(value);
          coll.kids.push(kid);
          continue;
        }
        items.push(value);
        coll.kids.push(kid);
        break;
      }
      const v = this.value(i, e, col, false);
      value = v.value;
      kid = v.coll;
      items.push(value);
      coll.kids.push(kid);
      const ind = this.skip();
      if (!this.seqContinues(ind, col)) break;
      k = this.pos + col;
    }
    this.depth--;
    return coll;
  }

  /** The state after a nested mapping returned: it has already skipped to the next content line. */
  skipAfterChild(): number {
    return this.skip();
  }

  seqContinues(ind: number, col: number): boolean {
    if (ind < col) return false;
    if (ind > col) bail();
    const k = this.pos + col;
    const s = this.src;
    if (s.charCodeAt(k) !== DASH) return false;
    const d = s.charCodeAt(k + 1);
    if (k + 1 >= this.n || d === SP || d === NL) return true;
    return false;
  }

  /** True when a mapping key (plain or quoted, then `:`) starts at `i`. */
  isKeyAt(i: number, e: number): boolean {
    const s = this.src;
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) {
      const q = c === 34 ? this.doubleQuoted(i, e) : this.singleQuoted(i, e);
      let j = q.end;
      while (j < e && s.charCodeAt(j) === SP) j++;
      return j < e && s.charCodeAt(j) === COLON;
    }
    if (!plainStart(s, i, e)) return false;
    return this.plainEnd(i, e).colon;
  }

  /**
   * The value after a key's `:` (or a `- `) at `from` on a line ending at `e`. `parentCol` is the
   * column of the collection it belongs to. On return `pos` is at the next line not yet read
   * (or, for a nested block collection, wherever that collection stopped).
   */
  value(from: number, e: number, parentCol: number, inMap: boolean): { value: Value; coll: Coll | null } {
    const s = this.src;
    let i = from;
    while (i < e && s.charCodeAt(i) === SP) i++;
    if (i >= e || (s.charCodeAt(i) === HASH && i > from)) {
      if (!inMap) bail();
      // The value is on later lines, or empty (null).
      this.endLine(from);
      const ind = this.skip();
      if (ind < 0) return { value: null, coll: null };
      const at = this.pos + ind;
      const c = s.charCodeAt(at);
      const d = s.charCodeAt(at + 1);
      if (c === DASH && (at + 1 >= this.n || d === SP || d === NL) && ind >= parentCol) {
        const sq = this.seq(at, ind);
        return { value: sq.tree, coll: sq };
      }
      if (ind > parentCol) {
        const le = this.lineEnd(at);
        if (!this.isKeyAt(at, le)) bail();
        const m = this.map(at, ind);
        return { value: m.tree, coll: m };
      }
      // An empty value (null); pos stays at the next content line for the caller.
      return { value: null, coll: null };
    }
    if (i === from && inMap) bail();
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) {
      const q = c === 34 ? this.doubleQuoted(i, e) : this.singleQuoted(i, e);
      this.endLine(q.end);
      return { value: q.text, coll: null };
    }
    if (c === 124 || c === 62) return { value: this.blockScalar(i, e, parentCol), coll: null };
    if (c === 91 || c === 123) {
      if (s.charCodeAt(i + 1) !== (c === 91 ? 93 : 125)) bail();
      this.endLine(i + 2);
      return { value: c === 91 ? treeList([]) : treeMap([]), coll: null };
    }
    if (!plainStart(s, i, e)) bail();
    const p = this.plainEnd(i, e);
    if (p.colon) bail();
    let end = p.end;
    while (end > i && s.charCodeAt(end - 1) === SP) end--;
    const text = s.slice(i, end);
    this.endLine(p.end);
    const r = resolvePlain(text);
    if (r.tag === "merge" || (r.tag === "int" && r.uint === true)) bail();
    return { value: r.value, coll: null };
  }

  /** A single-line double-quoted scalar starting at `i`; `end` is just after the closing quote. */
  doubleQuoted(i: number, e: number): { text: string; end: number } {
    const s = this.src;
    let j = i + 1;
    let out = "";
    let run = j;
    while (j < e) {
      const c = s.charCodeAt(j);
      if (c === 34) {
        out += s.slice(run, j);
        return { text: out, end: j + 1 };
      }
      if (c === 92) {
        out += s.slice(run, j);
        const d = s.charAt(j + 1);
        const simple = ESCAPES[d];
        if (simple !== undefined) {
          out += simple;
          j += 2;
        } else if (d === "x" || d === "u" || d === "U") {
          const len = d === "x" ? 2 : d === "u" ? 4 : 8;
          const hex = s.slice(j + 2, j + 2 + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) bail();
          const cp = parseInt(hex, 16);
          if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) bail();
          out += String.fromCodePoint(cp);
          j += 2 + len;
        } else {
          bail();
        }
        run = j;
        continue;
      }
      j++;
    }
    return bail();
  }

  singleQuoted(i: number, e: number): { text: string; end: number } {
    const s = this.src;
    let j = i + 1;
    let out = "";
    for (;;) {
      const q = s.indexOf("'", j);
      if (q < 0 || q >= e) bail();
      out += s.slice(j, q);
      if (s.charCodeAt(q + 1) === 39) {
        out += "'";
        j = q + 2;
        continue;
      }
      return { text: out, end: q + 1 };
    }
  }

  /** A literal or folded block scalar whose header is at `i`. Leaves `pos` after its last line. */
  blockScalar(i: number, e: number, parentCol: number): string {
    const s = this.src;
    const folded = s.charCodeAt(i) === 62;
    let j = i + 1;
    let chomp = 0; // 0 clip, -1 strip, 1 keep
    let explicit = 0;
    for (let t = 0; t < 2; t++) {
      const h = s.charCodeAt(j);
      if (chomp === 0 && (h === DASH || h === 43)) {
        chomp = h === DASH ? -1 : 1;
        j++;
      } else if (explicit === 0 && h >= 49 && h <= 57) {
        explicit = h - 48;
        j++;
      }
    }
    while (j < e && s.charCodeAt(j) === SP) j++;
    if (j !== e) bail(); // indentation indicators, header comments
    this.pos = e < this.n ? e + 1 : this.n;
    // Content lines.
    const lines: string[] = [];
    let m = explicit > 0 ? parentCol + explicit : -1;
    let p = this.pos;
    let lastContent = -1;
    while (p < this.n) {
      let k = p;
      while (k < this.n && s.charCodeAt(k) === SP) k++;
      const le = this.lineEnd(p);
      const ind = k - p;
      if (k >= le) {
        // blank line
        // With an explicit indentation indicator, lines of only spaces are read differently by
        // the full loader (found by the differential test at seeds 7 and 8): leave them to it.
        if (explicit > 0 && ind > 0) bail();
        if (m < 0) {
          if (ind > 0) bail(); // leading blank lines with spaces: leave to the full loader
        } else if (ind > m) {
          lines.push(s.slice(p + m, le));
          lastContent = lines.length;
          p = le < this.n ? le + 1 : this.n;
          continue;
        }
        lines.push("");
        p = le < this.n ? le + 1 : this.n;
        continue;
      }
      if (m < 0) {
        if (ind <= parentCol) break;
        m = ind;
      }
      if (ind < m) break;
      lines.push(s.slice(p + m, le));
      lastContent = lines.length;
      p = le < this.n ? le + 1 : this.n;
    }
    if (m < 0 || lastContent < 0) bail();
    // The trailing blank lines are the scalar's only if chomping keeps them; the position goes to
    // after the last line read either way (blank lines carry nothing else).
    const endedAtEof = p >= this.n && !s.endsWith("\n");
    this.pos = p;
    const body = lines.slice(0, lastContent);
    const trailing = lines.length - lastContent;
    if (folded && body.some((l) => l.charCodeAt(0) === SP)) bail();
    let text: string;
    if (!folded) {
      text = body.join("\n");
    } else {
      text = "";
      let empties = 0;
      let seenText = false;
      for (const line of body) {
        if (line === "") {
          empties++;
          continue;
        }
        text += (seenText && empties === 0 ? " " : "\n".repeat(empties)) + line;
        empties = 0;
        seenText = true;
      }
    }
    if (chomp === -1) return text;
    if (chomp === 0) return text + "\n";
    if (endedAtEof) bail();
    return text + "\n" + "\n".repeat(trailing);
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};

/** True when a plain scalar may start at `i` (not an indicator the fast path leaves alone). */
function plainStart(s: string, i: number, e: number): boolean {
  const c = s.charCodeAt(i);
  switch (c) {
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 44: // ,
    case HASH:
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case 39: // '
    case 34: // "
    case 37: // %
    case 64: // @
    case 96: // `
    case 63: // ?
    case COLON:
      return false;
    case DASH: {
      const d = i + 1 < e ? s.charCodeAt(i + 1) : NL;
      return d !== SP && d !== NL;
    }
    default:
      return true;
  }
}

function pushTo(m: Map<number, Comment[]>, i: number, c: Comment): void {
  const list = m.get(i);
  if (list) list.push(c);
  else m.set(i, [c]);
}

/** _yaml-load.ts Loader.place over the fast path's collections (same rule, same order). */
function place(root: Coll, c: SrcComment): void {
  let coll = root;
  for (;;) {
    const starts = coll.starts;
    let i = -1;
    for (let k = 0; k < starts.length; k++) if ((starts[k] as number) <= c.offset) i = k;
    coll.before ??= new Map();
    coll.end ??= [];
    if (i < 0) {
      pushTo(coll.before, 0, new Comment(c.text));
      return;
    }
    const v = coll.kids[i] ?? null;
    if (v !== null) {
      if (c.ownLine) {
        const nextStart = starts[i + 1];
        if ((nextStart === undefined || c.offset < nextStart) && c.col >= v.col) {
          coll = v;
          continue;
        }
      } else if (v.start <= c.offset) {
        coll = v;
        continue;
      } else {
        pushTo(coll.before, i, new Comment(c.text));
        return;
      }
    }
    if (c.ownLine) {
      if (i + 1 < starts.length) pushTo(coll.before, i + 1, new Comment(c.text));
      else coll.end.push(new Comment(c.text));
    } else {
      pushTo(coll.before, i, new Comment(c.text, true));
    }
    return;
  }
}

/** Puts the placed comments into the Tree items of every collection that got some. */
function applyComments(coll: Coll): void {
  for (const k of coll.kids) if (k !== null) applyComments(k);
  if (coll.before === null && coll.end === null) return;
  const old = coll.tree.items as (MapItem | Value | Comment)[];
  const out: (MapItem | Value | Comment)[] = [];
  for (let i = 0; i < old.length; i++) {
    const b = coll.before?.get(i);
    if (b) for (const c of b) out.push(c);
    out.push(old[i] as MapItem | Value | Comment);
  }
  if (coll.end) for (const c of coll.end) out.push(c);
  (coll.tree as { items: unknown[] }).items = out;
}

/**
 * Loads YAML text into one branch per document the way loadYaml does, or returns null when the
 * input is outside the fast path's subset (the caller then runs the full loader).
 */
export function fastLoadYaml(src: string): TreeMap[] | null {
  if (src.length === 0 || UNSURE_CHARS.test(src)) return null;
  const p = new Parser(src);
  try {
    const docs: { root: Coll; start: number }[] = [];
    let start = 0;
    let first = true;
    for (;;) {
      const ind = p.skip();
      if (ind === -1) break;
      if (ind === -2) {
        // `---`: a document starts here (the first one may have had comments before it).
        start = p.pos;
        p.pos = p.nextLine(p.pos);
        const ind2 = p.skip();
        if (ind2 !== 0) bail(); // empty documents, indented or non-mapping roots
      } else if (ind !== 0 || !first) {
        bail();
      }
      first = false;
      const at = p.pos;
      const e = p.lineEnd(at);
      if (!p.isKeyAt(at, e)) bail();
      const root = p.map(at, 0);
      docs.push({ root, start: docs.length === 0 ? 0 : start });
      // map() stops at a line indented less than 0 (impossible), the end, or a `---` marker.
    }
    if (docs.length === 0) return null;
    for (const c of p.comments) {
      let k = 0;
      for (let j = 0; j < docs.length; j++) if ((docs[j] as { start: number }).start <= c.offset) k = j;
      place((docs[k] as { root: Coll }).root, c);
    }
    return docs.map((d) => {
      applyComments(d.root);
      return d.root.tree as TreeMap;
    });
  } catch (err) {
    if (err === BAIL) return null;
    throw err;
  }
}
