/**
 * The sops value cipher (aes/cipher.go): AES-256-GCM with a 32-byte nonce and a 16-byte tag, the key
 * path as additional data, and the `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` string codec.
 * node:crypto only. The type tag sits outside the AEAD (sops's design); the MAC covers the typed value.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";
import { HushError } from "../errors.js";

/** sops's nonce size: 32 bytes, not GCM's usual 12 (GHASH derives J0). */
export const NONCE_SIZE = 32;
const TAG_SIZE = 16;

/** The parts of an `ENC[...]` string. */
export interface EncValue {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  type: string;
}

// Same shape as sops's `encre`: anchored at the start only, greedy groups.
const ENC_RE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/s;
// Go base64.StdEncoding accepts only canonical padded standard base64 (it skips \r and \n).
const STD_B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// One KeyObject per data key: node:crypto re-validates and copies a raw key on every cipher. The
// bytes are compared on each use, so a caller that changes its key array in place gets a new one.
const keyObjects = new WeakMap<Uint8Array, { bytes: Buffer; key: KeyObject }>();
function keyObjectOf(key: Uint8Array): KeyObject {
  const hit = keyObjects.get(key);
  if (hit !== undefined && hit.bytes.equals(key)) return hit.key;
  const bytes = Buffer.from(key);
  const k = createSecretKey(bytes);
  keyObjects.set(key, { bytes, key: k });
  return k;
}

/** True when `s` looks like an encrypted sops value (used to tell encrypted from plain). */
export function isEncString(s: string): boolean {
  return ENC_RE.test(s);
}

function decodeStdBase64(s: string, what: string): Uint8Array {
  // Fast path: canonical base64 re-encodes to itself, which implies it matches STD_B64_RE (this is
  // faster than the regex: both conversions are native). Anything else (line breaks, non-zero
  // trailing bits, garbage) takes the exact regex path below.
  if (s.length % 4 === 0) {
    const b = Buffer.from(s, "base64");
    if (b.toString("base64") === s) return b;
  }
  const clean = s.replace(/[\r\n]/g, "");
  if (!STD_B64_RE.test(clean)) throw new HushError("DECRYPT_TREE", `malformed encrypted value: ${what} is not valid base64`);
  return Buffer.from(clean, "base64");
}

/**
 * Parses an `ENC[...]` string.
 * @throws HushError DECRYPT_TREE when it does not match sops's data format (the value is never echoed).
 */
export function parseEnc(s: string): EncValue {
  const parts = splitEnc(s);
  if (parts === null) throw new HushError("DECRYPT_TREE", "value does not match sops' data format (ENC[AES256_GCM,...])");
  return {
    data: decodeStdBase64(parts[0], "data"),
    iv: decodeStdBase64(parts[1], "iv"),
    tag: decodeStdBase64(parts[2], "tag"),
    type: parts[3],
  };
}

const ENC_PREFIX = "ENC[AES256_GCM,data:";

/**
 * The four groups ENC_RE captures. Its groups are greedy, so each ends at the last occurrence of
 * the next separator that still lets the rest match: when the last `,iv:`, `,tag:`, `,type:` and
 * `]` come in that order with a character in each group, they are the regex's own split, found by
 * lastIndexOf near the end of the string instead of by backtracking over the whole data part.
 * Anything else goes to the regex.
 */
function splitEnc(s: string): [string, string, string, string] | null {
  if (s.startsWith(ENC_PREFIX)) {
    const end = s.lastIndexOf("]");
    const ty = s.lastIndexOf(",type:", end - 1);
    const tag = s.lastIndexOf(",tag:", ty - 1);
    const iv = s.lastIndexOf(",iv:", tag - 1);
    if (iv > ENC_PREFIX.length && tag > iv + 4 && ty > tag + 5 && end > ty + 6) {
      return [s.slice(ENC_PREFIX.length, iv), s.slice(iv + 4, tag), s.slice(tag + 5, ty), s.slice(ty + 6, end)];
    }
  }
  const m = ENC_RE.exec(s);
  return m === null ? null : [m[1] as string, m[2] as string, m[3] as string, m[4] as string];
}

/** Formats the parts as sops does. */
export function formatEnc(v: EncValue): string {
  const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
  // join makes one flat string; a template literal makes a rope that the emitter flattens later.
  return [ENC_PREFIX, b64(v.data), ",iv:", b64(v.iv), ",tag:", b64(v.tag), ",type:", v.type, "]"].join("");
}

/** Encrypts `plain` with AES-256-GCM under `key` and `iv`, authenticating `aad`. */
export function sealValue(plain: Uint8Array, key: Uint8Array, iv: Uint8Array, aad: string, type: string): string {
  const c = createCipheriv("aes-256-gcm", keyObjectOf(key), iv, { authTagLength: TAG_SIZE });
  c.setAAD(Buffer.from(aad, "utf8"));
  const head = c.update(plain);
  const tail = c.final();
  const data = tail.length === 0 ? head : Buffer.concat([head, tail]);
  return formatEnc({ data, iv, tag: c.getAuthTag(), type });
}

/**
 * Decrypts an `ENC[...]` value. Returns the plaintext bytes, the type tag and the IV (for the stash).
 * @throws HushError DECRYPT_TREE on a malformed value or a failed authentication.
 */
export function openValue(s: string, key: Uint8Array, aad: string): { plain: Uint8Array; type: string; iv: Uint8Array } {
  const v = parseEnc(s);
  if (v.iv.length === 0) throw new HushError("DECRYPT_TREE", "malformed encrypted value: empty iv");
  if (v.tag.length !== TAG_SIZE) throw new HushError("DECRYPT_TREE", "malformed encrypted value: tag is not 16 bytes");
  try {
    const d = createDecipheriv("aes-256-gcm", keyObjectOf(key), v.iv, { authTagLength: TAG_SIZE });
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(v.tag);
    const head = d.update(v.data);
    const tail = d.final();
    const plain = tail.length === 0 ? head : Buffer.concat([head, tail]);
    return { plain, type: v.type, iv: v.iv };
  } catch {
    throw new HushError("DECRYPT_TREE", "could not decrypt with AES_GCM: message authentication failed");
  }
}
