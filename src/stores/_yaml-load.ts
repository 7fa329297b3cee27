/**
 * Reads YAML bytes into Tree branches the way sops does with go.yaml.in/yaml/v3 (stores/yaml
 * LoadPlainFile): scalars resolved by yaml.v3's rules (not the `yaml` package's schema), aliases
 * copied, `<<` kept as a literal key, and comments turned into Comment items where yaml.v3's
 * comment attachment plus sops's conversion put them. The `yaml` package only parses (failsafe
 * schema, so it resolves nothing); its lexer gives the comment offsets.
 *
 * Comment placement rule (matches yaml.v3 for the layouts sops users write): a comment on its own
 * line belongs to the innermost block collection that is open at that point and whose items are
 * indented no deeper than the comment, and sits before the next item of that collection (or at its
 * end). A comment after a scalar on the same line is an inline Comment before that entry; after a
 * `key:` whose block value starts on a later line it is a plain Comment before the key.
 */
import type * as YamlLib from "yaml";
import type { Alias, LineCounter, Document, Node as YamlNode, Pair, Scalar as YamlScalar, YAMLMap, YAMLSeq } from "yaml";
import { HushError } from "../errors.js";
import { Comment, treeList, treeMap } from "../tree/index.js";
import type { MapItem, TreeList, TreeMap, Value } from "../tree/index.js";
import { fastLoadYaml } from "./_yaml-fast.js";
import { parseTimestamp, resolvePlain } from "./_yaml-resolve.js";
import { yaml } from "../deps.js";

// the `yaml` package is loaded on first use (src/deps.ts): most files take the fast path
const isAlias = ((node: unknown) => yaml().isAlias(node)) as typeof YamlLib.isAlias;
const isMap = ((node: unknown) => yaml().isMap(node)) as typeof YamlLib.isMap;
const isScalar = ((node: unknown) => yaml().isScalar(node)) as typeof YamlLib.isScalar;
const isSeq = ((node: unknown) => yaml().isSeq(node)) as typeof YamlLib.isSeq;

/** More tree nodes than this from one file means an alias bomb (yaml.v3: "excessive aliasing"). */
const MAX_NODES = 1_000_000;

/**
 * yaml.v3's allowedAliasRatio (decode.go): the share of decoded nodes that may come from alias
 * expansion, 99% up to 400,000 nodes, falling to 10% at 4,000,000.
 */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

interface SrcComment {
  offset: number;
  line: number;
  col: number;
  ownLine: boolean;
  text: string;
}

/** Where comments go inside one collection: before item i, or at the end. */
interface Placement {
  before: Map<number, Comment[]>;
  end: Comment[];
}

type Coll = YAMLMap | YAMLSeq;

class Loader {
  private nodes = 0;
  /** Per document, as yaml.v3 counts them: nodes decoded, and those decoded inside an alias. */
  private decoded = 0;
  private aliased = 0;
  private aliasDepth = 0;
  private readonly placements = new Map<Coll, Placement>();
  private readonly lc: LineCounter;
  private readonly file: string | undefined;
  private readonly src: string;

  constructor(src: string, lc: LineCounter, file: string | undefined) {
    this.src = src;
    this.lc = lc;
    this.file = file;
  }

  lineOf(offset: number): number {
    return this.lc.linePos(offset).line;
  }
  colOf(offset: number): number {
    return this.lc.linePos(offset).col - 1;
  }

  fail(message: string, offset: number | undefined): never {
    const line = offset === undefined ? undefined : this.lineOf(offset);
    throw new HushError("PARSE", line === undefined ? message : `line ${line}: ${message}`, {
      file: this.file,
      ...(line === undefined ? {} : { line }),
    });
  }

  private placement(c: Coll): Placement {
    let p = this.placements.get(c);
    if (!p) {
      p = { before: new Map(), end: [] };
      this.placements.set(c, p);
    }
    return p;
  }

