/**
 * A YAML writer that lays text out the way go.yaml.in/yaml/v3's emitter does (libyaml as changed by
 * go-yaml), because `sops decrypt` output and sops-encrypted files must match byte for byte.
 *
 * It is an event-driven state machine over a small node model (`YNode`, the parts of yaml.Node
 * sops fills in): the indentation rule, the comment placement (head, line, foot and the "tail" that
 * moves a key's foot comment after its value), the 80-column folding of plain and quoted scalars,
 * block-literal chomping hints and the quoting decisions all follow that emitter's observable
 * behaviour. Only what sops can produce is supported: block collections, `{}`/`[]` for empty
 * ones, plain/single/double/literal scalars and the `!!binary` tag. Internal to the YAML store.
 */
import { plainReadsAsString } from "./_yaml-resolve.js";

export type ScalarStyle = "plain" | "single" | "double" | "literal";

interface Comments {
  head: string;
  line: string;
  foot: string;
}

export interface YScalar extends Comments {
  kind: "scalar";
  value: string;
  style: ScalarStyle;
  /** Explicit tag written before the value (only `!!binary` in practice). */
  tag?: string;
  /** What stringNode worked out, reused by the emitter while `value` is unchanged. */
  analyzed?: Analyzed;
}
interface Analyzed {
  value: string;
  length: number;
  analysis: Analysis;
}
export interface YMap extends Comments {
  kind: "map";
  content: YNode[];
}
export interface YSeq extends Comments {
  kind: "seq";
  content: YNode[];
}
export type YNode = YScalar | YMap | YSeq;

const noComments = (): Comments => ({ head: "", line: "", foot: "" });

// ---------------------------------------------------------------------------------------------
// Scalar analysis (what styles a value allows)

