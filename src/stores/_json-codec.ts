/**
 * JSON bytes ⇄ Tree the way sops's JSON store does it with Go's encoding/json: a streaming reader
 * that keeps key order and duplicates, and a writer equal to json.Marshal per value followed by
 * json.Indent. Internal to src/stores (json.ts, binary.ts); not re-exported.
 *
 * Reading works on bytes, not on a decoded JS string, so that invalid UTF-8 inside strings becomes
 * one U+FFFD per bad byte as Go does (TextDecoder would merge some of them).
 */
import { HushError } from "../errors.js";
import { Comment, isList, isMap, Timestamp, treeList, treeMap } from "../tree/index.js";
import type { MapItem, TreeList, TreeMap, Value } from "../tree/index.js";
import { formatJsonFloat } from "../tree/go-format.js";

/**
 * Deepest nesting read. Go's encoding/json allows 10,000 levels; hush stops at 1,000 because the
 * recursive reader, emitter and tree walks exhaust Node's default stack between 2,000 and 3,000
 * (a known deviation; real files are nowhere near either limit).
 */
const MAX_NESTING_DEPTH = 1_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const ASCII_RUN = new TextDecoder("utf-8");

/** Decodes UTF-8 like Go's utf8.DecodeRune loop: each invalid byte becomes one U+FFFD. */
export function goUtf8Decode(b: Uint8Array, start: number = 0, end: number = b.length): string {
  let out = "";
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      // Fast path for runs of ASCII.
      let j = i + 1;
      while (j < end && (b[j] as number) < 0x80) j++;
      // A decoder, not String.fromCharCode(...run): spreading a long run overflows the stack.
      out += ASCII_RUN.decode(b.subarray(i, j));
      i = j;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) [need, cp, min] = [1, c & 0x1f, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, cp, min] = [2, c & 0x0f, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, cp, min] = [3, c & 0x07, 0x10000];
    let ok = need > 0 && i + need < end;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const cc = b[i + k];
        if (cc === undefined || (cc & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += "\ufffd";
      i += 1;
    }
  }
  return out;
}

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** A tiny recursive-descent reader over bytes with line/column tracking for errors. */
class Reader {
  readonly b: Uint8Array;
  pos = 0;
  depth = 0;
  readonly file: string | undefined;
  constructor(b: Uint8Array, file: string | undefined) {
    this.b = b;
    this.file = file;
  }

  fail(what: string, at = this.pos): never {
    let line = 1;
    let col = 1;
    for (let i = 0; i < at && i < this.b.length; i++) {
      if (this.b[i] === 0x0a) {
        line++;
        col = 1;
      } else if (((this.b[i] as number) & 0xc0) !== 0x80) {
        col++;
      }
    }
    throw new HushError("PARSE", `could not unmarshal input data: ${what} at line ${line}, column ${col}`, {
      file: this.file,
      line,
      col,
    });
  }

  ws(): void {
    while (isWs(this.b[this.pos])) this.pos++;
  }

  peek(): number | undefined {
    this.ws();
    return this.b[this.pos];
  }

  expect(c: number, what: string): void {
    const got = this.peek();
    if (got === undefined) this.fail(`unexpected end of input, ${what}`);
    if (got !== c) this.fail(`invalid character ${what}`);
    this.pos++;
  }

