/**
 * Seeded, reproducible generators of malformed inputs for the fuzz test (test/unit/fuzz.test.ts).
 *
 * Everything is driven by one 32-bit seed through `Rng`, so a failure report of `seed` and `index`
 * is enough to rebuild the exact input with `fuzzInput(rng-for-seed, …)` run up to that index.
 */

/** A small, fast, seedable PRNG (mulberry32). Not for cryptography. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error("pick from an empty list");
    return xs[this.int(xs.length)] as T;
  }
}

/** Derives an independent seed for a named target from the run seed (FNV-1a over the name). */
export function subSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The value planted in every sample; no error message may echo it. */
export const SECRET = "SECRETVALUE123";

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Invalid or awkward UTF-8 sequences. */
const BAD_UTF8: readonly Uint8Array[] = [
  Uint8Array.of(0xff),
  Uint8Array.of(0xfe, 0xff),
  Uint8Array.of(0xc0, 0x80),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
  Uint8Array.of(0xef, 0xbb, 0xbf),
  Uint8Array.of(0x00),
  Uint8Array.of(0x80, 0x80, 0x80),
];

/** Tokens that tend to reach unusual parser paths. */
const TOKENS: readonly string[] = [
  "ENC[AES256_GCM,data:",
  "ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]",
  "ENC[AES256_GCM,data:,iv:,tag:,type:]",
  ",type:int]",
  "sops",
  "sops:",
  '"sops":',
  "[sops]",
  "sops_mac=",
  "sops_version=",
  "sops_lastmodified=",
  "sops_age__list_0__map_enc=",
  "__list_",
  "__map_",
  "mac",
  "lastmodified",
  "version",
  "age",
  "recipient",
  "enc",
  "null",
  "~",
  "true",
  "NaN",
  ".inf",
  "-.inf",
  "0x",
  "0o7",
  "1e999999",
  "-1e-999999",
  "9".repeat(400),
  "-" + "9".repeat(60),
  "0." + "0".repeat(300) + "1",
  "2006-01-02T15:04:05Z",
  "9999-99-99T99:99:99Z",
  "!!binary",
  "!!str",
  "!!int",
  "!!float",
  "!!map",
  "!!seq",
  "!!set",
  "!!omap",
  "!!timestamp",
  "!custom",
  "&a",
  "*a",
  "*undefined",
  "<<: *a",
  "<<:",
  "? ",
  "--- ",
  "---\n",
  "...\n",
  "%YAML 1.2\n",
  "%TAG ! tag:x,2000:\n",
  "|-\n",
  ">+\n",
  "\ufeff",
  "\r\n",
  "\r",
  "\t",
  "\\u0000",
  "\\ud800",
  '\\"',
  "\\",
  "\u2028",
  "${X}",
  "$(x)",
  "export ",
  "#",
  ";",
];

/** Structural characters per format. */
export const STRUCTURAL: Readonly<Record<string, string>> = {
  yaml: ":-[]{}&*!|>'\"#%@`,? \n\t",
  json: '{}[]",:\\ \n0-e.',
  dotenv: "=\n#'\"\\ $\t",
  ini: "[]=;#\n\"' \t:\\",
  binary: '{}[]",:\\ \n',
  enc: "[],:=+/ENC\n",
};

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function insertAt(b: Uint8Array, at: number, what: Uint8Array): Uint8Array {
  return concat(b.subarray(0, at), what, b.subarray(at));
}

/**
 * Applies one random mutation to `b` and returns a new array; `b` and `corpus` are never written to
 * (a Buffer's `slice` is a view, so copies are made with `new Uint8Array`).
 */