interface Analysis {
  /** Number of code points. */
  length: number;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function isBreakCp(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}
/** libyaml is_printable: note that it rejects every 4-byte UTF-8 character (emoji get escaped). */
function isPrintableCp(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

// Indicator code points (libyaml yaml_emitter_analyze_scalar), as sets for the per-character loop.
const FIRST_INDICATORS: ReadonlySet<number> = new Set(Array.from("#,[]{}&*!|>'\"%@`", (c) => c.charCodeAt(0)));
const FLOW_INDICATORS: ReadonlySet<number> = new Set(Array.from(",?[]{}", (c) => c.charCodeAt(0)));

/** The code points of `s` (faster than Array.from with a callback, which dominated large emits). */
function codePoints(s: string): number[] {
  const out: number[] = new Array<number>(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[n++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    out[n++] = c;
  }
  out.length = n;
  return out;
}

/** Scalars whose code points and analysis stringNode already computed (the emitter needs both again). */
const ANALYZED = new WeakMap<YScalar, { value: string; length: number; analysis: Analysis }>();

const SURROGATE = /[\ud800-\udfff]/;
/** Printable ASCII without space: no whitespace, no line break, nothing to escape (most values). */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** The characters that make a plain scalar unusable in flow context after its first character. */
const FLOW_AFTER_FIRST = /[,?[\]{}:]/g;

/**
 * libyaml yaml_emitter_analyze_scalar. The common case, printable ASCII without whitespace, is
 * answered with two regex scans: in such a string only the first character, a `:` at the end, a
 * `---`/`...` start and the flow indicators can matter (what the general loop below works out).
 */
function analyzeScalar(s: string): Analysis {
  if (s.length === 0) {
    return { length: 0, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  }
  if (VISIBLE_ASCII.test(s)) {
    const n = s.length;
    const first = s.charCodeAt(0);
    let blockInd = false;
    let flowInd = false;
    if (n >= 3 && (s.startsWith("---") || s.startsWith("..."))) {
      blockInd = true;
      flowInd = true;
    }
    if (FIRST_INDICATORS.has(first)) {
      flowInd = true;
      blockInd = true;
    } else if (first === 0x3f || first === 0x3a) {
      flowInd = true;
      if (n === 1) blockInd = true;
    } else if (first === 0x2d && n === 1) {
      flowInd = true;
      blockInd = true;
    }
    if (n > 1 && s.charCodeAt(n - 1) === 0x3a) blockInd = true;
    if (!flowInd) {
      FLOW_AFTER_FIRST.lastIndex = 1;
      flowInd = FLOW_AFTER_FIRST.test(s);
    }
    return { length: n, multiline: false, flowPlain: !flowInd, blockPlain: !blockInd, singleQuoted: true, block: true };
  }
  const cps = SURROGATE.test(s) ? codePoints(s) : null;
  const len = cps === null ? s.length : cps.length;
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  const at = (i: number): number => (cps === null ? s.charCodeAt(i) : (cps[i] as number));
  if (len >= 3) {
    const s3 = String.fromCodePoint(at(0), at(1), at(2));
    if (s3 === "---" || s3 === "...") {
      blockInd = true;
      flowInd = true;
    }
  }
  let precededByWs = true;
  for (let i = 0; i < len; i++) {
    const c = at(i);
    const next = i + 1 < len ? at(i + 1) : -1;
    const followedByWs = next === -1 || next === 0x20 || next === 0x09;
    if (i === 0) {
      if (FIRST_INDICATORS.has(c)) {
        flowInd = true;
        blockInd = true;
      } else if (c === 0x3f || c === 0x3a) {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (c === 0x2d && followedByWs) {
        flowInd = true;
        blockInd = true;
      }
    } else {
      if (FLOW_INDICATORS.has(c)) flowInd = true;
      else if (c === 0x3a) {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (c === 0x23 && precededByWs) {
        flowInd = true;
        blockInd = true;
      }
    }
    if (c === 0x09) tabs = true;
    else if (!isPrintableCp(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === len - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreakCp(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === len - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = c === 0x20 || c === 0x09 || isBreakCp(c) || c === 0;
  }
  const a: Analysis = { length: len, multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || tabs || special) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) a.block = false;
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

/** libyaml select_scalar_style for block context (flow level 0, implicit tags). */
function selectStyle(style: ScalarStyle, a: Analysis, len: number, simpleKey: boolean): ScalarStyle {
  let s = style;
  if (simpleKey && a.multiline) s = "double";
  if (s === "plain") {
    if (!a.blockPlain) s = "single";
    if (len === 0 && simpleKey) s = "single";
  }
  if (s === "single" && !a.singleQuoted) s = "double";
  if (s === "literal" && (!a.block || simpleKey)) s = "double";
  return s;
}

/**
 * The scalar node yaml.v3's Node.Encode makes for a Go string: literal when it has a newline,
 * plain when it reads back as a string, else double-quoted, then narrowed by what the text allows.
 */
export function stringNode(s: string): YScalar {
  // Real sops writes the string "<<" as a merge key (`!!merge <<`), key or value alike.
  if (s === "<<") return { kind: "scalar", value: s, style: "plain", tag: "!!merge", ...noComments() };
  let style: ScalarStyle;
  if (s.includes("\n")) style = "literal";
  else if (plainReadsAsString(s)) style = "plain";
  else style = "double";
  const analysis = analyzeScalar(s);
  const length = analysis.length;
  style = selectStyle(style, analysis, length, false);
  return { kind: "scalar", value: s, style, head: "", line: "", foot: "", analyzed: { value: s, length, analysis } };
}

/**
 * The style the emitter ends up writing a scalar in: as stringNode chooses it for a string
 * (`isString`) or plain for plainNode text, then narrowed as emitScalar narrows it (`simpleKey`
 * for a mapping key). Used by the direct writer (_yaml-emit-fast.ts), so both agree by construction.
 */
export function finalScalarStyle(text: string, isString: boolean, simpleKey: boolean): { style: ScalarStyle; multiline: boolean } {
  const analysis = analyzeScalar(text);
  const length = analysis.length;
  let style: ScalarStyle = "plain";
  if (isString) {
    if (text.includes("\n")) style = "literal";
    else if (!plainReadsAsString(text)) style = "double";
    style = selectStyle(style, analysis, length, false);
  }
  return { style: selectStyle(style, analysis, length, simpleKey), multiline: analysis.multiline };
}

/** A scalar that is always written plain (numbers, booleans, null, timestamps). */
export function plainNode(text: string): YScalar {
  return { kind: "scalar", value: text, style: "plain", ...noComments() };
}

/** Raw bytes that are not UTF-8: `!!binary` with base64 in 70-column lines (encode.go encodeBase64). */
export function binaryNode(bytes: Uint8Array): YScalar {
  const b64 = Buffer.from(bytes).toString("base64");
  let value = b64;
  if (b64.length >= 70) {
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70));
    value = lines.join("\n") + "\n";
  }
  return { kind: "scalar", value, style: value.includes("\n") ? "literal" : "plain", tag: "!!binary", ...noComments() };
}

export function mapNode(): YMap {
  return { kind: "map", content: [], ...noComments() };
}
export function seqNode(): YSeq {
  return { kind: "seq", content: [], ...noComments() };
}

// ---------------------------------------------------------------------------------------------
// Events (encode.go node(): the tail logic moves a key's foot comment past its value)

type Event =
  | { t: "docStart"; head: string }
  | { t: "docEnd"; foot: string }
  | { t: "mapStart"; head: string; tail: string }
  | { t: "mapEnd"; line: string; foot: string; tail: string }
  | { t: "seqStart"; head: string }
  | { t: "seqEnd"; line: string; foot: string }
  | { t: "scalar"; node: YScalar; head: string; line: string; foot: string; tail: string };

function nodeEvents(n: YNode, tail: string, out: Event[]): void {
  if (n.kind === "scalar") {
    out.push({ t: "scalar", node: n, head: n.head, line: n.line, foot: n.foot, tail });
  } else if (n.kind === "seq") {
    out.push({ t: "seqStart", head: n.head });
    for (const c of n.content) nodeEvents(c, "", out);
    out.push({ t: "seqEnd", line: n.line, foot: n.foot });
  } else {
    out.push({ t: "mapStart", head: n.head, tail });
    let t = "";
    for (let i = 0; i + 1 < n.content.length; i += 2) {
      const k = n.content[i] as YNode;
      const v = n.content[i + 1] as YNode;
      const foot = k.foot;
      nodeEvents(foot !== "" ? { ...k, foot: "" } : k, t, out);
      t = foot;
      nodeEvents(v, "", out);
    }
    out.push({ t: "mapEnd", line: n.line, foot: n.foot, tail: t });
  }
}

// ---------------------------------------------------------------------------------------------
// The emitter

type State =
  | "docStart"
  | "docContent"
  | "docEnd"
  | "flowSeqFirst"
  | "flowMapFirst"
  | "blockSeqFirst"
  | "blockSeqItem"
  | "blockMapFirst"
  | "blockMapKey"
  | "blockMapSimpleValue"
  | "blockMapValue";

/**
 * go.yaml.in/yaml/v3 v3.0.4 as used by sops 3.13.2 does not fold long scalars (checked against
 * real sops output: a 110-column plain string stays on one line), so the width is unlimited.
 */
const BEST_WIDTH = 2 ** 31 - 1;

const SPACES: string[] = [];
/** A run of `n` spaces (indentation), made once per width. */
function spaces(n: number): string {
  return (SPACES[n] ??= " ".repeat(n));
}

class Emitter {
  private out: string[] = [];
  private readonly bestIndent: number;
  private state: State = "docStart";
  private states: State[] = [];
  private indent = -1;
  private indents: number[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private footIndent = -1;
  private flowLevel = 0;
  private firstDoc = true;
  private simpleKeyContext = false;

  private head = "";
  private line = "";
  private foot = "";
  private tail = "";
  private keyLine = "";

  private events: Event[] = [];
  private pos = 0;

  // Current scalar.
  private scalarValue = "";
  private scalarLength = 0;
  private cpsCache: number[] | null = null;
  private analysis: Analysis = analyzeScalar("");

  /** The current scalar's code points, made only for the styles that write them one by one. */
  private get scalarCps(): number[] {
    return (this.cpsCache ??= codePoints(this.scalarValue));
  }

  constructor(indent: number) {
    this.bestIndent = indent < 2 || indent > 9 ? 2 : indent;
  }

  run(events: Event[]): string {
    this.events = events;
    for (this.pos = 0; this.pos < events.length; this.pos++) {
      const ev = events[this.pos] as Event;
      this.analyze(ev);
      this.dispatch(ev);
    }
    return this.out.join("");
  }

  // -- low-level writing

  private put(s: string): void {
    this.out.push(s);
    this.column++;
  }
  private putBreak(): void {
    this.out.push("\n");
    this.column = 0;
    this.indention = true;
  }
  private writeCp(c: number): void {
    this.out.push(String.fromCodePoint(c));
    this.column++;
  }
  private writeBreakCp(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
    } else {
      this.writeCp(c);
      this.column = 0;
      this.indention = true;
    }
  }
  private writeIndent(): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.footIndent === indent) this.putBreak();
    if (this.column < indent) {
      this.out.push(spaces(indent - this.column));
      this.column = indent;
    }
    this.whitespace = true;
    this.footIndent = -1;
  }
  private writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(" ");
    // Indicators are ASCII: one column per character.
    this.out.push(ind);
    this.column += ind.length;
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }
  private writeComment(comment: string): void {
    let breaks = false;
    let pound = false;
    for (const ch of comment) {
      const c = ch.codePointAt(0) ?? 0;
      if (isBreakCp(c)) {
        this.writeBreakCp(c);
        breaks = true;
        pound = false;
      } else {
        if (breaks) this.writeIndent();
        if (!pound) {
          if (ch !== "#") {
            this.put("#");
            this.put(" ");
          }
          pound = true;
        }
        this.writeCp(c);
        this.indention = false;
        breaks = false;
      }
    }
    if (!breaks) this.putBreak();
    this.whitespace = true;
  }

  // -- comments

  private processHead(): void {
    if (this.tail !== "") {
      this.writeIndent();
      this.writeComment(this.tail);
      this.tail = "";
      this.footIndent = this.indent < 0 ? 0 : this.indent;
    }
    if (this.head === "") return;
    this.writeIndent();
    this.writeComment(this.head);
    this.head = "";
  }
  private processLine(linebreak = false): void {
    if (this.line === "") {
      if (linebreak) this.putBreak();
      return;
    }
    if (!this.whitespace) this.put(" ");
    this.writeComment(this.line);
    this.line = "";
  }
  private processFoot(): void {
    if (this.foot === "") return;
    this.writeIndent();
    this.writeComment(this.foot);
    this.foot = "";
    this.footIndent = this.indent < 0 ? 0 : this.indent;
  }

  // -- states

  private analyze(ev: Event): void {
    if ("head" in ev && ev.head !== "") this.head = ev.head;
    if ("line" in ev && ev.line !== "") this.line = ev.line;
    if ("foot" in ev && ev.foot !== "") this.foot = ev.foot;
    if ("tail" in ev && ev.tail !== "") this.tail = ev.tail;
    if (ev.t === "scalar") {
      const known = ev.node.analyzed;
      this.scalarValue = ev.node.value;
      this.cpsCache = null;
      if (known !== undefined && known.value === ev.node.value) {
        // Same value as when stringNode analysed it (callers may replace `value` afterwards).
        this.scalarLength = known.length;
        this.analysis = known.analysis;
      } else {
        this.analysis = analyzeScalar(ev.node.value);
        this.scalarLength = this.analysis.length;
      }
    }
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (!indentless) {
      if (this.states[this.states.length - 1] === "blockSeqItem") this.indent += 2;
      else this.indent = this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
    }
  }
  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }
  private popState(): void {
    this.state = this.states.pop() ?? "docStart";
  }

  private dispatch(ev: Event): void {
    switch (this.state) {
      case "docStart":
        return this.docStart(ev);
      case "docContent":
        return this.docContent(ev);
      case "docEnd":
        return this.docEnd(ev);
      case "flowSeqFirst":
        return this.flowEnd(ev, "[", "]", "seqEnd");
      case "flowMapFirst":
        return this.flowEnd(ev, "{", "}", "mapEnd");
      case "blockSeqFirst":
        return this.blockSeqItem(ev, true);
      case "blockSeqItem":
        return this.blockSeqItem(ev, false);
      case "blockMapFirst":
        return this.blockMapKey(ev, true);
      case "blockMapKey":
        return this.blockMapKey(ev, false);
      case "blockMapSimpleValue":
        return this.blockMapValue(ev, true);
      case "blockMapValue":
        return this.blockMapValue(ev, false);
    }
  }

  private docStart(ev: Event): void {
    if (ev.t !== "docStart") throw new Error("yaml emitter: expected document start");
    if (!this.firstDoc) {
      this.writeIndent();
      this.writeIndicator("---", true, false, false);
      this.writeIndent();
    }
    this.firstDoc = false;
    if (this.head !== "") {
      this.processHead();
      this.putBreak();
    }
    this.state = "docContent";
  }

  private docContent(ev: Event): void {
    this.states.push("docEnd");
    this.processHead();
    this.emitNode(ev, false);
    this.processLine();
    this.processFoot();
  }

  private docEnd(ev: Event): void {
    if (ev.t !== "docEnd") throw new Error("yaml emitter: expected document end");
    this.footIndent = 0;
    this.processFoot();
    this.footIndent = -1;
    this.writeIndent();
    this.state = "docStart";
  }

  /** Only empty flow collections are ever written: the start indicator was written already. */
  private flowEnd(ev: Event, _open: string, close: string, endType: Event["t"]): void {
    if (ev.t !== endType) throw new Error("yaml emitter: flow collections must be empty");
    this.flowLevel--;
    this.popIndent();
    if (this.column === 0) this.writeIndent();
    this.writeIndicator(close, false, false, false);
    this.processLine();
    this.processFoot();
    this.popState();
  }

  private blockSeqItem(ev: Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (ev.t === "seqEnd") {
      this.popIndent();
      this.popState();
      return;
    }
    this.processHead();
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push("blockSeqItem");
    this.emitNode(ev, false);
    this.processLine();
    this.processFoot();
  }

  private blockMapKey(ev: Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    this.processHead();
    if (ev.t === "mapEnd") {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.line !== "") {
      this.keyLine = this.line;
      this.line = "";
    }
    if (this.checkSimpleKey(ev)) {
      this.states.push("blockMapSimpleValue");
      this.emitNode(ev, true);
      return;
    }
    this.writeIndicator("?", true, false, true);
    this.states.push("blockMapValue");
    this.emitNode(ev, false);
  }

  private blockMapValue(ev: Event, simple: boolean): void {
    if (simple) {
      this.writeIndicator(":", false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(":", true, false, true);
    }
    if (this.keyLine !== "") {
      if (ev.t === "scalar") {
        if (this.line === "") {
          this.line = this.keyLine;
          this.keyLine = "";
        }
      } else if (ev.t === "mapStart" || ev.t === "seqStart") {
        [this.line, this.keyLine] = [this.keyLine, this.line];
        this.processLine();
        [this.line, this.keyLine] = [this.keyLine, this.line];
      }
    }
    this.states.push("blockMapKey");
    this.emitNode(ev, false);
    this.processLine();
    this.processFoot();
  }

  private checkSimpleKey(ev: Event): boolean {
    const next = this.events[this.pos + 1];
    if (ev.t === "scalar") {
      if (this.analysis.multiline) return false;
      const tagLen = ev.node.tag !== undefined ? ev.node.tag.length : 0;
      return tagLen + Buffer.byteLength(ev.node.value, "utf8") <= 128;
    }
    if (ev.t === "seqStart") return next?.t === "seqEnd";
    if (ev.t === "mapStart") return next?.t === "mapEnd";
    return false;
  }

  private emitNode(ev: Event, simpleKey: boolean): void {
    this.simpleKeyContext = simpleKey;
    const next = this.events[this.pos + 1];
    switch (ev.t) {
      case "scalar":
        return this.emitScalar(ev.node);
      case "seqStart":
        if (this.flowLevel > 0 || next?.t === "seqEnd") {
          this.writeIndicator("[", true, true, false);
          this.increaseIndent(true, false);
          this.flowLevel++;
          this.state = "flowSeqFirst";
        } else {
          this.state = "blockSeqFirst";
        }
        return;
      case "mapStart":
        if (this.flowLevel > 0 || next?.t === "mapEnd") {
          this.writeIndicator("{", true, true, false);
          this.increaseIndent(true, false);
          this.flowLevel++;
          this.state = "flowMapFirst";
        } else {
          this.state = "blockMapFirst";
        }
        return;
      default:
        throw new Error(`yaml emitter: unexpected ${ev.t}`);
    }
  }

  private emitScalar(node: YScalar): void {
    const style = selectStyle(node.style, this.analysis, this.scalarLength, this.simpleKeyContext);
    if (node.tag !== undefined) {
      if (!this.whitespace) this.put(" ");
      for (const ch of node.tag) this.put(ch);
      this.whitespace = false;
      this.indention = false;
    }
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    switch (style) {
      case "plain":
        this.writePlain(allowBreaks);
        break;
      case "single":
        this.writeSingle(allowBreaks);
        break;
      case "double":
        this.writeDouble(allowBreaks);
        break;
      case "literal":
        this.writeLiteral();
        break;
    }
    this.popIndent();
    this.popState();
  }

  private writePlain(allowBreaks: boolean): void {
    const n = this.scalarLength;
    if (n > 0 && !this.whitespace) this.put(" ");
    if (!this.analysis.multiline && (!allowBreaks || this.column + n <= BEST_WIDTH)) {
      // No line break and no folding possible: the loop below would write every code point as is.
      this.out.push(this.scalarValue);
      this.column += n;
      if (n > 0) this.whitespace = false;
      this.indention = false;
      return;
    }
    const v = this.scalarCps;
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] ?? 0;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && v[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (v.length > 0) this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(allowBreaks: boolean): void {
    const v = this.scalarCps;
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] ?? 0;
      if (c === 0x20) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < v.length - 1 &&
          v[i + 1] !== 0x20
        ) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(allowBreaks: boolean): void {
    const v = this.scalarCps;
    const bom = v[0] === 0xfeff;
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] ?? 0;
      if (!isPrintableCp(c) || bom || isBreakCp(c) || c === 0x22 || c === 0x5c) {
        this.put("\\");
        const simple: Record<number, string> = {
          0x00: "0",
          0x07: "a",
          0x08: "b",
          0x09: "t",
          0x0a: "n",
          0x0b: "v",
          0x0c: "f",
          0x0d: "r",
          0x1b: "e",
          0x22: '"',
          0x5c: "\\",
          0x85: "N",
          0xa0: "_",
          0x2028: "L",
          0x2029: "P",
        };
        const esc = simple[c];
        if (esc !== undefined) {
          this.put(esc);
        } else {
          const [letter, width] = c <= 0xff ? ["x", 2] : c <= 0xffff ? ["u", 4] : ["U", 8];
          this.put(letter);
          for (const d of c.toString(16).toUpperCase().padStart(width, "0")) this.put(d);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < v.length - 1) {
          this.writeIndent();
          if (v[i + 1] === 0x20) this.put("\\");
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else {
        this.writeCp(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(): void {
    const v = this.scalarCps;
    this.writeIndicator("|", true, false, false);
    // Block scalar hints: an indentation digit when the text starts with a space or a break,
    // then the chomping indicator.
    const first = v[0] ?? 0;
    if (first === 0x20 || isBreakCp(first)) this.writeIndicator(String(this.bestIndent), false, false, false);
    let chomp = "";
    if (v.length === 0) chomp = "-";
    else {
      const last = v[v.length - 1] ?? 0;
      if (!isBreakCp(last)) chomp = "-";
      else if (v.length === 1) chomp = "+";
      else if (isBreakCp(v[v.length - 2] ?? 0)) chomp = "+";
    }
    if (chomp !== "") this.writeIndicator(chomp, false, false, false);
    this.processLine(true);
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreakCp(c)) {
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeCp(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** Writes documents (each root node one document, `---` between them) as yaml.v3's Encoder does. */
export function emitDocuments(roots: readonly YNode[], indent: number): string {
  const events: Event[] = [];
  for (const r of roots) {
    events.push({ t: "docStart", head: "" });
    nodeEvents(r, "", events);
    events.push({ t: "docEnd", foot: "" });
  }
  return new Emitter(indent).run(events);
}