  /** Puts one source comment into the collection tree rooted at `root`; false if there is none. */
  place(root: YamlNode | null | undefined, c: SrcComment, docComments: Comment[]): void {
    if (!root || !(isMap(root) || isSeq(root)) || root.flow === true) {
      docComments.push(new Comment(c.text));
      return;
    }
    let coll: Coll = root;
    for (;;) {
      const starts = itemStarts(coll);
      let i = -1;
      for (let k = 0; k < starts.length; k++) if ((starts[k] ?? Infinity) <= c.offset) i = k;
      const p = this.placement(coll);
      if (i < 0) {
        pushTo(p.before, 0, new Comment(c.text));
        return;
      }
      const value = itemValue(coll, i);
      const block = value !== null && (isMap(value) || isSeq(value)) && value.flow !== true && value.items.length > 0;
      if (block) {
        const v = value as Coll;
        const vStart = v.range?.[0] ?? 0;
        if (c.ownLine) {
          const nextStart = starts[i + 1];
          if ((nextStart === undefined || c.offset < nextStart) && c.col >= this.colOf(vStart)) {
            coll = v;
            continue;
          }
        } else if (vStart <= c.offset) {
          coll = v;
          continue;
        } else {
          // `key: # c` above a block value: yaml.v3 makes it the key's line comment, which sops
          // writes as a plain comment before the key.
          pushTo(p.before, i, new Comment(c.text));
          return;
        }
      }
      if (c.ownLine) {
        if (i + 1 < starts.length) pushTo(p.before, i + 1, new Comment(c.text));
        else p.end.push(new Comment(c.text));
      } else {
        pushTo(p.before, i, new Comment(c.text, true));
      }
      return;
    }
  }

  /** Starts the per-document alias accounting (sops's trial yaml.v3 decode sees one document). */
  startDocument(): void {
    this.decoded = 0;
    this.aliased = 0;
    this.aliasDepth = 0;
  }

  count(node: YamlNode | null): void {
    if (++this.nodes > MAX_NODES) this.fail("document contains excessive aliasing", node?.range?.[0]);
    this.decoded++;
    if (this.aliasDepth > 0) this.aliased++;
    // yaml.v3 decoder.unmarshal's check: it stops an alias bomb after about a thousand nodes
    // instead of expanding it (sops exits 2 with this message for such a file).
    if (this.aliased > 100 && this.decoded > 1000 && this.aliased / this.decoded > allowedAliasRatio(this.decoded))
      this.fail("document contains excessive aliasing", node?.range?.[0]);
  }