export function mutateOnce(rng: Rng, b: Uint8Array, format: string, corpus: readonly Uint8Array[]): Uint8Array {
  const at = rng.int(b.length + 1);
  const structural = STRUCTURAL[format] ?? STRUCTURAL["yaml"] ?? "";
  // 0–11 break syntax freely; 12–17 mostly keep it, so the inputs also reach the metadata and cipher layers.
  switch (rng.int(18)) {
    case 0: {
      // flip one bit
      if (b.length === 0) return b;
      const out = new Uint8Array(b);
      const i = rng.int(out.length);
      out[i] = (out[i] as number) ^ (1 << rng.int(8));
      return out;
    }
    case 1: {
      // overwrite a byte with a random one
      if (b.length === 0) return b;
      const out = new Uint8Array(b);
      out[rng.int(out.length)] = rng.int(256);
      return out;
    }
    case 2:
      // truncate
      return new Uint8Array(b.subarray(0, at));
    case 3: {
      // insert 1..8 structural characters
      let s = "";
      for (let k = 1 + rng.int(8); k > 0; k--) s += structural[rng.int(structural.length)];
      return insertAt(b, at, bytes(s));
    }
    case 4: {
      // delete a range
      const len = 1 + rng.int(Math.min(64, Math.max(1, b.length - at)));
      return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + len)));
    }
    case 5: {
      // duplicate a range somewhere else
      if (b.length === 0) return b;
      const from = rng.int(b.length);
      const len = 1 + rng.int(Math.min(256, b.length - from));
      return insertAt(b, at, b.subarray(from, from + len));
    }
    case 6: {
      // splice with another corpus entry
      const other = rng.pick(corpus);
      const from = rng.int(other.length + 1);
      return concat(b.subarray(0, at), other.subarray(from));
    }
    case 7:
      return insertAt(b, at, rng.pick(BAD_UTF8));
    case 8:
      return insertAt(b, at, bytes(rng.pick(TOKENS)));
    case 9: {
      // duplicate a whole line (duplicate keys, repeated sections)
      const text = b;
      const starts: number[] = [0];
      for (let i = 0; i < text.length; i++) if (text[i] === 0x0a) starts.push(i + 1);
      const s = rng.pick(starts);
      let e = s;
      while (e < text.length && text[e] !== 0x0a) e++;
      return insertAt(b, rng.pick(starts), concat(text.subarray(s, e), Uint8Array.of(0x0a)));
    }
    case 10: {
      // change the indentation of a line
      const starts: number[] = [0];
      for (let i = 0; i < b.length; i++) if (b[i] === 0x0a) starts.push(i + 1);
      const s = rng.pick(starts);
      return rng.chance(0.5) ? insertAt(b, s, bytes(" ".repeat(1 + rng.int(5)))) : concat(b.subarray(0, s), b.subarray(Math.min(b.length, s + 1 + rng.int(4))));
    }
    case 12:
    case 13:
    case 14:
    case 15: {
      // replace a word (a run of letters, digits, _ . + / =) with a token, a number or another word
      const isWord = (c: number | undefined): boolean =>
        c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2f || c === 0x3d);
      let i = at;
      for (let tries = 0; tries < 64 && i < b.length && !isWord(b[i]); tries++) i++;
      if (!isWord(b[i])) return b;
      let s0 = i;
      while (s0 > 0 && isWord(b[s0 - 1])) s0--;
      let e = i;
      while (e < b.length && isWord(b[e])) e++;
      let rep: string;
      const r = rng.int(4);
      if (r === 0) rep = rng.pick(TOKENS);
      else if (r === 1) rep = String(rng.pick([0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e21, 0.1]));
      // Not SECRET: a word can be a key, and key names may appear in messages.
      else if (r === 2) rep = rng.chance(0.5) ? "x".repeat(1 + rng.int(300)) : "";
      else {
        const other = rng.pick(corpus);
        const o = rng.int(other.length);
        let oe = o;
        while (oe < other.length && isWord(other[oe])) oe++;
        return concat(b.subarray(0, s0), other.subarray(o, oe), b.subarray(e));
      }
      return concat(b.subarray(0, s0), bytes(rep), b.subarray(e));
    }
    case 16: {
      // delete a whole line (a metadata field, a key, a section header)
      const starts: number[] = [0];
      for (let i = 0; i < b.length; i++) if (b[i] === 0x0a) starts.push(i + 1);
      const s = rng.pick(starts);
      let e = s;
      while (e < b.length && b[e] !== 0x0a) e++;
      return concat(b.subarray(0, s), b.subarray(Math.min(b.length, e + 1)));
    }
    default: {
      // swap two bytes
      if (b.length < 2) return b;
      const out = new Uint8Array(b);
      const i = rng.int(out.length);
      const j = rng.int(out.length);
      const t = out[i] as number;
      out[i] = out[j] as number;
      out[j] = t;
      return out;
    }
  }
}

