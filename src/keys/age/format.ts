/**
 * The age v1 binary format (c2sp.org/age), built on node:crypto primitives only: the header of
 * recipient stanzas with its HMAC, and the STREAM payload (ChaCha20-Poly1305 in 64 KiB chunks).
 *
 * This file enforces the spec's strictness rules, because a lenient parser makes files malleable:
 * canonical unpadded base64, stanza bodies wrapped at exactly 64 columns and ended by a short line,
 * arguments of visible ASCII only, a 32-byte MAC, and a final STREAM chunk that is non-empty unless
 * the whole payload is. The C2SP CCTV vectors (test/unit/keys/age/format.test.ts) check each rule.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { bech32 } from "@scure/base";
import { HushError } from "../../errors.js";

/** Which stage of reading an age file failed (the CCTV `expect` classes). */
export type AgeFailure = "armor" | "header" | "hmac" | "payload";

/** A malformed age file. `failure` says which stage rejected it; the message never holds key material. */
export class AgeFileError extends HushError {
  readonly failure: AgeFailure;
  constructor(failure: AgeFailure, message: string) {
    super("KEY_FORMAT", `malformed age file: ${message}`);
    this.failure = failure;
  }
}

/** One recipient stanza: `-> type args…` and a binary body. */
export interface Stanza {
  readonly type: string;
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

/**
 * Something that can try to unwrap the file key from a header's stanzas. Returns `null` for "not
 * mine"; throws only for a stanza that is addressed to it but malformed (age's ErrIncorrectIdentity
 * contract).
 */
export interface StanzaIdentity {
  unwrapStanza(stanza: Stanza): Uint8Array | null | Promise<Uint8Array | null>;
  /** When present, tried once with all the stanzas of a file instead (age plugins see them together). */
  unwrapStanzas?(stanzas: readonly Stanza[]): Promise<Uint8Array | null>;
}

const VERSION_LINE = "age-encryption.org/v1";
const COLUMNS = 64;
const BYTES_PER_LINE = 48;
export const FILE_KEY_SIZE = 16;
const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
const NONCE_SIZE = 16;

const B64_CHAR = /^[A-Za-z0-9+/]*$/;

/** Canonical unpadded base64 (age's "raw" encoding) → bytes, or null when not canonical. */
export function decodeRawBase64(s: string): Uint8Array | null {
  if (!B64_CHAR.test(s) || s.length % 4 === 1) return null;
  const bytes = Buffer.from(s, "base64");
  // Buffer's decoder is lenient about trailing bits; re-encoding catches non-canonical input.
  if (bytes.toString("base64").replace(/=+$/, "") !== s) return null;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Bytes → unpadded standard base64. */
export function encodeRawBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64").replace(/=+$/, "");
}

/** HKDF-SHA-256 with 32 bytes of output, as every age key derivation uses. */
export function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", ikm, salt, info, 32));
}

/** ChaCha20-Poly1305 seal (ciphertext || tag). */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG_SIZE });
  const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** ChaCha20-Poly1305 open; null when the tag does not verify. */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < TAG_SIZE) return null;
  const d = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG_SIZE });
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    const out = Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_SIZE)), d.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    return null;
  }
}

/** Stanza file-key wrapping: ChaCha20-Poly1305 with a zero nonce (X25519, ssh-ed25519, scrypt). */
export function wrapFileKey(wrapKey: Uint8Array, fileKey: Uint8Array): Uint8Array {
  return aeadSeal(wrapKey, new Uint8Array(12), fileKey);
}

/** The inverse of wrapFileKey; null when the key does not open the body. */
export function unwrapFileKey(wrapKey: Uint8Array, body: Uint8Array): Uint8Array | null {
  return aeadOpen(wrapKey, new Uint8Array(12), body);
}

/** A parsed header and where the payload starts. */
export interface ParsedHeader {
  stanzas: Stanza[];
  /** The header bytes covered by the MAC: everything up to and including `---`. */
  macInput: Uint8Array;
  mac: Uint8Array;
  /** Offset of the payload (the nonce) in the file. */
  payloadOffset: number;
}

