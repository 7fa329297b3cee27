/**
 * The YAML store (sops stores/yaml/store.go): bytes ⇄ Tree, byte-identical to sops 3.13.2, which
 * writes with go.yaml.in/yaml/v3 (indent 4 by default, sequences indented inside mappings,
 * comments as `#text`, inline comments after their value).
 */
import { HushError } from "../errors.js";
import { Comment, getKey, isComment, isList, isMap, Timestamp, treeMap } from "../tree/index.js";
import type { TreeList, TreeMap, Value } from "../tree/index.js";
import { binaryNode, emitDocuments, mapNode, plainNode, seqNode, stringNode } from "./_yaml-emit.js";
import type { YMap, YNode, YSeq } from "./_yaml-emit.js";
import { fastEmitYaml } from "./_yaml-emit-fast.js";
import { loadYaml } from "./_yaml-load.js";
import { yamlFloatText } from "./_yaml-resolve.js";
import type { EmitOptions, EncryptedDocument, LoadOptions, Store } from "./store.js";

const DEFAULT_INDENT = 4;

function commentText(lines: string[]): string {
  return "#" + lines.join("\n#");
}
function addHead(n: YNode, lines: string[]): void {
  if (lines.length === 0) return;
  const c = commentText(lines);
  n.head = n.head !== "" ? c + "\n" + n.head : c;
}
function addFoot(n: YNode, lines: string[]): void {
  if (lines.length === 0) return;
  const c = commentText(lines);
  n.foot = n.foot !== "" ? n.foot + "\n" + c : c;
}
function addLine(n: YNode, lines: string[]): void {
  if (lines.length === 0) return;
  const c = commentText(lines);
  n.line = n.line !== "" ? n.line + "\n" + c : c;
}

/** sops treeValueToNode: a Tree value as the yaml.Node that yaml.v3's Node.Encode makes. */
function valueNode(v: Value): YNode {
  if (isMap(v)) return branchNode(v);
  if (isList(v)) return listNode(v);
  if (v === null) return plainNode("null");
  if (typeof v === "string") return stringNode(v);
  if (typeof v === "bigint") return plainNode(v.toString());
  if (typeof v === "number") return plainNode(yamlFloatText(v));
  if (typeof v === "boolean") return plainNode(v ? "true" : "false");
  if (v instanceof Timestamp) return plainNode(v.text);
  if (v instanceof Uint8Array) {
    try {
      return stringNode(new TextDecoder("utf-8", { fatal: true }).decode(v));
    } catch {
      return binaryNode(v);
    }
  }
  throw new HushError("EMIT", "cannot write a value of unknown type to yaml");
}

/** sops appendTreeBranch: comments before the first key head the mapping, trailing ones foot the last key. */
function branchNode(branch: TreeMap): YMap {
  const m = mapNode();
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const it of branch.items) {
    if (it instanceof Comment) {
      (it.inline ? inline : head).push(it.text);
      continue;
    }
    if (beginning) {
      addHead(m, head);
      head = [];
      beginning = false;
    }
    const k = stringNode(it.key);
    addHead(k, head);
    head = [];
    const val = valueNode(it.value);
    addLine(val, inline);
    inline = [];
    m.content.push(k, val);
  }
  head = head.concat(inline);
  if (head.length > 0) {
    const lastKey = m.content[m.content.length - 2];
    if (beginning || lastKey === undefined) addHead(m, head);
    else addFoot(lastKey, head);
  }
  return m;
}

/** sops appendSequence. */
function listNode(list: TreeList): YSeq {
  const s = seqNode();
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const it of list.items) {
    if (isComment(it)) {
      (it.inline ? inline : head).push(it.text);
      continue;
    }
    if (beginning) {
      addHead(s, head);
      head = [];
      beginning = false;
    }
    const n = valueNode(it);
    addHead(n, head);
    head = [];
    addLine(n, inline);
    inline = [];
    s.content.push(n);
  }
  head = head.concat(inline);
  if (head.length > 0) {
    const last = s.content[s.content.length - 1];
    if (beginning || last === undefined) addHead(s, head);
    else addFoot(last, head);
  }
  return s;
}

function indentOf(opts: EmitOptions | undefined): number {
  const indent = opts?.indent ?? 0;
  if (indent < 0) throw new HushError("EMIT", "yaml negative indentation not accepted");
  return indent > 0 ? indent : DEFAULT_INDENT;
}

const utf8 = new TextEncoder();

function decodeInput(bytes: Uint8Array, file: string | undefined): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HushError("PARSE", "input is not valid utf-8", { file });
  }
}

function loadPlain(bytes: Uint8Array, opts?: LoadOptions): TreeMap[] {
  return loadYaml(decodeInput(bytes, opts?.file), opts?.file);
}

function loadEncrypted(bytes: Uint8Array, opts?: LoadOptions): EncryptedDocument {
  const branches = loadPlain(bytes, opts);
  const first = branches[0];
  const meta = first === undefined ? undefined : getKey(first, "sops");
  if (meta === undefined) {
    throw new HushError("METADATA_NOT_FOUND", "sops metadata not found", { file: opts?.file });
  }
  if (!isMap(meta)) {
    throw new HushError("METADATA_INVALID", "found sops entry that is not a mapping", { file: opts?.file });
  }
  const data = branches.map((b) => treeMap(b.items.filter((it) => it instanceof Comment || it.key !== "sops")));
  return { branches: data, metadata: meta };
}

/** The full emitter alone (tests compare the direct writer with it). */
export function emitYamlFull(branches: readonly TreeMap[], indent: number): string {
  return emitDocuments(branches.map(branchNode), indent);
}

function emitPlain(branches: TreeMap[], opts?: EmitOptions): Uint8Array {
  const indent = indentOf(opts);
  // The direct writer covers the usual one-document shape; it declines (null) anything else.
  const fast = branches.length === 1 ? fastEmitYaml(branches[0] as TreeMap, indent) : null;
  return utf8.encode(fast ?? emitYamlFull(branches, indent));
}

function emitEncrypted(doc: EncryptedDocument, opts?: EmitOptions): Uint8Array {
  const withMeta = doc.branches.map((b) => {
    if (getKey(b, "sops") !== undefined) {
      throw new HushError(
        "EMIT",
        'found key "sops" in encrypted data, which is a reserved key used for sops metadata',
      );
    }
    return treeMap([...b.items, { key: "sops", value: doc.metadata }]);
  });
  return emitPlain(withMeta, opts);
}

/** sops EmitValue: yaml.Marshal of the value (always indent 4, one document). */
function emitValue(value: Value): Uint8Array {
  return utf8.encode(emitDocuments([valueNode(value)], DEFAULT_INDENT));
}

function hasMetadata(branch: TreeMap): boolean {
  return getKey(branch, "sops") !== undefined;
}

/**
 * The YAML store. `loadPlain` returns one branch per document (zero for an empty file);
 * `emitPlain` writes what `sops decrypt` prints; `emitEncrypted` appends the `sops` mapping to
 * every document, as sops does.
 */
export const yamlStore: Store = {
  name: "yaml",
  extensions: [".yaml", ".yml"],
  loadPlain,
  loadEncrypted,
  emitPlain,
  emitEncrypted,
  emitValue,
  hasMetadata,
};
