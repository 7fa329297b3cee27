/**
 * The matching engine: one case-insensitive pass of a combined keyword regex over the whole text
 * finds candidate lines and the rules they are candidates for; only then does each such rule's
 * regex run, on that line alone (or, for multi-line rules, on a bounded window from that line).
 * Text without any keyword costs one regex scan and nothing else.
 */
import type { Rule } from "./rule.js";
import { isPlaceholder, looksSynthetic, shannonEntropy } from "./filters.js";

/** A rule set prepared for matching. */
export interface CompiledRules {
  readonly rules: readonly Rule[];
  /** The keyword automaton (null when no rule has keywords). */
  readonly keywords: KeywordAutomaton | null;
  /** Rules without keywords: every line is a candidate. */
  readonly alwaysRules: readonly number[];
}

/**
 * An Aho–Corasick automaton over the lower-cased keywords, as a dense DFA on 256 columns: one table
 * lookup per character (UTF-16 code units are folded to their low byte: a fold can only add
 * candidates, which the rule regexes then reject, never hide a keyword, since keywords are ASCII).
 * Measured 2–3× faster than one combined case-insensitive RegExp alternation of the same keywords.
 */
export interface KeywordAutomaton {
  /** next state = dfa[state * 256 + byte] */
  readonly dfa: Int32Array;
  /** For each state, an index into `ruleSets` of the rules whose keyword ends here, or -1. */
  readonly out: Int32Array;
  readonly ruleSets: readonly (readonly number[])[];
}

function buildAutomaton(byKw: ReadonlyMap<string, readonly number[]>): KeywordAutomaton {
  const goto: Int32Array[] = [new Int32Array(128).fill(-1)];
  const outs: Array<Set<number>> = [new Set()];
  for (const [kw, rules] of byKw) {
    let st = 0;
    for (let i = 0; i < kw.length; i++) {
      const c = kw.charCodeAt(i) & 0x7f;
      const row = goto[st] as Int32Array;
      if (row[c] === -1) {
        row[c] = goto.length;
        goto.push(new Int32Array(128).fill(-1));
        outs.push(new Set());
      }
      st = row[c] as number;
    }
    for (const r of rules) (outs[st] as Set<number>).add(r);
  }
  const n = goto.length;
  const fail = new Int32Array(n);
  const d128 = new Int32Array(n * 128);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const t = (goto[0] as Int32Array)[c] as number;
    if (t === -1) d128[c] = 0;
    else {
      d128[c] = t;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const st = queue[qi] as number;
    for (const r of outs[fail[st] as number] as Set<number>) (outs[st] as Set<number>).add(r);
    for (let c = 0; c < 128; c++) {
      const t = (goto[st] as Int32Array)[c] as number;
      const viaFail = d128[(fail[st] as number) * 128 + c] as number;
      if (t === -1) d128[st * 128 + c] = viaFail;
      else {
        fail[t] = viaFail;
        d128[st * 128 + c] = t;
        queue.push(t);
      }
    }
  }
  const dfa = new Int32Array(n * 256);
  for (let st = 0; st < n; st++) {
    for (let c = 0; c < 256; c++) {
      const lc = c >= 65 && c <= 90 ? c + 32 : c;
      dfa[st * 256 + c] = lc >= 128 ? 0 : (d128[st * 128 + lc] as number);
    }
  }
  const ruleSets: number[][] = [];
  const key = new Map<string, number>();
  const out = new Int32Array(n).fill(-1);
  for (let st = 0; st < n; st++) {
    const set = outs[st] as Set<number>;
    if (set.size === 0) continue;
    const sorted = [...set].sort((a, b) => a - b);
    const k = sorted.join(",");
    let idx = key.get(k);
    if (idx === undefined) {
      idx = ruleSets.length;
      ruleSets.push(sorted);
      key.set(k, idx);
    }
    out[st] = idx;
  }
  return { dfa, out, ruleSets };
}

/** Prepares `rules` (in priority order) for {@link matchText}. */
export function compileRules(rules: readonly Rule[]): CompiledRules {
  const byKw = new Map<string, number[]>();
  const always: number[] = [];
  rules.forEach((r, i) => {
    if (r.keywords.length === 0) always.push(i);
    for (const k of r.keywords) {
      const kw = k.toLowerCase();
      if (kw === "") continue;
      const list = byKw.get(kw) ?? [];
      if (!list.includes(i)) list.push(i);
      byKw.set(kw, list);
    }
  });
  return { rules, keywords: byKw.size === 0 ? null : buildAutomaton(byKw), alwaysRules: always };
}

/** One raw match, before allowlists and baseline. Offsets are into the scanned text. */
export interface RawMatch {
  rule: Rule;
  /** Offset of the secret's first character. */
  start: number;
  /** Offset just past the secret (may be on a later line for multi-line rules). */
  end: number;
  secret: string;
}

