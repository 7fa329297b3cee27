/**
 * SSH key parsing for the age ssh-ed25519 and ssh-rsa types: authorized_keys lines (recipients)
 * and private key files (identities). The `openssh-key-v1` container is parsed here; PKCS#1/PKCS#8
 * PEM files are handed to node:crypto. Encrypted keys are reported as such, unless a passphrase is
 * given (ssh-to-age, or the prompt when a stanza for the key turns up): then `openssh-key-v1` is
 * decrypted as golang.org/x/crypto/ssh does (bcrypt KDF via the bcrypt-pbkdf package — node:crypto
 * has no Blowfish and we do not hand-write one — and aes256-ctr or aes256-cbc), and legacy PEM
 * encryption (Proc-Type/DEK-Info) or encrypted PKCS#8 by node:crypto. Errors never contain key bytes.
 */
import { createDecipheriv, createPrivateKey, createPublicKey, createHash } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { HushError } from "../../errors.js";
import { bcryptPbkdf } from "../../deps.js";
import { encodeRawBase64 } from "./format.js";

/** A parsed SSH public key. `wire` is its SSH wire encoding (what the age tag and tweak hash). */
export type SshPublicKey =
  | { readonly type: "ssh-ed25519"; readonly wire: Uint8Array; readonly ed25519: Uint8Array }
  | { readonly type: "ssh-rsa"; readonly wire: Uint8Array; readonly key: KeyObject };

/** A parsed SSH private key with its public half. */
export type SshPrivateKey =
  | { readonly type: "ssh-ed25519"; readonly publicKey: SshPublicKey; readonly seed: Uint8Array }
  | { readonly type: "ssh-rsa"; readonly publicKey: SshPublicKey; readonly key: KeyObject };

/** The result of reading a private key file: usable, or passphrase-protected (public key if known). */
export type ParsedSshPrivateKey =
  | { readonly encrypted: false; readonly key: SshPrivateKey }
  | { readonly encrypted: true; readonly publicKey: SshPublicKey | null };

/** age's stanza tag for an SSH key: base64 of the first 4 bytes of SHA-256 of the wire encoding. */
export function sshTag(pk: SshPublicKey): string {
  return encodeRawBase64(createHash("sha256").update(pk.wire).digest().subarray(0, 4));
}

function malformed(what: string): HushError {
  return new HushError("KEY_FORMAT", `malformed ssh ${what}`);
}