/** Inputs built from structure rather than mutation: deep nesting, bombs, huge numbers, odd bytes. */
export function generated(rng: Rng, format: string): Uint8Array {
  // Around and past the parsers' nesting limits (1,000 for JSON; the yaml package stops near 900 block levels).
  const depth = rng.pick([50, 500, 1_100, 5_000]);
  switch (rng.int(10)) {
    case 0:
      return bytes("[".repeat(depth) + (rng.chance(0.5) ? "]".repeat(depth) : ""));
    case 1:
      return bytes('{"a":'.repeat(depth) + "1" + (rng.chance(0.5) ? "}".repeat(depth) : ""));
    case 2: {
      // deeply indented YAML block maps / sequences
      let s = "";
      const d = Math.min(depth, 1_100);
      for (let i = 0; i < d; i++) s += " ".repeat(i) + (rng.chance(0.5) ? "- " : `k${i}:`) + "\n";
      return bytes(s + " ".repeat(d) + SECRET + "\n");
    }
    case 3: {
      // billion laughs
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      const levels = 3 + rng.int(8);
      for (let i = 1; i < levels; i++) {
        const prev = String.fromCharCode(0x61 + i - 1);
        const cur = String.fromCharCode(0x61 + i);
        lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
      }
      if (rng.chance(0.5)) lines.push(`sops:\n    mac: *${String.fromCharCode(0x61 + levels - 1)}`);
      return bytes(lines.join("\n") + "\n");
    }
    case 4: {
      // recursive alias / merge key chains
      return bytes(rng.pick(["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a\n  <<: *a\n", "&a [*a]\n", "a: &a\nb: *a\n", "a: *a\n"]));
    }
    case 5: {
      const n = rng.pick(["9".repeat(depth), "-" + "1".repeat(depth), "1e" + "9".repeat(30), "0x" + "f".repeat(depth), "0." + "0".repeat(depth) + "1"]);
      if (format === "json" || format === "binary") return bytes(`{"a": ${n}, "sops": {"version": ${n}, "mac": ${n}}}`);
      if (format === "dotenv") return bytes(`a=${n}\nsops_version=${n}\n`);
      if (format === "ini") return bytes(`[s]\na=${n}\n[sops]\nversion=${n}\n`);
      return bytes(`a: ${n}\nsops:\n    version: ${n}\n    lastmodified: ${n}\n`);
    }
    case 6: {
      // random bytes
      const out = new Uint8Array(rng.int(512));
      for (let i = 0; i < out.length; i++) out[i] = rng.int(256);
      return out;
    }
    case 7: {
      // random structural soup
      const chars = (STRUCTURAL[format] ?? "") + "abc01" + SECRET;
      let s = "";
      for (let i = rng.int(400); i > 0; i--) s += chars[rng.int(chars.length)];
      return bytes(s);
    }
    case 8: {
      // many keys / many lines
      const n = 1 + rng.int(3_000);
      let s = "";
      for (let i = 0; i < n; i++) {
        if (format === "json" || format === "binary") s += (i === 0 ? "{" : ",") + `"k${i % 50}":"${SECRET}"`;
        else if (format === "dotenv" || format === "ini") s += `k${i % 50}=${SECRET}\n`;
        else s += `k${i % 50}: ${SECRET}\n`;
      }
      return bytes(s);
    }
    default:
      return bytes(rng.pick(["", "\n", " ", "\0", "{}", "[]", "null", "---", "sops:", "[sops]", "sops_mac=", '{"sops":null}', '{"data":1,"sops":{}}', "~", "\ufeff"]));
  }
}

/**
 * One fuzz input: usually 1–5 mutations (mostly one) of a corpus entry, sometimes a generated structure.
 * `base` is the index of the corpus entry it came from, or -1 for a generated input.
 */
export function fuzzInput(rng: Rng, format: string, corpus: readonly Uint8Array[]): { input: Uint8Array; base: number } {
  if (corpus.length === 0 || rng.chance(0.08)) return { input: generated(rng, format), base: -1 };
  const base = rng.int(corpus.length);
  let b = corpus[base] as Uint8Array;
  const r = rng.int(20);
  for (let k = r < 12 ? 1 : r < 17 ? 2 : 3 + rng.int(3); k > 0; k--) b = mutateOnce(rng, b, format, corpus);
  return { input: b, base };
}

/**
 * True when `msg` contains an 8-character (or longer) piece of SECRET. A quoted key name
 * (`key "…"`) does not count: mutations can move the value into a key, and keys may be named.
 */
export function leaksSecret(msg: string): boolean {
  msg = msg.replace(/key "[^"\n]*"/g, "key");
  for (let i = 0; i + 8 <= SECRET.length; i++) if (msg.includes(SECRET.slice(i, i + 8))) return true;
  return false;
}
