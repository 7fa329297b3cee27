/**
 * The INI store (sops stores/ini/store.go over gopkg.in/ini.v1 v1.67.3 with AllowNonUniqueSections
 * and otherwise default options). The parser and the pretty printer below reproduce go-ini's rules:
 *
 * Reading: lines are left-trimmed; `#`/`;` lines are comments collected for the next key or
 * section; `[name]` opens a section (a repeated name makes another section); a key ends at the
 * first `=` or `:` (or is quoted with `"`, `"""` or backticks); a value may be `"""…"""` or
 * backtick-quoted (possibly over several lines), continued with a trailing `\`, cut at the first
 * `#`/`;` (the rest becomes the key's comment), and loses one pair of surrounding `"` or `'`.
 * Keys before any header belong to `DEFAULT`, which is always the first section of the tree.
 * A repeated key in a section keeps its first position and takes the last value.
 *
 * Tree: one mapping per section; every value a string. A section's comment is its first item, a
 * key's comment (the lines above it, plus any inline comment) the item right after the key, with
 * the leading `; ` / `# ` characters removed.
 *
 * Writing: sections in order, `[name]` except for a first `DEFAULT` section (left out entirely when
 * empty); `key = value` with keys padded to the longest key of the section; comments above their
 * key as `; text`; values quoted with `"""` (newline or backtick), backticks (`#` or `;`) or `"`
 * (surrounding spaces); a blank line between sections.
 *
 * The metadata is a final `[sops]` section, flattened (no prefix), with newlines in string values
 * written as the two characters `\n` (3.13.2); reading accepts both that and real newlines inside
 * `"""…"""` (3.13.0/3.13.1).
 */
import { HushError } from "../errors.js";
import { Comment, isList, isMap, Timestamp, treeMap } from "../tree/index.js";
import type { MapItem, TreeMap, Value } from "../tree/index.js";
import { formatFloatG, valToString } from "../tree/go-format.js";
import { encodeGoJsonCompact, goUtf8Decode } from "./_json-codec.js";
import { flatten, unflatten } from "./flatten.js";
import { extractSopsEntry, withSopsEntry } from "./json.js";
import type { EmitOptions, EncryptedDocument, LoadOptions, Store } from "./store.js";

const enc = new TextEncoder();
const DEFAULT_SECTION = "DEFAULT";
// Go unicode.IsSpace.
const SP = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEFT_SPACE = new RegExp(`^[${SP}]+`);
const RIGHT_SPACE = new RegExp(`[${SP}]+$`);

function trimLeft(s: string): string {
  return s.replace(LEFT_SPACE, "");
}
/** Go strings.TrimSpace. */
function trimSpace(s: string): string {
  return s.replace(LEFT_SPACE, "").replace(RIGHT_SPACE, "");
}
function indexAny(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i] as string)) return i;
  return -1;
}
function byteLen(s: string): number {
  return enc.encode(s).length;
}

interface IniKey {
  name: string;
  value: string;
  comment: string;
}
interface IniSection {
  name: string;
  comment: string;
  keys: IniKey[];
}

function newKey(sec: IniSection, name: string, value: string): IniKey {
  const existing = sec.keys.find((k) => k.name === name);
  if (existing !== undefined) {
    existing.value = value;
    return existing;
  }
  const k: IniKey = { name, value, comment: "" };
  sec.keys.push(k);
  return k;
}

/** go-ini's line reader: each line keeps its `\n`; `eof` turns true on the last, unterminated one. */
class Lines {
  private readonly text: string;
  private pos = 0;
  eof = false;
  lineNo = 0;
  constructor(text: string) {
    this.text = text;
  }
  read(): string {
    this.lineNo++;
    const nl = this.text.indexOf("\n", this.pos);
    if (nl === -1) {
      const rest = this.text.slice(this.pos);
      this.pos = this.text.length;
      this.eof = true;
      return rest;
    }
    const line = this.text.slice(this.pos, nl + 1);
    this.pos = nl + 1;
    return line;
  }
}

