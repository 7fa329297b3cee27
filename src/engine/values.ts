/**
 * Typed leaf ⇄ bytes, exactly as sops does it (sops.go ToBytes, aes/cipher.go Encrypt/Decrypt).
 * The bytes are both what gets encrypted and what the MAC hashes.
 */
import { HushError } from "../errors.js";
import { Comment, Timestamp, type Scalar } from "../tree/index.js";
import { formatFloatF } from "../tree/go-format.js";

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A leaf the walker hands to the cipher: a non-null scalar or a comment. */
export type Leaf = Exclude<Scalar, null> | Comment;

/** The `type:` tag sops writes for a leaf. Raw bytes are encrypted as `str` (sops converts []byte to string). */
export function typeTag(v: Leaf): string {
  if (v instanceof Comment) return "comment";
  if (typeof v === "string" || v instanceof Uint8Array) return "str";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "boolean") return "bool";
  return "time";
}

/** sops ToBytes: the bytes of a leaf (`True`/`False` for booleans, Go 'f' floats, RFC 3339 times). */
export function leafBytes(v: Leaf): Uint8Array {
  // Buffer.from takes small strings from node's shared pool (one ArrayBuffer per 8 KiB, not per value).
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (v instanceof Comment) return Buffer.from(v.text, "utf8");
  if (v instanceof Uint8Array) return v;
  if (typeof v === "bigint") return utf8.encode(v.toString());
  if (typeof v === "number") return utf8.encode(formatFloatF(v));
  if (typeof v === "boolean") return utf8.encode(v ? "True" : "False");
  return utf8.encode((v as Timestamp).text);
}

/** Bytes as a string when they are valid UTF-8, else the bytes themselves (Go strings hold any bytes). */
export function bytesToStr(b: Uint8Array): string | Uint8Array {
  try {
    return strictUtf8.decode(b);
  } catch {
    return Uint8Array.from(b);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go strconv.ParseFloat for the strings sops itself writes, plus the special values Go accepts. */
function parseGoFloat(s: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

/**
 * Turns decrypted bytes back into a typed leaf (aes/cipher.go Decrypt).
 * @throws HushError DECRYPT_TREE for an unknown type tag or bytes that do not parse as the tag says.
 */
export function leafFromBytes(type: string, b: Uint8Array, inline: boolean): Leaf {
  const text = (): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
  switch (type) {
    case "str":
      return bytesToStr(b);
    case "bytes":
      return Uint8Array.from(b);
    case "comment":
      return new Comment(text(), inline);
    case "int": {
      const s = text();
      if (!/^[+-]?\d+$/.test(s)) throw new HushError("DECRYPT_TREE", "decrypted value of type int is not an integer");
      const n = BigInt(s);
      if (n < INT64_MIN || n > INT64_MAX) throw new HushError("DECRYPT_TREE", "decrypted value of type int is out of range");
      return n;
    }
    case "float": {
      const f = parseGoFloat(text());
      if (f === null) throw new HushError("DECRYPT_TREE", "decrypted value of type float is not a number");
      return f;
    }
    case "bool": {
      const s = text();
      if (/^(1|t|T|TRUE|true|True)$/.test(s)) return true;
      if (/^(0|f|F|FALSE|false|False)$/.test(s)) return false;
      throw new HushError("DECRYPT_TREE", "decrypted value of type bool is not a boolean");
    }
    case "time":
      return new Timestamp(text());
    default:
      throw new HushError("DECRYPT_TREE", `unknown datatype: ${type.slice(0, 20)}`);
  }
}