function isArgument(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Parses an age v1 header from a binary age file.
 * @throws AgeFileError ("header") for anything the spec's ABNF does not allow.
 */
export function parseHeader(file: Uint8Array): ParsedHeader {
  let pos = 0;
  const nextLine = (): string => {
    const nl = file.indexOf(0x0a, pos);
    if (nl < 0) throw new AgeFileError("header", "unexpected end of header");
    const line = Buffer.from(file.buffer, file.byteOffset + pos, nl - pos).toString("latin1");
    pos = nl + 1;
    return line;
  };
  if (nextLine() !== VERSION_LINE) throw new AgeFileError("header", "unsupported version or not an age file");
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = pos;
    const line = nextLine();
    if (line.startsWith("---")) {
      const parts = line.split(" ");
      if (parts[0] !== "---" || parts.length !== 2) throw new AgeFileError("header", "malformed closing line");
      const mac = decodeRawBase64(parts[1] ?? "");
      if (mac === null || mac.length !== 32) throw new AgeFileError("header", "malformed header mac");
      if (stanzas.length === 0) throw new AgeFileError("header", "no recipient stanzas");
      return { stanzas, macInput: file.subarray(0, lineStart + 3), mac, payloadOffset: pos };
    }
    if (!line.startsWith("->")) throw new AgeFileError("header", "unexpected line in header");
    const parts = line.split(" ");
    if (parts[0] !== "->" || parts.length < 2) throw new AgeFileError("header", "malformed stanza opening line");
    const args = parts.slice(1);
    if (!args.every(isArgument)) throw new AgeFileError("header", "malformed stanza argument");
    const chunks: Uint8Array[] = [];
    for (;;) {
      const bodyLine = nextLine();
      if (bodyLine.length > COLUMNS) throw new AgeFileError("header", "stanza body line too long");
      const bytes = decodeRawBase64(bodyLine);
      if (bytes === null) throw new AgeFileError("header", "malformed stanza body");
      chunks.push(bytes);
      if (bytes.length < BYTES_PER_LINE) break;
    }
    stanzas.push({ type: args[0] ?? "", args: args.slice(1), body: concat(chunks) });
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = Buffer.concat(parts);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Encodes one stanza: the argument line and the body wrapped at 64 columns, ending in a short line. */
export function encodeStanza(s: Stanza): string {
  let out = `-> ${[s.type, ...s.args].join(" ")}\n`;
  const b64 = encodeRawBase64(s.body);
  for (let i = 0; i <= b64.length; i += COLUMNS) {
    const line = b64.slice(i, i + COLUMNS);
    out += `${line}\n`;
    if (line.length < COLUMNS) break;
  }
  return out;
}

/** The header MAC: HMAC-SHA-256 keyed with HKDF(fileKey, "", "header"). */
export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const key = hkdf32(fileKey, new Uint8Array(0), "header");
  return new Uint8Array(createHmac("sha256", key).update(macInput).digest());
}

/** Writes a complete binary age file: header for `stanzas`, MAC, nonce and STREAM payload. */
export function encodeAgeFile(fileKey: Uint8Array, stanzas: readonly Stanza[], payload: Uint8Array): Uint8Array {
  let header = `${VERSION_LINE}\n`;
  for (const s of stanzas) header += encodeStanza(s);
  header += "---";
  const headerBytes = Buffer.from(header, "latin1");
  const mac = headerMac(fileKey, headerBytes);
  const nonce = new Uint8Array(randomBytes(NONCE_SIZE));
  return concat([headerBytes, Buffer.from(` ${encodeRawBase64(mac)}\n`, "latin1"), nonce, streamEncrypt(fileKey, nonce, payload)]);
}

function chunkNonce(counter: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  // 11-byte big-endian counter in n[0..10] (a number is exact up to 2^53 chunks), then the last flag.
  const v = new DataView(n.buffer);
  v.setUint32(3, Math.floor(counter / 2 ** 32));
  v.setUint32(7, counter >>> 0);
  n[11] = last ? 1 : 0;
  return n;
}

function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf32(fileKey, nonce, "payload");
}

/** STREAM-encrypts `payload` under HKDF(fileKey, nonce, "payload"). */
export function streamEncrypt(fileKey: Uint8Array, nonce: Uint8Array, payload: Uint8Array): Uint8Array {
  const key = payloadKey(fileKey, nonce);
  const out: Uint8Array[] = [];
  let counter = 0;
  for (let off = 0; ; off += CHUNK_SIZE, counter++) {
    const end = Math.min(off + CHUNK_SIZE, payload.length);
    const last = end === payload.length;
    out.push(aeadSeal(key, chunkNonce(counter, last), payload.subarray(off, end)));
    if (last) break;
  }
  return concat(out);
}

