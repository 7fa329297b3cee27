/**
 * A direct Tree → text writer for the common shape of YAML that sops writes: one document, block
 * mappings and sequences, empty `{}`/`[]`, single-line scalars (plain, single-quoted, double-quoted
 * without escapes), literal block scalars, and comments only before the first key of the document.
 *
 * It keeps the emitter's state (column, whitespace, indention) and its indentation rule, and asks
 * _yaml-emit.ts which style each scalar gets, so its bytes are the emitter's bytes; it only skips
 * the node model, the event list and the per-event state machine, which dominated large emits.
 *
 * Contract: it returns exactly what emitDocuments would, or null when the input is outside that
 * subset (then the caller runs the full emitter). test/unit/stores/yaml-emit-fast.test.ts checks
 * this differentially. Internal to the YAML store.
 */
import { Comment, isList, isMap, Timestamp, type TreeList, type TreeMap, type Value } from "../tree/index.js";
import { finalScalarStyle, type ScalarStyle } from "./_yaml-emit.js";
import { yamlFloatText } from "./_yaml-resolve.js";

/** Thrown internally to give up; caught in fastEmitYaml. */
class Bail {}
const BAIL = new Bail();
function bail(): never {
  throw BAIL;
}

/** The characters libyaml treats as line breaks. */
const BREAKS = /[\r\n\x85\u2028\u2029]/;
/** Breaks other than `\n` (they change how a literal block is written: left to the full emitter). */
const ODD_BREAKS = /[\r\x85\u2028\u2029]/;
/** Text a double-quoted scalar holds without any escape. */
const UNESCAPED_DOUBLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const SPACES: string[] = [];
function spaces(n: number): string {
  return (SPACES[n] ??= " ".repeat(n));
}

class Writer {
  private readonly parts: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private readonly best: number;
  /** Keys repeat (every service has a `name`): each distinct key is analysed once. */
  private readonly keyStyles = new Map<string, ScalarStyle>();

  constructor(indent: number) {
    this.best = indent < 2 || indent > 9 ? 2 : indent;
  }

  text(): string {
    return this.parts.join("");
  }

  /** Emitter.increaseIndent for a block collection or scalar at `indent`, inside a sequence item or not. */
  private childIndent(indent: number, seqItem: boolean): number {
    if (indent < 0) return 0;
    if (seqItem) return indent + 2;
    return this.best * Math.floor((indent + this.best) / this.best);
  }

  private putBreak(): void {
    this.parts.push("\n");
    this.column = 0;
    this.indention = true;
  }

  private writeIndent(indent: number): void {
    const ind = indent < 0 ? 0 : indent;
    if (!this.indention || this.column > ind || (this.column === ind && !this.whitespace)) this.putBreak();
    if (this.column < ind) {
      this.parts.push(spaces(ind - this.column));
      this.column = ind;
    }
    this.whitespace = true;
  }