/** A cursor over SSH wire data (RFC 4251 strings, uint32s, mpints). */
class WireReader {
  #b: Uint8Array;
  #pos = 0;
  readonly #what: string;
  constructor(b: Uint8Array, what: string) {
    this.#b = b;
    this.#what = what;
  }
  get done(): boolean {
    return this.#pos >= this.#b.length;
  }
  uint32(): number {
    if (this.#pos + 4 > this.#b.length) throw malformed(this.#what);
    const v = new DataView(this.#b.buffer, this.#b.byteOffset + this.#pos, 4).getUint32(0);
    this.#pos += 4;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.uint32();
    if (this.#pos + n > this.#b.length) throw malformed(this.#what);
    const v = this.#b.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }
  string(): string {
    return Buffer.from(this.bytes()).toString("latin1");
  }
  /** An mpint as an unsigned big-endian magnitude without leading zeros. */
  mpint(): Uint8Array {
    const v = this.bytes();
    if (v.length > 0 && (v[0] ?? 0) & 0x80) throw malformed(this.#what); // negative
    let i = 0;
    while (i < v.length && v[i] === 0) i++;
    return v.subarray(i);
  }
}

function sshString(b: Uint8Array | string): Buffer {
  const body = typeof b === "string" ? Buffer.from(b, "latin1") : Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function sshMpint(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return sshString(m.length > 0 && (m[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m);
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const fromB64url = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? "", "base64url"));

function ed25519Public(ed25519: Uint8Array): SshPublicKey {
  if (ed25519.length !== 32) throw malformed("ed25519 key");
  return { type: "ssh-ed25519", wire: Buffer.concat([sshString("ssh-ed25519"), sshString(ed25519)]), ed25519 };
}

function rsaPublic(n: Uint8Array, e: Uint8Array): SshPublicKey {
  const key = createPublicKey({ key: { kty: "RSA", n: b64url(n), e: b64url(e) }, format: "jwk" });
  return { type: "ssh-rsa", wire: Buffer.concat([sshString("ssh-rsa"), sshMpint(e), sshMpint(n)]), key };
}

/** Parses an SSH public key from its wire encoding. @throws HushError KEY_FORMAT */
export function parseSshPublicKeyWire(wire: Uint8Array): SshPublicKey {
  const r = new WireReader(wire, "public key");
  const type = r.string();
  if (type === "ssh-ed25519") {
    const pk = ed25519Public(r.bytes());
    if (!r.done) throw malformed("public key");
    return pk;
  }
  if (type === "ssh-rsa") {
    const e = r.mpint();
    const n = r.mpint();
    if (!r.done) throw malformed("public key");
    return rsaPublic(n, e);
  }
  throw new HushError("KEY_FORMAT", `unknown SSH recipient type: ${JSON.stringify(type)}`);
}

/**
 * Parses an authorized_keys style line: `ssh-ed25519 AAAA… comment` or `ssh-rsa AAAA… comment`.
 * @throws HushError KEY_FORMAT for other key types or a malformed key
 */
export function parseAuthorizedKey(line: string): SshPublicKey {
  const parts = line.trim().split(/[ \t]+/);
  const [type, blob] = parts;
  if (type === undefined || blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) throw malformed("public key");
  if (type !== "ssh-ed25519" && type !== "ssh-rsa") {
    throw new HushError("KEY_FORMAT", `unknown SSH recipient type: ${JSON.stringify(type)}`);
  }
  const pk = parseSshPublicKeyWire(Buffer.from(blob, "base64"));
  if (pk.type !== type) throw malformed("public key");
  return pk;
}

/** The authorized_keys form of a public key (no comment). */
export function formatAuthorizedKey(pk: SshPublicKey): string {
  return `${pk.type} ${Buffer.from(pk.wire).toString("base64")}`;
}

function pemBody(text: string, label: string): Uint8Array | null {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(text);
  if (m === null) return null;
  return Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64");
}

const OPENSSH_MAGIC = "openssh-key-v1\0";

/** bcrypt_pbkdf rounds above this are refused, as x/crypto/ssh does (16 is the default). */
const MAX_BCRYPT_ROUNDS = 2048;

/** Decrypts the private section of an encrypted `openssh-key-v1` key (x/crypto/ssh's ciphers). */
function decryptOpenSshSection(cipher: string, kdf: string, kdfOptions: Uint8Array, priv: Uint8Array, passphrase: string): Uint8Array {
  if (kdf !== "bcrypt") throw new HushError("KEY_FORMAT", `unsupported ssh private key kdf: ${JSON.stringify(kdf)}`);
  if (cipher !== "aes256-ctr" && cipher !== "aes256-cbc") {
    throw new HushError("KEY_FORMAT", `unsupported ssh private key cipher: ${JSON.stringify(cipher)} (supported: aes256-ctr, aes256-cbc)`);
  }
  const o = new WireReader(kdfOptions, "private key");
  const salt = o.bytes();
  const rounds = o.uint32();
  if (rounds > MAX_BCRYPT_ROUNDS) throw new HushError("KEY_FORMAT", `ssh private key bcrypt rounds ${rounds} exceed maximum ${MAX_BCRYPT_ROUNDS}`);
  if (cipher === "aes256-cbc" && priv.length % 16 !== 0) throw malformed("private key");
  const pass = Buffer.from(passphrase, "utf8");
  const k = new Uint8Array(48);
  if (bcryptPbkdf().pbkdf(pass, pass.length, salt, salt.length, k, k.length, rounds) !== 0) throw malformed("private key");
  const d = createDecipheriv(cipher === "aes256-ctr" ? "aes-256-ctr" : "aes-256-cbc", k.subarray(0, 32), k.subarray(32));
  d.setAutoPadding(false);
  return Buffer.concat([d.update(priv), d.final()]);
}

function parseOpenSshContainer(bytes: Uint8Array, passphrase?: string): ParsedSshPrivateKey {
  const magic = Buffer.from(bytes.subarray(0, OPENSSH_MAGIC.length)).toString("latin1");
  if (magic !== OPENSSH_MAGIC) throw malformed("private key");
  const r = new WireReader(bytes.subarray(OPENSSH_MAGIC.length), "private key");
  const cipher = r.string();
  const kdf = r.string();
  const kdfOptions = r.bytes();
  if (r.uint32() !== 1) throw new HushError("KEY_FORMAT", "ssh private key files with several keys are not supported");
  const publicKey = parseSshPublicKeyWire(r.bytes());
  let priv = r.bytes();
  const encrypted = cipher !== "none" || kdf !== "none";
  if (encrypted && passphrase === undefined) return { encrypted: true, publicKey };
  if (encrypted) priv = decryptOpenSshSection(cipher, kdf, kdfOptions, priv, passphrase ?? "");
  const p = new WireReader(priv, "private key");
  if (p.uint32() !== p.uint32()) {
    if (encrypted) throw new HushError("KEY_FORMAT", "ssh private key decryption failed: incorrect passphrase");
    throw malformed("private key");
  }
  const type = p.string();
  if (type === "ssh-ed25519" && publicKey.type === "ssh-ed25519") {
    const pub = p.bytes();
    const sk = p.bytes();
    if (sk.length !== 64 || Buffer.compare(Buffer.from(sk.subarray(32)), Buffer.from(pub)) !== 0
      || Buffer.compare(Buffer.from(pub), Buffer.from(publicKey.ed25519)) !== 0) throw malformed("private key");
    return { encrypted: false, key: { type, publicKey, seed: sk.slice(0, 32) } };
  }
  if (type === "ssh-rsa" && publicKey.type === "ssh-rsa") {
    const n = p.mpint(), e = p.mpint(), d = p.mpint(), iqmp = p.mpint(), pp = p.mpint(), q = p.mpint();
    const big = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString("hex") || "0"}`);
    const bytesOf = (v: bigint): Uint8Array => {
      const h = v.toString(16);
      return Buffer.from(h.length % 2 ? `0${h}` : h, "hex");
    };
    const dp = bytesOf(big(d) % (big(pp) - 1n));
    const dq = bytesOf(big(d) % (big(q) - 1n));
    let key: KeyObject;
    try {
      key = createPrivateKey({
        key: { kty: "RSA", n: b64url(n), e: b64url(e), d: b64url(d), p: b64url(pp), q: b64url(q), dp: b64url(dp), dq: b64url(dq), qi: b64url(iqmp) },
        format: "jwk",
      });
    } catch {
      throw malformed("private key");
    }
    return { encrypted: false, key: { type, publicKey: rsaPublic(n, e), key } };
  }
  throw new HushError("KEY_FORMAT", `unsupported ssh identity type: ${JSON.stringify(type)}`);
}

/**
 * Parses an SSH private key file: `openssh-key-v1` (what ssh-keygen writes), or a PKCS#1/PKCS#8 PEM
 * RSA or Ed25519 key. With a `passphrase`, an encrypted key is decrypted: `openssh-key-v1` (bcrypt KDF,
 * aes256-ctr/aes256-cbc) here, legacy PEM encryption and encrypted PKCS#8 by node:crypto; without one
 * it is reported as encrypted.
 * @returns the key, or `{encrypted: true}` with the public key when the file is passphrase-protected
 * @throws HushError KEY_FORMAT for anything else, and for a wrong passphrase
 */
export function parseSshPrivateKey(text: string, passphrase?: string): ParsedSshPrivateKey {
  const openssh = pemBody(text, "OPENSSH PRIVATE KEY");
  if (openssh !== null) return parseOpenSshContainer(openssh, passphrase);
  const pemEncrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  if (pemEncrypted && passphrase === undefined) return { encrypted: true, publicKey: null };
  if (!/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(text)) throw malformed("private key: not a PEM private key");
  let key: KeyObject;
  try {
    // legacy PEM encryption (DEK-Info) and encrypted PKCS#8 are OpenSSL's own formats: node:crypto opens both
    key = createPrivateKey(pemEncrypted ? { key: text, format: "pem", passphrase: passphrase ?? "" } : { key: text, format: "pem" });
  } catch {
    if (pemEncrypted) throw new HushError("KEY_FORMAT", "ssh private key decryption failed: incorrect passphrase");
    throw malformed("private key");
  }
  const jwk = key.export({ format: "jwk" });
  if (key.asymmetricKeyType === "ed25519") {
    return { encrypted: false, key: { type: "ssh-ed25519", publicKey: ed25519Public(fromB64url(jwk.x)), seed: fromB64url(jwk.d) } };
  }
  if (key.asymmetricKeyType === "rsa") {
    return { encrypted: false, key: { type: "ssh-rsa", publicKey: rsaPublic(fromB64url(jwk.n), fromB64url(jwk.e)), key } };
  }
  throw new HushError("KEY_FORMAT", `unsupported ssh identity type: ${JSON.stringify(key.asymmetricKeyType ?? "unknown")}`);
}