  value(): Value {
    const c = this.peek();
    if (c === undefined) this.fail("unexpected end of input, looking for beginning of value");
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > MAX_NESTING_DEPTH) this.fail(`exceeded max depth (hush reads at most ${MAX_NESTING_DEPTH} nested levels)`);
      try {
        return c === 0x7b ? this.object() : this.array();
      } finally {
        this.depth--;
      }
    }
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.matchWord(word)) return v;
    }
    return this.fail("invalid character looking for beginning of value");
  }

  matchWord(word: string): boolean {
    for (let k = 0; k < word.length; k++) {
      const got = this.b[this.pos + k];
      if (got === undefined) {
        if (k > 0) this.fail("unexpected end of input in literal", this.pos + k);
        return false;
      }
      if (got !== word.charCodeAt(k)) {
        if (k > 0) this.fail("invalid character in literal", this.pos + k);
        return false;
      }
    }
    this.pos += word.length;
    return true;
  }

  object(): TreeMap {
    this.pos++; // {
    const items: MapItem[] = [];
    if (this.peek() === 0x7d) {
      this.pos++;
      return treeMap(items);
    }
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail("unexpected end of input, looking for beginning of object key string");
      if (c !== 0x22) this.fail("invalid character looking for beginning of object key string");
      const key = this.string();
      this.expect(0x3a, "after object key");
      items.push({ key, value: this.value() });
      const n = this.peek();
      if (n === undefined) this.fail("unexpected end of input after object key:value pair");
      this.pos++;
      if (n === 0x7d) return treeMap(items);
      if (n !== 0x2c) this.fail("invalid character after object key:value pair", this.pos - 1);
    }
  }

  array(): TreeList {
    this.pos++; // [
    const items: Value[] = [];
    if (this.peek() === 0x5d) {
      this.pos++;
      return treeList(items);
    }
    for (;;) {
      items.push(this.value());
      const n = this.peek();
      if (n === undefined) this.fail("unexpected end of input after array element");
      this.pos++;
      if (n === 0x5d) return treeList(items);
      if (n !== 0x2c) this.fail("invalid character after array element", this.pos - 1);
    }
  }

  string(): string {
    const b = this.b;
    this.pos++; // "
    let out = "";
    let runStart = this.pos;
    for (;;) {
      const c = b[this.pos];
      if (c === undefined) this.fail("unexpected end of input in string literal");
      if (c === 0x22) {
        out += goUtf8Decode(b, runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail("invalid control character in string literal");
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += goUtf8Decode(b, runStart, this.pos);
      const e = b[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += "\\"; break;
        case 0x2f: out += "/"; break;
        case 0x62: out += "\b"; break;
        case 0x66: out += "\f"; break;
        case 0x6e: out += "\n"; break;
        case 0x72: out += "\r"; break;
        case 0x74: out += "\t"; break;
        case 0x75: {
          const u = this.hex4(this.pos);
          this.pos += 4;
          if (u >= 0xd800 && u < 0xdc00) {
            // A high surrogate only pairs with an escaped low surrogate that follows at once (Go getu4).
            if (b[this.pos] === 0x5c && b[this.pos + 1] === 0x75) {
              const lo = this.hex4(this.pos + 2);
              if (lo >= 0xdc00 && lo < 0xe000) {
                out += String.fromCharCode(u, lo);
                this.pos += 6;
                break;
              }
            }
            out += "\ufffd";
          } else if (u >= 0xdc00 && u < 0xe000) {
            out += "\ufffd";
          } else {
            out += String.fromCharCode(u);
          }
          break;
        }
        case undefined:
          this.fail("unexpected end of input in string escape code");
          break;
        default:
          this.fail("invalid character in string escape code", this.pos - 1);
      }
      runStart = this.pos;
    }
  }

  hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.b[at + k];
      if (c === undefined) this.fail("unexpected end of input in \\u hexadecimal character escape", at + k);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0) this.fail("invalid character in \\u hexadecimal character escape", at + k);
      v = v * 16 + d;
    }
    return v;
  }

  number(): bigint | number {
    const b = this.b;
    const start = this.pos;
    const digit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
    if (b[this.pos] === 0x2d) this.pos++;
    if (b[this.pos] === 0x30) this.pos++;
    else if (digit(b[this.pos])) while (digit(b[this.pos])) this.pos++;
    else this.fail("invalid character in numeric literal");
    let integer = true;
    if (b[this.pos] === 0x2e) {
      integer = false;
      this.pos++;
      if (!digit(b[this.pos])) this.fail("invalid character after decimal point in numeric literal");
      while (digit(b[this.pos])) this.pos++;
    }
    if (b[this.pos] === 0x65 || b[this.pos] === 0x45) {
      integer = false;
      this.pos++;
      if (b[this.pos] === 0x2b || b[this.pos] === 0x2d) this.pos++;
      if (!digit(b[this.pos])) this.fail("invalid character in exponent of numeric literal");
      while (digit(b[this.pos])) this.pos++;
    }
    const text = ASCII_RUN.decode(b.subarray(start, this.pos));
    // sops 3.13.2 normalizeJSONNumber: ParseInt(…, 10, 64) first, then ParseFloat.
    if (integer) {
      const i = BigInt(text);
      if (i >= INT64_MIN && i <= INT64_MAX) return i;
    }
    const f = Number(text);
    if (!Number.isFinite(f)) this.fail("number out of range of float64", start);
    return f;
  }
}

/**
 * Parses a JSON document whose top level must be an object (sops treeBranchFromJSON).
 * Deviation from Go sops, on purpose: sops silently drops a truncated last value (`{"a":` loads as
 * `{}`) and ignores anything after the top-level object; hush rejects both with PARSE, since either
 * would lose data without a word.
 * @throws HushError PARSE with line and column; the message never quotes the input.
 */
