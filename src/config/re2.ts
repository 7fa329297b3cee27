/**
 * Go RE2 (`regexp` package) patterns translated into JavaScript RegExps with the same matching
 * decisions, for `path_regex` here and for the selector regexes (`encrypted_regex` …) in the engine.
 *
 * The translation parses the Go syntax and re-emits every construct explicitly, so JS's different
 * defaults never leak in: the emitted pattern always uses the `u` flag and no other, `.`, `^`, `$`,
 * `\s`, `\A`, `\z` and case folding are spelled out (`(?i)`, `(?s)`, `(?m)` can be scoped in Go but
 * Node 20 has no inline modifiers), every literal is written as `\u{…}`, and captures become
 * non-capturing groups (only the match decision matters). Constructs RE2 rejects (look-around,
 * back-references) are rejected here too, with Go's wording.
 */

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

type Range = [number, number];

const MAX_CP = 0x10ffff;

const POSIX: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

// Go's Perl classes are ASCII-only; Go's \s is [\t\n\f\r ] (no \v), unlike JS's Unicode \s.
const PERL: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

/** Thrown for a pattern Go's regexp would reject; the message follows Go's `error parsing regexp: …`. */
export class Re2SyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Re2SyntaxError";
  }
}

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function cpEsc(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Other-case variants of one code point (simple case mapping), excluding itself. */
function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const out = new Set<number>();
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const vcp = v.codePointAt(0);
    if (vcp !== undefined && v.length === String.fromCodePoint(vcp).length && vcp !== cp) out.add(vcp);
  }
  return [...out];
}

function foldRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    // Case pairs live below U+1E944; scanning wide ranges fully would be slow and add nothing new.
    for (let cp = lo; cp <= Math.min(hi, 0x1e943) && cp - lo <= 0x20000; cp++) {
      for (const v of caseVariants(cp)) out.push([v, v]);
    }
  }
  return out;
}

function emitRanges(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? cpEsc(lo) : `${cpEsc(lo)}-${cpEsc(hi)}`)).join("");
}

class Parser {
  private pos = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  private err(kind: string, frag: string): never {
    throw new Re2SyntaxError(`error parsing regexp: ${kind}: \`${frag}\``);
  }

