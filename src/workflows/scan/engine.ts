/**
 * The matching engine: one case-insensitive pass of a combined keyword regex over the whole text
 * finds candidate lines and the rules they are candidates for; only then does each such rule's
 * regex run, on that line alone (or, for multi-line rules, on a bounded window from that line).
 * Text without any keyword costs one regex scan and nothing else.
 */
import type { Rule } from "./rule.js";
import { isPlaceholder, shannonEntropy } from "./filters.js";

/** A rule set prepared for matching. */
export interface CompiledRules {
  readonly rules: readonly Rule[];
  /** Combined keyword regex (`gi`); null when no rule has keywords. */
  readonly keywordRegex: RegExp | null;
  /** lower-case matched keyword → indexes of the rules it (or a keyword it starts with) selects. */
  readonly rulesByKeyword: ReadonlyMap<string, readonly number[]>;
  /** Rules without keywords: every line is a candidate. */
  readonly alwaysRules: readonly number[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Prepares `rules` (in priority order) for {@link matchText}. */
export function compileRules(rules: readonly Rule[]): CompiledRules {
  const byKw = new Map<string, number[]>();
  const always: number[] = [];
  rules.forEach((r, i) => {
    if (r.keywords.length === 0) always.push(i);
    for (const k of r.keywords) {
      const kw = k.toLowerCase();
      const list = byKw.get(kw) ?? [];
      if (!list.includes(i)) list.push(i);
      byKw.set(kw, list);
    }
  });
  const kws = [...byKw.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  // The alternation takes the first (longest) keyword at a position; a shorter keyword that is a
  // prefix of it must select its rules too.
  const resolved = new Map<string, number[]>();
  for (const k of kws) {
    const set = new Set<number>();
    for (const [other, idx] of byKw) if (k.startsWith(other)) for (const i of idx) set.add(i);
    resolved.set(k, [...set].sort((a, b) => a - b));
  }
  return {
    rules,
    keywordRegex: kws.length === 0 ? null : new RegExp(kws.map(escapeRe).join("|"), "gi"),
    rulesByKeyword: resolved,
    alwaysRules: always,
  };
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
  else if (typeof rule.secretGroup === "string") text = g?.[rule.secretGroup] ?? g?.[`${rule.secretGroup}2`];
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
  const re = compiled.keywordRegex;
  if (re !== null) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    let lineStart = -1;
    let lineEnd = -1;
    while ((m = re.exec(text)) !== null) {
      const at = m.index;
      if (at >= lineEnd) {
        lineStart = text.lastIndexOf("\n", at) + 1;
        lineEnd = text.indexOf("\n", at);
        if (lineEnd === -1) lineEnd = text.length;
      }
      addLine(lineStart, compiled.rulesByKeyword.get(m[0].toLowerCase()) ?? []);
      re.lastIndex = at + 1; // overlapping keywords (`sk-ant-` inside `…sk-ant-…`)
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
        }
        if (!rx.global) break;
      }
    }
    lineMatches.sort((a, b) => a.start - b.start);
    out.push(...lineMatches);
  }
  return out;
}