const MULTILINE_WINDOW = 16384;

/** The secret of a match: the rule's group, else `secret`/`secret2`, else group 1, else the whole match. */
function secretOf(rule: Rule, m: RegExpExecArray): { text: string; offset: number } | null {
  const g = m.groups;
  let text: string | undefined;
  if (typeof rule.secretGroup === "number") text = m[rule.secretGroup];
  else if (typeof rule.secretGroup === "string") text = g?.[rule.secretGroup] ?? g?.[`${rule.secretGroup}2`] ?? g?.[`${rule.secretGroup}3`];
  else if (g !== undefined && ("secret" in g || "secret2" in g)) text = g["secret"] ?? g["secret2"];
  else text = m.length > 1 ? m[1] : m[0];
  if (text === undefined || text === "") return null;
  // the secret's offset inside the match: the last occurrence that still ends inside it (groups come late)
  const rel = m[0].lastIndexOf(text);
  return { text, offset: m.index + (rel < 0 ? 0 : rel) };
}

/** Value filters of a rule: entropy, placeholders, validator. */
function accepted(rule: Rule, secret: string, m: RegExpExecArray, stopwords: readonly string[]): boolean {
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
  if (rule.placeholders === true && isPlaceholder(secret, stopwords)) return false;
  // provider formats are random: a made-up looking value is a test value (generic passwords are not random)
  if (rule.placeholders !== true && rule.checksummed !== true && rule.multiline !== true && looksSynthetic(secret)) return false;
  if (rule.validate !== undefined && !rule.validate(secret, m)) return false;
  return true;
}

/**
 * Runs the compiled rules over `text`. When two matches overlap on a line, the one from the earlier
 * rule is kept. Matches are returned in text order.
 */
export function matchText(text: string, compiled: CompiledRules, stopwords: readonly string[] = []): RawMatch[] {
  // candidate line start → bitset of rule indexes (as a Set; few per line)
  const candidates = new Map<number, Set<number>>();
  const addLine = (lineStart: number, rules: readonly number[]): void => {
    let set = candidates.get(lineStart);
    if (set === undefined) candidates.set(lineStart, (set = new Set()));
    for (const r of rules) set.add(r);
  };
  const ac = compiled.keywords;
  if (ac !== null) {
    const { dfa, out, ruleSets } = ac;
    let st = 0;
    let lineStart = -1;
    let lineEnd = -1;
    let lastSet = -1;
    for (let i = 0, n = text.length; i < n; i++) {
      st = dfa[(st << 8) | (text.charCodeAt(i) & 0xff)] as number;
      const o = out[st] as number;
      if (o === -1) continue;
      if (i >= lineEnd) {
        lineStart = text.lastIndexOf("\n", i) + 1;
        lineEnd = text.indexOf("\n", i);
        if (lineEnd === -1) lineEnd = text.length;
        lastSet = -1;
      }
      if (o === lastSet) continue; // the same rules again on this line
      lastSet = o;
      addLine(lineStart, ruleSets[o] as number[]);
    }
  }
  if (compiled.alwaysRules.length > 0) {
    let s = 0;
    while (s <= text.length) {
      addLine(s, compiled.alwaysRules);
      const n = text.indexOf("\n", s);
      if (n === -1) break;
      s = n + 1;
    }
  }
  const out: RawMatch[] = [];
  const starts = [...candidates.keys()].sort((a, b) => a - b);
  for (const lineStart of starts) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const lineMatches: RawMatch[] = [];
    const ruleIdx = [...(candidates.get(lineStart) as Set<number>)].sort((a, b) => a - b);
    for (const ri of ruleIdx) {
      const rule = compiled.rules[ri] as Rule;
      const rx = rule.regex;
      const subject = rule.multiline === true ? text.slice(lineStart, Math.min(text.length, lineStart + MULTILINE_WINDOW)) : line;
      rx.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = rx.exec(subject)) !== null) {
        if (m[0] === "") {
          rx.lastIndex++;
          continue;
        }
        if (rule.multiline === true && m.index >= line.length) break;
        const s = secretOf(rule, m);
        if (s !== null && accepted(rule, s.text, m, stopwords)) {
          const start = lineStart + s.offset;
          const end = start + s.text.length;
          if (!lineMatches.some((o) => start < o.end && o.start < end)) lineMatches.push({ rule, start, end, secret: s.text });
        } else if (rx.global) {
          // a rejected candidate may hide another that starts inside it ("Token-> DemoToken: value")
          rx.lastIndex = m.index + 1;
        }
        if (!rx.global) break;
      }
    }
    lineMatches.sort((a, b) => a.start - b.start);
    out.push(...lineMatches);
  }
  return out;
}