  private peek(off = 0): string | undefined {
    const cp = this.src.codePointAt(this.pos + off);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private take(): string {
    const ch = this.peek();
    if (ch === undefined) this.err("unexpected end", this.src);
    this.pos += ch.length;
    return ch;
  }

  parse(): string {
    const out = this.alternation({ i: false, m: false, s: false, U: false }, 0);
    if (this.pos < this.src.length) this.err("unexpected )", this.src);
    return out;
  }

  /** Parses until an unmatched `)` or the end; `flags` may change inside (scoped to this group). */
  private alternation(inherited: Flags, depth: number): string {
    const flags = { ...inherited };
    const branches: string[] = [];
    let atoms: string[] = [];
    let lastRepeatable = false; // an atom that a repetition operator may follow
    let lastWasRepeat = false;
    let lastOpText = "";
    const repeat = (op: string, frag: string): void => {
      if (lastWasRepeat) this.err("invalid nested repetition operator", lastOpText + frag);
      if (!lastRepeatable || atoms.length === 0) this.err("missing argument to repetition operator", frag);
      let lazy = false;
      lastOpText = frag;
      if (this.peek() === "?") {
        this.pos++;
        lazy = true;
        lastOpText += "?";
      }
      if (flags.U) lazy = !lazy;
      atoms[atoms.length - 1] = `(?:${atoms[atoms.length - 1]!})${op}${lazy ? "?" : ""}`;
      lastWasRepeat = true;
    };
    for (;;) {
      const ch = this.peek();
      if (ch === undefined || ch === ")") break;
      const start = this.pos;
      if (ch === "|") {
        this.pos++;
        branches.push(atoms.join(""));
        atoms = [];
        lastRepeatable = false;
        lastWasRepeat = false;
        continue;
      }
      if (ch === "*" || ch === "+" || ch === "?") {
        this.pos++;
        repeat(ch, ch);
        continue;
      }
      if (ch === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
        if (m) {
          const min = Number(m[1]);
          const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
          if (min > 1000 || max > 1000 || (max !== -1 && max < min)) this.err("invalid repeat count", m[0]);
          this.pos += m[0].length;
          repeat(max === -1 ? `{${min},}` : max === min ? `{${min}}` : `{${min},${max}}`, m[0]);
          continue;
        }
      }
      lastWasRepeat = false;
      lastRepeatable = true;
      if (ch === "(") {
        this.pos++;
        if (this.peek() === "?") {
          const rest = this.src.slice(this.pos);
          const named = /^\?P?<([A-Za-z0-9_]+)>/.exec(rest);
          if (named) {
            this.pos += named[0].length;
          } else {
            const fm = /^\?(-?[imsU]+|[imsU]+-[imsU]*)(:|\))/.exec(rest);
            if (!fm) this.err("invalid or unsupported Perl syntax", this.src.slice(start, start + 3));
            this.pos += fm[0].length;
            let value = true;
            const target = fm[2] === ")" ? flags : { ...flags };
            for (const f of fm[1]!) {
              if (f === "-") value = false;
              else target[f as keyof Flags] = value;
            }
            if (fm[2] === ")") {
              lastRepeatable = false;
              continue;
            }
            const inner = this.alternation(target, depth + 1);
            if (this.peek() !== ")") this.err("missing closing )", this.src.slice(start));
            this.pos++;
            atoms.push(`(?:${inner})`);
            continue;
          }
        }
        const inner = this.alternation(flags, depth + 1);
        if (this.peek() !== ")") this.err("missing closing )", this.src.slice(start));
        this.pos++;
        atoms.push(`(?:${inner})`);
        continue;
      }
      if (ch === "[") {
        atoms.push(this.charClass(flags));
        continue;
      }
      this.pos += ch.length;
      if (ch === ".") atoms.push(flags.s ? "[\\u{0}-\\u{10ffff}]" : "[^\\n]");
      else if (ch === "^") atoms.push(flags.m ? "(?<![^\\n])" : "(?<![\\s\\S])");
      else if (ch === "$") atoms.push(flags.m ? "(?![^\\n])" : "(?![\\s\\S])");
      else if (ch === "\\") atoms.push(this.escape(flags));
      else atoms.push(this.literal(ch.codePointAt(0)!, flags));
    }
    if (depth === 0 && this.peek() === ")") this.err("unexpected )", this.src);
    branches.push(atoms.join(""));
    return branches.join("|");
  }

  private literal(cp: number, flags: Flags): string {
    if (flags.i) {
      const v = caseVariants(cp);
      if (v.length > 0) return `[${emitRanges([[cp, cp], ...v.map((x): Range => [x, x])])}]`;
    }
    return cpEsc(cp);
  }

  /** After a backslash outside a class. */
  private escape(flags: Flags): string {
    const start = this.pos - 1;
    const c = this.peek();
    if (c === undefined) this.err("trailing backslash at end of expression", "");
    if (c === "A") return (this.pos++, "(?<![\\s\\S])");
    if (c === "z") return (this.pos++, "(?![\\s\\S])");
    if (c === "b" || c === "B") return (this.pos++, `\\${c}`);
    if (c === "Q") {
      this.pos++;
      const end = this.src.indexOf("\\E", this.pos);
      const lit = end === -1 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
      this.pos = end === -1 ? this.src.length : end + 2;
      return `(?:${[...lit].map((x) => this.literal(x.codePointAt(0)!, flags)).join("")})`;
    }
    const cls = this.classEscape(start);
    if (cls !== null) {
      if (typeof cls === "string") return cls;
      return `[${emitRanges(flags.i ? foldRanges(cls) : cls)}]`;
    }
    return this.literal(this.charEscape(start), flags);
  }

  /** `\d \s \w \D \S \W \pX \p{X} \PX`: ranges, or a `\p{…}` string; null when not a class escape. */
  private classEscape(start: number): Range[] | string | null {
    const c = this.peek();
    if (c === undefined) return null;
    const lower = c.toLowerCase();
    if ((lower === "d" || lower === "s" || lower === "w") && PERL[lower]) {
      this.pos++;
      return c === lower ? PERL[lower] : complement(PERL[lower]);
    }
    if (c === "p" || c === "P") {
      this.pos++;
      let name: string;
      if (this.peek() === "{") {
        const end = this.src.indexOf("}", this.pos);
        if (end === -1) this.err("invalid character class range", this.src.slice(start));
        name = this.src.slice(this.pos + 1, end);
        this.pos = end + 1;
      } else {
        name = this.take();
      }
      let neg = c === "P";
      if (name.startsWith("^")) {
        neg = !neg;
        name = name.slice(1);
      }
      if (!/^[A-Za-z_]+$/.test(name)) this.err("invalid character class range", this.src.slice(start, this.pos));
      if (name === "Any") return neg ? [] : [[0, MAX_CP]];
      const prop = name.length <= 2 ? name : `Script=${name}`;
      try {
        new RegExp(`\\p{${prop}}`, "u");
      } catch {
        this.err("invalid character class range", this.src.slice(start, this.pos));
      }
      return `\\${neg ? "P" : "p"}{${prop}}`;
    }
    return null;
  }

