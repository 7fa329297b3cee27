/**
 * Streaming secret masking for `hush run`: every occurrence of a pattern in a byte stream becomes `***`.
 *
 * Rules this file enforces:
 * - Matching is over bytes with an Aho-Corasick automaton compiled to a dense DFA (one Int32Array row of 256
 *   entries per state), so the hot loop is one table load and one bit test per byte, whatever the number
 *   of patterns.
 * - Overlapping occurrences are masked as their union (one `***` for the whole run), so two secrets that
 *   overlap in the output cannot leave a tail of one of them in clear.
 * - The output does not depend on how the input is split into chunks (down to 1-byte writes): a byte is
 *   released only when no future occurrence can include it, that is when it lies before the longest
 *   suffix of the input so far that is a prefix of some pattern. Everything before that point is released
 *   at once, so interactive output is held back only while it could still be the start of a secret.
 */

const MASK = Buffer.from("***");
const EMPTY = new Uint8Array(0);

/** A compiled set of byte patterns. Build once, share between the maskers of stdout and stderr. */
export interface MaskAutomaton {
  /** `table[(state << 8) + byte]` = `(next << 8) | 1 if next ends a pattern`. */
  readonly table: Int32Array;
  /** Length of the longest pattern that ends at each state (0 = none). */
  readonly outLen: Int32Array;
  /** Depth of each state = length of the input suffix it stands for. */
  readonly depth: Int32Array;
  /** Number of patterns compiled (after removing empty and duplicate ones). */
  readonly patterns: number;
}

/**
 * Compiles patterns into an automaton. Empty patterns are ignored.
 * @throws RangeError when the patterns need more than 2^23 states (about 8 MB of pattern text).
 */
export function compileMask(patterns: readonly Uint8Array[]): MaskAutomaton {
  const uniq = new Map<string, Uint8Array>();
  for (const p of patterns) if (p.length > 0) uniq.set(Buffer.from(p).toString("latin1"), p);
  let total = 1;
  for (const p of uniq.values()) total += p.length;
  if (total >= 1 << 23) throw new RangeError("too many mask patterns");
  // The trie as first-child/next-sibling lists (no 256-wide rows yet: building those byte by byte in JS
  // is what made compiling slow; below, each DFA row starts as a native copy of its failure state's row).
  const firstChild = new Int32Array(total).fill(-1);
  const nextSibling = new Int32Array(total).fill(-1);
  const edgeByte = new Uint8Array(total);
  const own = new Int32Array(total);
  const depth = new Int32Array(total);
  let states = 1;
  for (const p of uniq.values()) {
    let s = 0;
    for (const b of p) {
      let t = firstChild[s]!;
      while (t !== -1 && edgeByte[t] !== b) t = nextSibling[t]!;
      if (t === -1) {
        t = states++;
        edgeByte[t] = b;
        depth[t] = depth[s]! + 1;
        nextSibling[t] = firstChild[s]!;
        firstChild[s] = t;
      }
      s = t;
    }
    own[s] = p.length;
  }
  // BFS: row(s) = row(fail(s)) with s's own trie edges written over it; a child's failure state is where
  // row(fail(s)) sends its byte, and its output length is known then (failure states are shallower).
  const table = new Int32Array(states * 256);
  const fail = new Int32Array(states);
  const outLen = new Int32Array(states);
  const order = new Int32Array(states);
  let head = 0;
  let tail = 0;
  for (let t = firstChild[0]!; t !== -1; t = nextSibling[t]!) {
    fail[t] = 0;
    outLen[t] = own[t]!;
    table[edgeByte[t]!] = (t << 8) | (outLen[t]! > 0 ? 1 : 0);
    order[tail++] = t;
  }
  while (head < tail) {
    const s = order[head++]!;
    const row = s * 256;
    const frow = fail[s]! * 256;
    table.copyWithin(row, frow, frow + 256);
    for (let t = firstChild[s]!; t !== -1; t = nextSibling[t]!) {
      const b = edgeByte[t]!;
      const f = table[frow + b]! >>> 8;
      fail[t] = f;
      outLen[t] = Math.max(own[t]!, outLen[f]!);
      table[row + b] = (t << 8) | (outLen[t]! > 0 ? 1 : 0);
      order[tail++] = t;
    }
  }
  return { table, outLen, depth: depth.slice(0, states), patterns: uniq.size };
}

