/**
 * The native X25519 recipient type (c2sp.org/age) on node:crypto: X25519 `diffieHellman` with raw
 * keys wrapped in fixed DER prefixes, HKDF-SHA-256 and ChaCha20-Poly1305. Bech32 comes from
 * @scure/base (audited, already a dependency of age-encryption).
 */
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from "node:crypto";
import { bech32 } from "@scure/base";
import { HushError } from "../../errors.js";
import { AgeFileError, bech32Decode, decodeRawBase64, encodeRawBase64, hkdf32, unwrapFileKey, wrapFileKey } from "./format.js";
import type { Stanza, StanzaIdentity } from "./format.js";

// PKCS#8 and SPKI encodings of an X25519 key are these prefixes followed by the 32 raw bytes.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const X25519_INFO = "age-encryption.org/v1/X25519";

// Key objects: a private key is imported once per identity (DER, the only raw-private form node accepts
// without the public half); public points go in as JWK, which node imports ~10x faster than DER.
function privateKeyObject(scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: "der", type: "pkcs8" });
}

function publicKeyObject(point: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(point).toString("base64url") }, format: "jwk" });
}

function dh(privateKey: KeyObject, point: Uint8Array): Uint8Array | null {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey: publicKeyObject(point) });
  } catch {
    return null; // OpenSSL refuses an all-zero result
  }
  if (shared.every((b) => b === 0)) return null;
  return new Uint8Array(shared.buffer, shared.byteOffset, shared.byteLength);
}

/**
 * X25519(scalar, point) per RFC 7748 (the scalar is clamped by the primitive).
 * @returns the shared secret, or null when it is all zeros (a low-order point).
 */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array | null {
  return dh(privateKeyObject(scalar), point);
}

/** X25519(scalar, basepoint): the public point of a scalar. */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: "der", type: "pkcs8" });
  const der = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}

/** Decodes an `age1…` recipient to its 32-byte point. @throws HushError KEY_FORMAT */
export function decodeX25519Recipient(s: string): Uint8Array {
  const d = s === s.toLowerCase() ? bech32Decode(s) : null;
  if (d === null || d.prefix !== "age" || d.bytes.length !== 32) {
    throw new HushError("KEY_FORMAT", "failed to parse input as Bech32-encoded age public key: malformed recipient");
  }
  return d.bytes;
}

/** Decodes an `AGE-SECRET-KEY-1…` identity to its 32-byte scalar, or null when malformed. */
export function decodeX25519Identity(s: string): Uint8Array | null {
  const d = s === s.toUpperCase() ? bech32Decode(s) : null;
  if (d === null || d.prefix !== "age-secret-key-" || d.bytes.length !== 32) return null;
  return d.bytes;
}

/** Encodes a 32-byte point as an `age1…` recipient. */
export function encodeX25519Recipient(point: Uint8Array): string {
  return bech32.encode("age", bech32.toWords(point), false);
}

/** Encodes a 32-byte scalar as an `AGE-SECRET-KEY-1…` identity. */
export function encodeX25519Identity(scalar: Uint8Array): string {
  return bech32.encode("age-secret-key-", bech32.toWords(scalar), false).toUpperCase();
}

/** Wraps a file key for an X25519 recipient point: one `X25519` stanza. */
export function x25519Wrap(recipient: Uint8Array, fileKey: Uint8Array): Stanza {
  // The ephemeral scalar comes from randomBytes and is imported, not from generateKeyPairSync: OpenSSL's
  // key generation was seen to deadlock now and then (main thread in a futex wait) under concurrent runs.
  const scalar = randomBytes(32);
  const share = x25519Base(scalar);
  const shared = dh(privateKeyObject(scalar), recipient);
  if (shared === null) throw new HushError("KEY_FORMAT", "invalid X25519 recipient: low-order point");
  const wrapKey = hkdf32(shared, Buffer.concat([share, recipient]), X25519_INFO);
  return { type: "X25519", args: [encodeRawBase64(share)], body: wrapFileKey(wrapKey, fileKey) };
}

/** An X25519 identity that unwraps `X25519` stanzas. */
export class X25519Identity implements StanzaIdentity {
  readonly kind: "x25519" = "x25519";
  readonly #key: KeyObject;
  readonly #point: Uint8Array;
  readonly recipient: string;

  constructor(scalar: Uint8Array) {
    this.#key = privateKeyObject(scalar);
    this.#point = new Uint8Array(createPublicKey(this.#key).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length));
    this.recipient = encodeX25519Recipient(this.#point);
  }

  describe(): string {
    return this.recipient;
  }

  unwrapStanza(s: Stanza): Uint8Array | null {
    if (s.type !== "X25519") return null;
    if (s.args.length !== 1) throw new AgeFileError("header", "invalid X25519 stanza");
    const share = decodeRawBase64(s.args[0] ?? "");
    if (share === null || share.length !== 32) throw new AgeFileError("header", "invalid X25519 stanza share");
    if (s.body.length !== 32) throw new AgeFileError("header", "invalid X25519 stanza body length");
    const shared = dh(this.#key, share);
    if (shared === null) throw new AgeFileError("header", "invalid X25519 stanza: low-order share");
    const wrapKey = hkdf32(shared, Buffer.concat([share, this.#point]), X25519_INFO);
    return unwrapFileKey(wrapKey, s.body);
  }
}