  private writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) {
      this.parts.push(" ");
      this.column++;
    }
    this.parts.push(ind);
    this.column += ind.length;
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }

  /** The comment lines before the document's first key (Emitter.processHead + writeComment). */
  head(lines: readonly string[]): void {
    for (const l of lines) {
      if (BREAKS.test(l)) bail();
      this.writeIndent(0);
      this.parts.push("#", l, "\n");
      this.column = 0;
      this.indention = true;
    }
    this.whitespace = true;
  }

  map(m: TreeMap, parentIndent: number, seqItem: boolean, skipHead: boolean): void {
    const items = m.items;
    let i = 0;
    if (skipHead) while (i < items.length && items[i] instanceof Comment) i++;
    if (items.length === 0) {
      this.writeIndicator("{", true, true, false);
      this.writeIndicator("}", false, false, false);
      return;
    }
    const indent = this.childIndent(parentIndent, seqItem);
    for (; i < items.length; i++) {
      const it = items[i];
      if (it instanceof Comment || it === undefined) return bail();
      this.writeIndent(indent);
      const key = it.key;
      if (key === "<<") bail();
      let style = this.keyStyles.get(key);
      if (style === undefined) {
        const f = finalScalarStyle(key, true, true);
        // A multi-line or long key is a complex key (`? `); UTF-8 takes at most 3 bytes per UTF-16 unit.
        if (f.multiline || (key.length > 42 && Buffer.byteLength(key, "utf8") > 128)) bail();
        style = f.style;
        this.keyStyles.set(key, style);
      }
      this.scalar(key, style);
      this.writeIndicator(":", false, false, false);
      this.value(it.value, indent, false);
    }
  }

  private list(l: TreeList, parentIndent: number, seqItem: boolean): void {
    const items = l.items;
    if (items.length === 0) {
      this.writeIndicator("[", true, true, false);
      this.writeIndicator("]", false, false, false);
      return;
    }
    const indent = this.childIndent(parentIndent, seqItem);
    for (const it of items) {
      if (it instanceof Comment) bail();
      this.writeIndent(indent);
      this.writeIndicator("-", true, false, true);
      this.value(it, indent, true);
    }
  }

  private value(v: Value, indent: number, seqItem: boolean): void {
    let text: string;
    let isString = false;
    if (v === null) text = "null";
    else if (typeof v === "string") {
      if (v === "<<") bail();
      text = v;
      isString = true;
    } else if (typeof v === "bigint") text = v.toString();
    else if (typeof v === "number") text = yamlFloatText(v);
    else if (typeof v === "boolean") text = v ? "true" : "false";
    else if (v instanceof Timestamp) text = v.text;
    else if (isMap(v)) return this.map(v, indent, seqItem, false);
    else if (isList(v)) return this.list(v, indent, seqItem);
    else return bail(); // raw bytes
    const { style } = finalScalarStyle(text, isString, false);
    if (style === "literal") this.literal(text, this.childIndent(indent, seqItem));
    else this.scalar(text, style);
  }

  /** A one-line scalar (Emitter.writePlain/writeSingle/writeDouble without breaks or escapes). */
  private scalar(text: string, style: ScalarStyle): void {
    switch (style) {
      case "plain":
        if (text.length > 0) {
          if (!this.whitespace) {
            this.parts.push(" ");
            this.column++;
          }
          this.whitespace = false;
        }
        this.parts.push(text);
        this.column += text.length;
        this.indention = false;
        return;
      case "single":
        if (BREAKS.test(text)) bail();
        this.writeIndicator("'", true, false, false);
        this.parts.push(text.includes("'") ? text.replaceAll("'", "''") : text);
        this.column += text.length;
        this.writeIndicator("'", false, false, false);
        this.whitespace = false;
        this.indention = false;
        return;
      case "double":
        if (!UNESCAPED_DOUBLE.test(text)) bail();
        this.writeIndicator('"', true, false, false);
        this.parts.push(text);
        this.column += text.length;
        this.writeIndicator('"', false, false, false);
        this.whitespace = false;
        this.indention = false;
        return;
      case "literal":
        return bail();
    }
  }

  /** Emitter.writeLiteral for text whose only breaks are `\n`; `indent` is the block's indentation. */
  private literal(text: string, indent: number): void {
    if (ODD_BREAKS.test(text)) bail();
    this.writeIndicator("|", true, false, false);
    const first = text.charCodeAt(0);
    if (first === 0x20 || first === 0x0a) this.writeIndicator(String(this.best), false, false, false);
    let chomp = "";
    if (!text.endsWith("\n")) chomp = "-";
    else if (text.length === 1 || text.endsWith("\n\n")) chomp = "+";
    if (chomp !== "") this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.whitespace = true;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line !== "") {
        this.writeIndent(indent);
        this.parts.push(line);
        this.column += line.length;
        this.indention = false;
      }
      if (i < lines.length - 1) this.putBreak();
    }
  }

  /** Emitter.docEnd: the final line break. */
  end(): void {
    this.writeIndent(0);
  }
}

/**
 * Writes one document as emitDocuments([branchNode(root)], indent) would, or returns null when the
 * document is outside the subset this writer handles.
 */
export function fastEmitYaml(root: TreeMap, indent: number): string | null {
  const items = root.items;
  const head: string[] = [];
  let k = 0;
  for (; k < items.length; k++) {
    const it = items[k];
    if (!(it instanceof Comment)) break;
    if (it.inline) return null;
    head.push(it.text);
  }
  if (k === items.length) return null; // no key: the full emitter places the comments
  const w = new Writer(indent);
  try {
    if (head.length > 0) w.head(head);
    w.map(root, -1, false, true);
    w.end();
    return w.text();
  } catch (err) {
    if (err === BAIL) return null;
    throw err;
  }
}