  value(node: YamlNode | null, doc: Document, depth: number): Value {
    this.count(node);
    if (depth > 10_000) this.fail("document is nested too deeply", node?.range?.[0]);
    if (node === null) return null;
    if (isAlias(node)) {
      const target = (node as Alias).resolve(doc);
      if (target === undefined) this.fail("unknown anchor", node.range?.[0]);
      this.aliasDepth++;
      try {
        return this.value(target as YamlNode, doc, depth + 1);
      } finally {
        this.aliasDepth--;
      }
    }
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) return this.map(node, doc, depth);
    if (isSeq(node)) return this.seq(node, doc, depth);
    return this.fail("unsupported yaml node", (node as YamlNode).range?.[0]);
  }

  scalar(node: YamlScalar): Value {
    const tag = node.tag;
    const raw: unknown = node.value;
    // The `yaml` package still resolves the tags it knows (!!binary → bytes, `<<` → a symbol).
    const text =
      typeof raw === "string" ? raw : typeof raw === "symbol" ? "<<" : raw instanceof Uint8Array ? "" : (node.source ?? String(raw));
    const plain = node.type === "PLAIN" || node.type === undefined;
    const at = node.range?.[0];
    switch (tag) {
      case "tag:yaml.org,2002:str":
        return text;
      case "tag:yaml.org,2002:binary": {
        if (raw instanceof Uint8Array) return utf8OrBytes(raw);
        const b64 = text.replace(/[\s]/g, "");
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
          this.fail("!!binary value contains invalid base64 data", at);
        }
        return utf8OrBytes(new Uint8Array(Buffer.from(b64, "base64")));
      }
      case "tag:yaml.org,2002:merge":
        return text;
      case "tag:yaml.org,2002:timestamp": {
        const t = parseTimestamp(text);
        if (!t) this.fail("cannot decode value as a !!timestamp", at);
        return t;
      }
      case "tag:yaml.org,2002:int":
      case "tag:yaml.org,2002:float":
      case "tag:yaml.org,2002:bool":
      case "tag:yaml.org,2002:null": {
        const want = tag.slice("tag:yaml.org,2002:".length);
        const r = resolvePlain(text);
        if (r.tag === want) return this.resolved(r, at);
        if (want === "float" && r.tag === "int") return Number(r.value);
        return this.fail(`cannot decode value as a !!${want}`, at);
      }
      default:
        break;
    }
    if (!plain || (tag !== undefined && tag !== "?")) return text;
    return this.resolved(resolvePlain(text), at);
  }

  private resolved(r: ReturnType<typeof resolvePlain>, at: number | undefined): Value {
    if (r.tag === "int" && r.uint === true) {
      this.fail("integer is out of range for a signed 64-bit int (sops cannot store uint64)", at);
    }
    return r.tag === "merge" ? "<<" : r.value;
  }

  key(node: unknown, doc: Document): string {
    const n = node as YamlNode | null;
    const at = n?.range?.[0];
    const target = n !== null && isAlias(n) ? (n as Alias).resolve(doc) : n;
    if (target !== undefined && target !== null && isScalar(target)) {
      const v = this.scalar(target);
      if (typeof v === "string") return v;
      const t =
        v === null ? "nil" : typeof v === "bigint" ? "int" : typeof v === "number" ? "float64" : typeof v === "boolean" ? "bool" : "time.Time";
      return this.fail(`mapping key of type ${t}: only string keys are supported`, at);
    }
    return this.fail("mapping keys must be strings", at);
  }

  map(node: YAMLMap, doc: Document, depth: number): TreeMap {
    const p = this.placements.get(node);
    const items: MapItem[] = [];
    node.items.forEach((pair: Pair, i: number) => {
      for (const c of p?.before.get(i) ?? []) items.push(c);
      items.push({ key: this.key(pair.key, doc), value: this.value((pair.value ?? null) as YamlNode | null, doc, depth + 1) });
    });
    if (p) for (const c of p.end) items.push(c);
    return treeMap(items);
  }

  seq(node: YAMLSeq, doc: Document, depth: number): TreeList {
    const p = this.placements.get(node);
    const items: TreeList["items"] = [];
    node.items.forEach((item: unknown, i: number) => {
      for (const c of p?.before.get(i) ?? []) items.push(c);
      items.push(this.value((item ?? null) as YamlNode | null, doc, depth + 1));
    });
    if (p) for (const c of p.end) items.push(c);
    return treeList(items);
  }

  /** yaml.v3's trial decode into map[string]interface{} rejects duplicate keys (first document only). */
  checkDuplicates(node: YamlNode | null, doc: Document, seen: Set<YamlNode>): void {
    if (node === null || seen.has(node)) return;
    seen.add(node);
    if (isAlias(node)) return this.checkDuplicates((node as Alias).resolve(doc) ?? null, doc, seen);
    if (isSeq(node)) for (const it of node.items) this.checkDuplicates((it ?? null) as YamlNode | null, doc, seen);
    if (!isMap(node)) return;
    const keys = new Map<string, number>();
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      if (k !== null && isScalar(k)) {
        const v = this.scalar(k);
        const id = `${typeof v}:${v instanceof Object ? JSON.stringify(v) : String(v)}`;
        const at = k.range?.[0] ?? 0;
        const prev = keys.get(id);
        if (prev !== undefined) {
          throw new HushError(
            "PARSE",
            `line ${this.lineOf(at)}: mapping key ${JSON.stringify(String(k.source ?? v))} already defined at line ${this.lineOf(prev)}`,
            { file: this.file, line: this.lineOf(at) },
          );
        }
        keys.set(id, at);
      }
      this.checkDuplicates((pair.value ?? null) as YamlNode | null, doc, seen);
    }
  }

  /** All comments in the source, with positions (from the `yaml` lexer). */
  comments(): SrcComment[] {
    const out: SrcComment[] = [];
    let off = 0;
    for (const tok of new (yaml().Lexer)().lex(this.src)) {
      if (tok === "\x02" || tok === "\x18" || tok === "\x1f") continue;
      if (tok.startsWith("#")) {
        const lineStart = this.src.lastIndexOf("\n", off - 1) + 1;
        const before = this.src.slice(lineStart, off);
        out.push({
          offset: off,
          line: this.lineOf(off),
          col: off - lineStart,
          ownLine: /^[ \t]*$/.test(before),
          text: tok.slice(1),
        });
      }
      off += tok.length;
    }
    return out;
  }
}