  /** A single-character escape (the backslash at `start` is consumed): its code point. */
  private charEscape(start: number): number {
    const c = this.take();
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (simple[c] !== undefined) return simple[c];
    if (c >= "0" && c <= "7") {
      const next = this.peek();
      // Go: \0 starts an octal escape; \1-\7 only when another digit follows (else it would be a back-reference).
      if (c !== "0" && !(next !== undefined && next >= "0" && next <= "7")) this.err("invalid escape sequence", this.src.slice(start, this.pos));
      let v = Number(c);
      for (let k = 0; k < 2; k++) {
        const d = this.peek();
        if (d === undefined || d < "0" || d > "7") break;
        v = v * 8 + Number(d);
        this.pos++;
      }
      return v;
    }
    if (c === "x") {
      if (this.peek() === "{") {
        const m = /^\{([0-9A-Fa-f]+)\}/.exec(this.src.slice(this.pos));
        const v = m ? parseInt(m[1]!, 16) : NaN;
        if (!m || v > MAX_CP) this.err("invalid escape sequence", this.src.slice(start, this.pos + 1));
        this.pos += m[0].length;
        return v;
      }
      const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.pos));
      if (!m) this.err("invalid escape sequence", this.src.slice(start, this.pos + 2));
      this.pos += 2;
      return parseInt(m[0], 16);
    }
    const cp = c.codePointAt(0)!;
    if (cp < 0x80 && !/[A-Za-z0-9]/.test(c)) return cp;
    this.err("invalid escape sequence", this.src.slice(start, this.pos));
  }

  private charClass(flags: Flags): string {
    const start = this.pos;
    this.pos++; // [
    let neg = false;
    if (this.peek() === "^") {
      neg = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const props: string[] = [];
    let first = true;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) this.err("missing closing ]", this.src.slice(start));
      if (ch === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (ch === "[" && this.peek(1) === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos));
        if (m) {
          const cls = POSIX[m[2]!];
          if (!cls) this.err("invalid character class range", m[0]);
          this.pos += m[0].length;
          ranges.push(...(m[1] ? complement(cls) : cls));
          continue;
        }
      }
      const itemStart = this.pos;
      let lo: number;
      if (ch === "\\") {
        this.pos++;
        const cls = this.classEscape(itemStart);
        if (cls !== null) {
          if (typeof cls === "string") props.push(cls);
          else ranges.push(...cls);
          continue;
        }
        lo = this.charEscape(itemStart);
      } else {
        this.pos += ch.length;
        lo = ch.codePointAt(0)!;
      }
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.pos++;
        const hiCh = this.take();
        const hi = hiCh === "\\" ? this.charEscape(this.pos - 1) : hiCh.codePointAt(0)!;
        if (hi < lo) this.err("invalid character class range", this.src.slice(itemStart, this.pos));
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    const body = emitRanges(flags.i ? foldRanges(ranges) : ranges) + props.join("");
    return `[${neg ? "^" : ""}${body}]`;
  }
}

/**
 * Translates a Go RE2 pattern into an equivalent JS pattern source (to be used with flag `u`).
 * @throws Re2SyntaxError when Go would reject the pattern (message in Go's form).
 */
export function translateRe2(pattern: string): string {
  return new Parser(pattern).parse();
}

/**
 * Compiles a Go RE2 pattern for unanchored searching (`regexp.MatchString`): use `.test()`.
 * @throws Re2SyntaxError when Go would reject the pattern.
 */
export function compileRe2(pattern: string): RegExp {
  const source = translateRe2(pattern);
  try {
    return new RegExp(source, "u");
  } catch {
    throw new Re2SyntaxError(`error parsing regexp: unsupported construct: \`${pattern}\``);
  }
}