class IniParser {
  readonly lines: Lines;
  readonly file: string | undefined;
  comment = "";
  constructor(text: string, file: string | undefined) {
    this.lines = new Lines(text);
    this.file = file;
  }

  fail(what: string, line = this.lines.lineNo): never {
    throw new HushError("PARSE", `could not unmarshal input data: line ${line}: ${what}`, { file: this.file, line });
  }

  parse(): IniSection[] {
    const sections: IniSection[] = [];
    let section: IniSection = { name: DEFAULT_SECTION, comment: "", keys: [] };
    sections.push(section);
    let count = 1;
    while (!this.lines.eof) {
      const line = trimLeft(this.lines.read());
      if (line.length === 0) continue;
      const first = line[0];
      if (first === "#" || first === ";") {
        this.comment += line;
        continue;
      }
      if (first === "[") {
        const close = line.lastIndexOf("]");
        if (close === -1) this.fail("unclosed section");
        const name = line.slice(1, close);
        if (name.length === 0) this.fail("empty section name");
        section = { name, comment: "", keys: [] };
        sections.push(section);
        const c = indexAny(line.slice(close + 1), "#;");
        if (c !== -1) this.comment += line.slice(close + 1 + c);
        section.comment = trimSpace(this.comment);
        this.comment = "";
        count = 1;
        continue;
      }
      const lineNo = this.lines.lineNo;
      const [rawName, offset] = this.readKeyName(line);
      let name = rawName;
      if (name === "-") name = "#" + String(count++);
      const value = this.readValue(line.slice(offset), lineNo);
      if (name.length === 0) this.fail("error creating new key: empty key name", lineNo);
      const key = newKey(section, name, value);
      key.comment = trimSpace(this.comment);
      this.comment = "";
    }
    return sections;
  }

  readKeyName(line: string): [string, number] {
    let quote = "";
    if (line[0] === '"') quote = line.length > 6 && line.startsWith('"""') ? '"""' : '"';
    else if (line[0] === "`") quote = "`";
    if (quote !== "") {
      const start = quote.length;
      const pos = line.indexOf(quote, start);
      if (pos === -1) this.fail("missing closing key quote");
      const i = indexAny(line.slice(pos + start), "=:");
      if (i < 0) this.fail("key-value delimiter not found");
      const end = pos + i;
      return [trimSpace(line.slice(start, pos)), end + start + 1];
    }
    const end = indexAny(line, "=:");
    if (end < 0) this.fail("key-value delimiter not found");
    if (end === 0) this.fail("empty key name");
    return [trimSpace(line.slice(0, end)), end + 1];
  }

  readValue(input: string, lineNo: number): string {
    let line = trimLeft(input);
    if (line.length === 0) return "";
    let quote = "";
    if (line.length > 3 && line.startsWith('"""')) quote = '"""';
    else if (line[0] === "`") quote = "`";
    if (quote !== "") {
      const start = quote.length;
      const pos = line.slice(start).lastIndexOf(quote);
      if (pos === -1) return this.readMultilines(line.slice(start), quote, lineNo);
      return line.slice(start, start + pos);
    }
    line = trimSpace(line);
    if (line.endsWith("\\")) return this.readContinuation(line.slice(0, -1));
    const c = indexAny(line, "#;");
    if (c > -1) {
      this.comment += line.slice(c);
      line = trimSpace(line.slice(0, c));
    }
    if (surrounded(line, "'") || surrounded(line, '"')) line = line.slice(1, -1);
    return line;
  }

  readMultilines(start: string, quote: string, lineNo: number): string {
    let val = start;
    for (;;) {
      const next = this.lines.read();
      const pos = next.lastIndexOf(quote);
      if (pos > -1) {
        // go-ini 1.67.3: a closing quote followed by a `\` continues the value.
        const rest = next.slice(pos + quote.length).replace(/[\r\n]+$/, "");
        if (trimSpace(rest).endsWith("\\")) {
          val += next;
          continue;
        }
        val += next.slice(0, pos);
        const c = indexAny(next.slice(pos), "#;");
        if (c !== -1) this.comment += trimSpace(next.slice(pos + c));
        return val;
      }
      val += next;
      if (this.lines.eof) this.fail(`missing closing quote of the value that starts on line ${lineNo}`);
    }
  }