/** yaml.v3 decodes !!binary into a Go string; bytes that are not UTF-8 stay bytes here. */
function utf8OrBytes(bytes: Uint8Array): string | Uint8Array {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new Uint8Array(bytes);
  }
}

function pushTo(m: Map<number, Comment[]>, i: number, c: Comment): void {
  const list = m.get(i);
  if (list) list.push(c);
  else m.set(i, [c]);
}

function itemStarts(c: Coll): number[] {
  if (isMap(c)) {
    return c.items.map((p) => {
      const k = p.key as YamlNode | null;
      return k?.range?.[0] ?? (p.value as YamlNode | null)?.range?.[0] ?? Infinity;
    });
  }
  return c.items.map((it) => (it as YamlNode | null)?.range?.[0] ?? Infinity);
}

function itemValue(c: Coll, i: number): YamlNode | null {
  if (isMap(c)) return (c.items[i]?.value ?? null) as YamlNode | null;
  return (c.items[i] ?? null) as YamlNode | null;
}

/**
 * Parses YAML text into one branch per document.
 * @throws HushError PARSE with the line for malformed YAML, duplicate keys, non-mapping documents,
 *   non-string keys and alias bombs. Messages never contain values.
 */
export function loadYaml(src: string, file: string | undefined): TreeMap[] {
  return fastLoadYaml(src) ?? loadYamlFull(src, file);
}

/** loadYaml without the fast path: the `yaml` package's parser for every input. */
export function loadYamlFull(src: string, file: string | undefined): TreeMap[] {
  const lc = new (yaml().LineCounter)();
  const loader = new Loader(src, lc, file);
  if (src.length === 0) return [];
  const docs = yaml().parseAllDocuments(src, {
    schema: "failsafe",
    lineCounter: lc,
    uniqueKeys: false,
    prettyErrors: false,
    strict: false,
    version: "1.2",
  });
  const list: Document[] = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // An EmptyStream: only comments or whitespace.
    return [];
  }
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const at = err.pos[0];
      throw new HushError("PARSE", `line ${loader.lineOf(at)}: malformed yaml (${err.code.toLowerCase().replaceAll("_", " ")})`, {
        file,
        line: loader.lineOf(at),
        cause: err,
      });
    }
  }
  if (list[0]) loader.checkDuplicates(list[0].contents as YamlNode | null, list[0], new Set());

  // Assign comments to documents by offset, then place them.
  const docStarts = list.map((d, i) => (i === 0 ? 0 : (d.range?.[0] ?? 0)));
  const perDoc: Comment[][] = list.map(() => []);
  const perDocEnd: Comment[][] = list.map(() => []);
  for (const c of loader.comments()) {
    let k = 0;
    for (let j = 0; j < docStarts.length; j++) if ((docStarts[j] ?? 0) <= c.offset) k = j;
    const d = list[k];
    if (!d) continue;
    const root = d.contents as YamlNode | null;
    const target: Comment[] = [];
    loader.place(root, c, target);
    // Comments that fell outside the root collection: before it or after it.
    const rootStart = root?.range?.[0] ?? Infinity;
    for (const t of target) (c.offset < rootStart ? (perDoc[k] as Comment[]) : (perDocEnd[k] as Comment[])).push(t);
  }

  const branches: TreeMap[] = [];
  list.forEach((d, k) => {
    const root = d.contents as YamlNode | null;
    const docNo = k + 1;
    let branch: TreeMap;
    if (root === null || (isScalar(root) && root.type === "PLAIN" && root.source === "" && root.tag === undefined)) {
      branch = treeMap([]);
    } else if (isMap(root) || (isAlias(root) && isMap((root as Alias).resolve(d)))) {
      loader.startDocument();
      branch = loader.value(root, d, 0) as TreeMap;
    } else if (isSeq(root)) {
      return loader.fail(`yaml documents that are sequences are not supported (document ${docNo})`, root.range?.[0]);
    } else {
      const v = isScalar(root) ? loader.scalar(root) : undefined;
      if (v === null) branch = treeMap([]);
      else return loader.fail(`yaml documents that are values are not supported (document ${docNo})`, root.range?.[0]);
    }
    branch.items.unshift(...(perDoc[k] ?? []));
    for (const c of perDocEnd[k] ?? []) branch.items.push(c);
    branches.push(branch);
  });
  return branches;
}