/**
 * One output stream's masker. `push` returns the bytes that can be released now (possibly empty), `end`
 * the rest. Feed each stream (stdout, stderr) through its own Masker.
 */
export class Masker {
  readonly #a: MaskAutomaton;
  /** DFA state, premultiplied by 256. */
  #s = 0;
  /** Bytes seen but not released yet. */
  #carry: Uint8Array = EMPTY;
  /** Absolute stream position of #carry[0]. */
  #base = 0;
  /** Pending masked intervals [start, end) in absolute positions, sorted and disjoint. */
  #iv: number[] = [];

  constructor(automaton: MaskAutomaton) {
    this.#a = automaton;
  }

  /** Bytes held back at the moment (for tests: never more than the longest pattern minus one). */
  get pending(): number {
    return this.#carry.length;
  }

  /** Consumes a chunk; returns what may be written out now. */
  push(chunk: Uint8Array): Uint8Array {
    if (chunk.length === 0) return EMPTY;
    const old = this.#carry.length;
    const buf = old === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const { table, outLen, depth } = this.#a;
    const base = this.#base;
    let s = this.#s;
    for (let i = old; i < buf.length; i++) {
      const v = table[s + buf[i]!]!;
      s = v & -256;
      if ((v & 1) !== 0) this.#add(base + i + 1 - outLen[s >>> 8]!, base + i + 1);
    }
    this.#s = s;
    const safe = base + buf.length - depth[s >>> 8]!;
    return this.#release(buf, safe);
  }

  /** Ends the stream: releases everything still held. */
  end(): Uint8Array {
    const buf = this.#carry;
    const out = this.#release(buf, this.#base + buf.length);
    this.#s = 0;
    return out;
  }

  #add(start: number, end: number): void {
    const iv = this.#iv;
    // Matches arrive in order of their end; a longer one may start before earlier ones: merge what overlaps.
    while (iv.length > 0 && iv[iv.length - 1]! > start) {
      const ps = iv[iv.length - 2]!;
      if (ps < start) start = ps;
      iv.length -= 2;
    }
    iv.push(start, end);
  }

  #release(buf: Uint8Array, safe: number): Uint8Array {
    const base = this.#base;
    const iv = this.#iv;
    // An interval reaching past `safe` can still grow (a later match may overlap it): hold it back whole.
    let boundary = safe;
    let keep = iv.length;
    while (keep > 0 && iv[keep - 1]! > safe) {
      boundary = Math.min(boundary, iv[keep - 2]!);
      keep -= 2;
    }
    const cut = boundary - base;
    let out: Uint8Array;
    if (keep === 0) {
      out = buf.subarray(0, cut);
    } else {
      const parts: Uint8Array[] = [];
      let prev = 0;
      for (let k = 0; k < keep; k += 2) {
        const a = iv[k]! - base;
        if (a > prev) parts.push(buf.subarray(prev, a));
        parts.push(MASK);
        prev = iv[k + 1]! - base;
      }
      if (cut > prev) parts.push(buf.subarray(prev, cut));
      out = Buffer.concat(parts);
      iv.splice(0, keep);
    }
    // Copy the carry when it is small, so a big chunk is not kept alive by a few held-back bytes.
    const rest = buf.subarray(cut);
    this.#carry = rest.length === 0 ? EMPTY : rest.length < 4096 ? Uint8Array.from(rest) : rest;
    this.#base = boundary;
    return out;
  }
}