  readContinuation(start: string): string {
    let val = start;
    for (;;) {
      const next = trimSpace(this.lines.read());
      if (next.length === 0) break;
      val += next;
      if (!val.endsWith("\\")) break;
      val = val.slice(0, -1);
    }
    return val;
  }
}

function surrounded(s: string, q: string): boolean {
  return s.length >= 2 && s[0] === q && s[s.length - 1] === q && s.indexOf(q, 1) === s.length - 1;
}

function stripCommentChar(c: string): string {
  if (c.startsWith(";")) return c.replace(/^[; ]+/, "");
  if (c.startsWith("#")) return c.replace(/^[# ]+/, "");
  return c;
}

function decodeText(bytes: Uint8Array): string {
  let start = 0;
  const [a, b, c] = [bytes[0], bytes[1], bytes[2]];
  if ((a === 0xfe && b === 0xff) || (a === 0xff && b === 0xfe)) start = 2;
  else if (a === 0xef && b === 0xbb && c === 0xbf) start = 3;
  return goUtf8Decode(bytes, start);
}

function loadPlain(bytes: Uint8Array, opts: LoadOptions = {}): TreeMap[] {
  const sections = new IniParser(decodeText(bytes), opts.file).parse();
  const items: MapItem[] = sections.map((s) => {
    const sec: MapItem[] = [];
    if (s.comment !== "") sec.push(new Comment(stripCommentChar(s.comment)));
    for (const k of s.keys) {
      sec.push({ key: k.name, value: k.value });
      if (k.comment !== "") sec.push(new Comment(stripCommentChar(k.comment)));
    }
    return { key: s.name, value: treeMap(sec) };
  });
  return [treeMap(items)];
}

function loadEncrypted(bytes: Uint8Array, opts: LoadOptions = {}): EncryptedDocument {
  const [branch] = loadPlain(bytes, opts);
  const { data, metadata } = extractSopsEntry(branch as TreeMap, opts.file);
  const unescaped = treeMap(
    metadata.items.map((it) =>
      it instanceof Comment || typeof it.value !== "string" ? it : { key: it.key, value: it.value.replaceAll("\\n", "\n") },
    ),
  );
  try {
    return { branches: [data], metadata: unflatten(unescaped) };
  } catch (e) {
    throw e instanceof HushError ? e.withFile(opts.file) : e;
  }
}

/** Go `%v` of a value nested inside an INI value (only reachable when converting from YAML/JSON). */
function goSprintV(v: Value | Comment): string {
  if (v instanceof Comment) return `{${v.text} ${v.inline ? "true" : "false"}}`;
  if (isMap(v)) {
    return "[" + v.items.map((it) => (it instanceof Comment ? `{${goSprintV(it)} <nil>}` : `{${it.key} ${goSprintV(it.value)}}`)).join(" ") + "]";
  }
  if (isList(v)) return "[" + v.items.map(goSprintV).join(" ") + "]";
  if (typeof v === "number") return formatFloatG(v);
  if (v instanceof Timestamp) return v.text;
  return valToString(v);
}

function toSections(branches: TreeMap[]): IniSection[] {
  const sections: IniSection[] = [];
  for (const branch of branches) {
    for (const item of branch.items) {
      if (item instanceof Comment) continue;
      if (item.key.length === 0) throw new HushError("EMIT", "error encoding section: empty section name");
      if (!isMap(item.value)) {
        throw new HushError("EMIT", "error encoding section: section values should always be mappings", {
          keyPath: `[${JSON.stringify(item.key)}]`,
        });
      }
      const sec: IniSection = { name: item.key, comment: "", keys: [] };
      sections.push(sec);
      const its = item.value.items;
      let first = 0;
      const head = its[0];
      if (head instanceof Comment) {
        sec.comment = head.text;
        first = 1;
      }
      let last: IniKey | undefined;
      for (let i = first; i < its.length; i++) {
        const kv = its[i] as MapItem;
        if (kv instanceof Comment) {
          if (last !== undefined) last.comment = kv.text;
          continue;
        }
        if (kv.key.length === 0) {
          throw new HushError("EMIT", "error encoding key: empty key name", { keyPath: `[${JSON.stringify(item.key)}]` });
        }
        const v = kv.value;
        last = newKey(sec, kv.key, isMap(v) || isList(v) ? goSprintV(v) : valToString(v));
      }
    }
  }
  return sections;
}

function commentLines(comment: string, trimPlain: boolean, where: string): string {
  let out = "";
  for (const line of comment.split("\n")) {
    // go-ini indexes line[0] and panics on an empty comment line; refuse instead.
    if (line.length === 0) throw new HushError("EMIT", `cannot write an empty comment line in ${where}`);
    if (line[0] !== "#" && line[0] !== ";") out += "; " + (trimPlain ? trimSpace(line) : line) + "\n";
    else out += line[0] + " " + trimSpace(line.slice(1)) + "\n";
  }
  return out;
}

function quoteValue(v: string): string {
  if (indexAny(v, "\n`") !== -1) return '"""' + v + '"""';
  if (indexAny(v, "#;") !== -1) return "`" + v + "`";
  if (trimSpace(v).length !== v.length) return '"' + v + '"';
  return v;
}

function quoteKey(k: string): string {
  if (k.includes('"') || indexAny(k, "=:") !== -1) return "`" + k + "`";
  if (k.includes("`")) return '"""' + k + '"""';
  return k;
}

function writeIni(sections: IniSection[]): string {
  let out = "";
  sections.forEach((sec, i) => {
    const where = `section ${JSON.stringify(sec.name)}`;
    if (sec.comment.length > 0) out += commentLines(sec.comment, false, where);
    if (i > 0 || sec.name.toUpperCase() !== DEFAULT_SECTION) out += `[${sec.name}]\n`;
    else if (sec.keys.length === 0) return;
    let align = 0;
    for (const k of sec.keys) align = Math.max(align, byteLen(quoteKey(k.name)));
    for (const k of sec.keys) {
      if (k.comment.length > 0) out += commentLines(k.comment, true, where);
      const name = quoteKey(k.name);
      out += name + " ".repeat(align - byteLen(name)) + " = " + quoteValue(k.value) + "\n";
    }
    if (i !== sections.length - 1) out += "\n";
  });
  return out;
}

function emitPlain(branches: TreeMap[], _opts?: EmitOptions): Uint8Array {
  return enc.encode(writeIni(toSections(branches)));
}

function emitEncrypted(doc: EncryptedDocument, _opts?: EmitOptions): Uint8Array {
  const flat = flatten(doc.metadata);
  const escaped = treeMap(
    flat.items.map((it) =>
      it instanceof Comment || typeof it.value !== "string" ? it : { key: it.key, value: it.value.replaceAll("\n", "\\n") },
    ),
  );
  return emitPlain(doc.branches.map((b) => withSopsEntry(b, escaped)));
}

/** sops's INI EmitValue is Go json.Marshal of the value (compact; a mapping as `[{"Key":…,"Value":…}]`). */
function emitValue(value: Value, _opts?: EmitOptions): Uint8Array {
  return enc.encode(encodeGoJsonCompact(value));
}

function hasMetadata(branch: TreeMap): boolean {
  return branch.items.some((it) => !(it instanceof Comment) && it.key === "sops");
}

/** The INI store (`.ini`). */
export const iniStore: Store = {
  name: "ini",
  extensions: [".ini"],
  loadPlain,
  loadEncrypted,
  emitPlain,
  emitEncrypted,
  emitValue,
  hasMetadata,
};
