/**
 * The dotenv store (sops stores/dotenv/store.go). Deliberately naive, like sops:
 * - lines are split on `\n` only (a CRLF `\r` stays in the value) and empty lines are dropped;
 * - `#…` is a comment whose text is everything after the `#`;
 * - otherwise key = text before the first `=`, value = text after it, with no trimming and no
 *   quote handling; the two characters `\n` in a value become a newline.
 * The sops metadata is flattened with the prefix `sops_` and appended after the data.
 */
import { HushError } from "../errors.js";
import { Comment, isList, isMap, treeMap } from "../tree/index.js";
import type { MapItem, TreeMap, Value } from "../tree/index.js";
import { valToString } from "../tree/go-format.js";
import { goUtf8Decode } from "./_json-codec.js";
import { flatten, unflatten } from "./flatten.js";
import type { EmitOptions, EncryptedDocument, LoadOptions, Store } from "./store.js";

const SOPS_PREFIX = "sops_";
const enc = new TextEncoder();

function loadPlain(bytes: Uint8Array, opts: LoadOptions = {}): TreeMap[] {
  const items: MapItem[] = [];
  // Go keeps invalid UTF-8 as raw bytes in a string; a JS string cannot, so each bad byte becomes U+FFFD.
  const lines = goUtf8Decode(bytes).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    if (line.startsWith("#")) {
      items.push(new Comment(line.slice(1)));
      continue;
    }
    const eq = line.indexOf("=");
    if (eq === -1) {
      // sops echoes the line (`invalid dotenv input line: <line>`); it may hold a secret, so name its number.
      throw new HushError("PARSE", `invalid dotenv input line ${i + 1}: expected KEY=VALUE`, {
        file: opts.file,
        line: i + 1,
      });
    }
    items.push({ key: line.slice(0, eq), value: line.slice(eq + 1).replaceAll("\\n", "\n") });
  }
  return [treeMap(items)];
}

function loadEncrypted(bytes: Uint8Array, opts: LoadOptions = {}): EncryptedDocument {
  const [branch] = loadPlain(bytes, opts);
  const data: MapItem[] = [];
  const meta: MapItem[] = [];
  for (const it of (branch as TreeMap).items) {
    if (!(it instanceof Comment) && it.key.startsWith(SOPS_PREFIX)) {
      meta.push({ key: it.key.slice(SOPS_PREFIX.length), value: it.value });
    } else {
      data.push(it);
    }
  }
  if (meta.length === 0) throw new HushError("METADATA_NOT_FOUND", "sops metadata not found", { file: opts.file });
  let metadata: TreeMap;
  try {
    metadata = unflatten(treeMap(meta));
  } catch (e) {
    throw e instanceof HushError ? e.withFile(opts.file) : e;
  }
  return { branches: [treeMap(data)], metadata };
}

function emitBranch(branch: TreeMap): string {
  let out = "";
  for (const it of branch.items) {
    if (it instanceof Comment) {
      out += `#${it.text}\n`;
      continue;
    }
    const v = it.value;
    if (isMap(v) || isList(v)) {
      throw new HushError("EMIT", "cannot use complex value in dotenv file", { keyPath: `[${JSON.stringify(it.key)}]` });
    }
    const s = typeof v === "string" ? v.replaceAll("\n", "\\n") : valToString(v);
    out += `${it.key}=${s}\n`;
  }
  return out;
}

function firstBranch(branches: TreeMap[]): TreeMap {
  const b = branches[0];
  if (b === undefined) throw new HushError("EMIT", "no document to write");
  return b;
}

function emitPlain(branches: TreeMap[], _opts?: EmitOptions): Uint8Array {
  return enc.encode(emitBranch(firstBranch(branches)));
}

function emitEncrypted(doc: EncryptedDocument, _opts?: EmitOptions): Uint8Array {
  const data = firstBranch(doc.branches);
  for (const it of data.items) {
    if (!(it instanceof Comment) && it.key.startsWith(SOPS_PREFIX)) {
      throw new HushError(
        "EMIT",
        `found key ${JSON.stringify(it.key)} in encrypted data, which starts with the reserved key prefix "sops_" for sops metadata`,
      );
    }
  }
  const meta = flatten(doc.metadata, SOPS_PREFIX);
  return enc.encode(emitBranch(treeMap([...data.items, ...meta.items])));
}

function emitValue(value: Value, _opts?: EmitOptions): Uint8Array {
  if (typeof value === "string") return enc.encode(value);
  const kind = value === null ? "nil" : isMap(value) ? "a mapping" : isList(value) ? "a list" : typeof value;
  throw new HushError("EMIT", `the dotenv store only supports emitting strings, got ${kind}`);
}

function hasMetadata(branch: TreeMap): boolean {
  return branch.items.some((it) => !(it instanceof Comment) && it.key.startsWith(SOPS_PREFIX));
}

/** The dotenv store (`.env`). */
export const dotenvStore: Store = {
  name: "dotenv",
  extensions: [".env"],
  loadPlain,
  loadEncrypted,
  emitPlain,
  emitEncrypted,
  emitValue,
  hasMetadata,
};