/** The outcome of STREAM decryption: every plaintext byte released before the first failure. */
export interface StreamResult {
  plaintext: Uint8Array;
  error: AgeFileError | null;
}

/**
 * STREAM-decrypts the payload after the nonce. Never throws; a failure is returned with the
 * plaintext of the chunks that verified before it (the CCTV "payload failure" contract).
 */
export function streamDecrypt(fileKey: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): StreamResult {
  const key = payloadKey(fileKey, nonce);
  const out: Uint8Array[] = [];
  const fail = (msg: string): StreamResult => ({ plaintext: concat(out), error: new AgeFileError("payload", msg) });
  const encChunk = CHUNK_SIZE + TAG_SIZE;
  if (ciphertext.length === 0) return fail("missing final chunk");
  let counter = 0;
  for (let off = 0; off < ciphertext.length; off += encChunk, counter++) {
    const end = Math.min(off + encChunk, ciphertext.length);
    const last = end === ciphertext.length;
    const chunk = ciphertext.subarray(off, end);
    if (chunk.length < TAG_SIZE) return fail("chunk too short");
    const plain = aeadOpen(key, chunkNonce(counter, last), chunk);
    if (plain === null) {
      // age releases every chunk that authenticates: a full chunk with the other final flag is
      // released, and then the error is a missing final chunk or data after the final chunk.
      const other = chunk.length === encChunk ? aeadOpen(key, chunkNonce(counter, !last), chunk) : null;
      if (other === null) return fail(`payload chunk ${counter} failed to authenticate`);
      out.push(other);
      return fail(last ? "missing final chunk" : "data after the final chunk");
    }
    if (last && plain.length === 0 && counter > 0) return fail("final chunk is empty");
    out.push(plain);
  }
  return { plaintext: concat(out), error: null };
}

/**
 * Decrypts a binary age file with the given identities.
 * @returns the payload, or `null` when no identity unwraps any stanza.
 * @throws AgeFileError for a malformed header, a bad MAC or a payload that does not authenticate.
 */
export async function decryptAgeFile(file: Uint8Array, identities: readonly StanzaIdentity[]): Promise<Uint8Array | null> {
  const r = await decryptAgeFileDetailed(file, identities);
  if (r === null) return null;
  if (r.error !== null) throw r.error;
  return r.plaintext;
}

/** Like decryptAgeFile, but a payload failure is returned with the plaintext released before it. */
export async function decryptAgeFileDetailed(file: Uint8Array, identities: readonly StanzaIdentity[]): Promise<StreamResult | null> {
  const header = parseHeader(file);
  if (header.stanzas.some((s) => s.type === "scrypt") && header.stanzas.length !== 1) {
    throw new AgeFileError("header", "an scrypt stanza must be the only stanza");
  }
  let fileKey: Uint8Array | null = null;
  search: for (const id of identities) {
    if (id.unwrapStanzas !== undefined) {
      const k = await id.unwrapStanzas(header.stanzas);
      if (k !== null) {
        fileKey = k;
        break;
      }
      continue;
    }
    for (const s of header.stanzas) {
      const k = await id.unwrapStanza(s);
      if (k !== null) {
        fileKey = k;
        break search;
      }
    }
  }
  if (fileKey === null) return null;
  if (fileKey.length !== FILE_KEY_SIZE) throw new AgeFileError("header", "unwrapped file key has the wrong size");
  const mac = headerMac(fileKey, header.macInput);
  if (!timingSafeEqual(mac, header.mac)) throw new AgeFileError("hmac", "header mac does not match");
  const rest = file.subarray(header.payloadOffset);
  if (rest.length < NONCE_SIZE) throw new AgeFileError("header", "missing payload nonce");
  return streamDecrypt(fileKey, rest.subarray(0, NONCE_SIZE), rest.subarray(NONCE_SIZE));
}

/** A fresh random 16-byte file key. */
export function newFileKey(): Uint8Array {
  return new Uint8Array(randomBytes(FILE_KEY_SIZE));
}

/** Bech32 without the 90-character limit, as age uses it. Null on any decoding problem. */
export function bech32Decode(s: string): { prefix: string; bytes: Uint8Array } | null {
  try {
    const { prefix, words } = bech32.decode(s as `${string}1${string}`, false);
    return { prefix, bytes: bech32.fromWords(words) };
  } catch {
    return null;
  }
}