export function parseJsonObject(bytes: Uint8Array, file?: string): TreeMap {
  const r = new Reader(bytes, file);
  const c = r.peek();
  if (c === undefined) r.fail("unexpected end of input");
  if (c !== 0x7b) {
    throw new HushError(
      "PARSE",
      "sops only supports json files with a top-level object (starting with '{'), not arrays or other types",
      { file, hints: ['To encrypt this file, wrap it in an object, e.g., {"data": [...]}'] },
    );
  }
  const m = r.object();
  if (r.peek() !== undefined) r.fail("invalid character after top-level value");
  return m;
}

// Go encoding/json string escaping with HTML escaping on (json.Marshal's default).
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c < 0x7f) {
      out += s[i];
      continue;
    }
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += "\\u00" + c.toString(16).padStart(2, "0");
    else if (c === 0x2028 || c === 0x2029) out += "\\u" + c.toString(16);
    else if (c >= 0xd800 && c < 0xdc00) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        out += s[i] + (s[i + 1] as string);
        i++;
      } else {
        out += "\\ufffd"; // lone surrogate: Go sees invalid UTF-8
      }
    } else if (c >= 0xdc00 && c < 0xe000) out += "\\ufffd";
    else out += s[i];
  }
  return out + '"';
}

/** Compact JSON of one value, the way sops's encodeValue builds it before json.Indent. */
function encode(v: Value, path: (string | number)[]): string {
  if (isMap(v)) {
    const parts: string[] = [];
    for (const it of v.items) {
      if (it instanceof Comment) continue;
      parts.push(quote(it.key) + ":" + encode(it.value, [...path, it.key]));
    }
    return "{" + parts.join(",") + "}";
  }
  if (isList(v)) {
    const parts: string[] = [];
    let i = 0;
    for (const it of v.items) {
      if (it instanceof Comment) continue;
      parts.push(encode(it, [...path, i++]));
    }
    return "[" + parts.join(",") + "]";
  }
  if (v === null) return "null";
  if (typeof v === "string") return quote(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (!Number.isFinite(v)) {
      throw new HushError("EMIT", "error marshaling to json: unsupported float value (NaN or infinity)", {
        keyPath: path.map((p) => (typeof p === "number" ? `[${p}]` : `[${JSON.stringify(p)}]`)).join(""),
      });
    }
    return formatJsonFloat(v);
  }
  if (v instanceof Timestamp) return quote(v.text);
  return quote(goUtf8Decode(v));
}

/**
 * Go json.Marshal of a sops value as Go holds it: a mapping is a TreeBranch (`[]TreeItem`), so it
 * comes out as `[{"Key":…,"Value":…}]`; a comment as `{"Value":…,"Inline":…}`. Used by the INI
 * store's EmitValue, which calls json.Marshal directly.
 * @throws HushError EMIT for NaN or infinities.
 */
export function encodeGoJsonCompact(v: Value | Comment): string {
  if (v instanceof Comment) return `{"Value":${quote(v.text)},"Inline":${v.inline ? "true" : "false"}}`;
  if (isMap(v)) {
    const parts = v.items.map((it) =>
      it instanceof Comment
        ? `{"Key":${encodeGoJsonCompact(it)},"Value":null}`
        : `{"Key":${quote(it.key)},"Value":${encodeGoJsonCompact(it.value)}}`,
    );
    return "[" + parts.join(",") + "]";
  }
  if (isList(v)) return "[" + v.items.map(encodeGoJsonCompact).join(",") + "]";
  return encode(v, []);
}

/** json.Indent of compact JSON produced by `encode` (no insignificant whitespace in the input). */
function indentCompact(src: string, indent: string): string {
  let out = "";
  let depth = 0;
  let inString = false;
  let needIndent = false;
  const newline = (): string => "\n" + indent.repeat(depth);
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (inString) {
      out += c;
      if (c === "\\") out += src[++i] as string;
      else if (c === '"') inString = false;
      continue;
    }
    if (needIndent && c !== "]" && c !== "}") {
      needIndent = false;
      depth++;
      out += newline();
    }
    switch (c) {
      case "{":
      case "[":
        needIndent = true;
        out += c;
        break;
      case ",":
        out += c + newline();
        break;
      case ":":
        out += ": ";
        break;
      case "}":
      case "]":
        if (needIndent) {
          needIndent = false; // empty container stays `{}` / `[]`
        } else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      case '"':
        inString = true;
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

function indentString(indent: number | undefined): string {
  const n = indent ?? -1;
  if (n < -1) throw new HushError("EMIT", "json indentation parameter smaller than -1 is not accepted");
  return n === -1 ? "\t" : " ".repeat(n);
}

/** Go json.Marshal + json.Indent of a value (no trailing newline), as sops's JSON EmitValue. */
export function encodeJson(v: Value, indent?: number): string {
  return indentCompact(encode(v, []), indentString(indent));
}
