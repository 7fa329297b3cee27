/**
 * `hush ssh-to-age`: what Mic92's Go ssh-to-age prints, byte for byte (golden vectors in
 * test/vectors/ssh-to-age). Public mode reads one key per line (authorized_keys lines, ssh-keyscan
 * or known_hosts entries), skips empty lines and lines starting with `#`, prints one `age1…` per
 * ssh-ed25519 key, reports other key types as skipped and stops at the first line it cannot parse
 * — keeping what it printed before, as the Go tool does. Lines are parsed as golang.org/x/crypto/ssh
 * does: a line starting with `ssh-` as an authorized_keys line, any other as a known_hosts entry.
 * Private mode prints the `AGE-SECRET-KEY-1…` of one unencrypted OpenSSH ed25519 private key.
 * Errors name the line number, never the line (the Go tool prints the whole input, private keys too).
 */
import { createPublicKey } from "node:crypto";
import { HushError } from "../../errors.js";
import { x25519IdentityFromSshKey, x25519RecipientFromSshKey } from "../../keys/age/index.js";
import { parseSshPrivateKey } from "../../keys/age/openssh.js";

/** The outcome of converting a list of public keys: what to print, in order, and where it stopped. */
export interface SshToAgePublicResult {
  /** One `age1…` per converted key, in input order. */
  readonly recipients: string[];
  /** The `skipped key: …` lines (without newline) for keys of another type. */
  readonly skipped: string[];
  /** The error that stopped the conversion (the recipients before it are still printed), or null. */
  readonly error: HushError | null;
}

const ED25519_ONLY = "only ed25519 keys are supported";

function unparsable(lineNo: number, why: string): HushError {
  return new HushError("KEY_FORMAT", `line ${lineNo}: failed to parse ssh public key: ${why}`);
}

/** A cursor over SSH wire data, failing like x/crypto/ssh ("short read"). */
class Wire {
  #b: Buffer;
  #pos = 0;
  constructor(b: Buffer) {
    this.#b = b;
  }
  get rest(): number {
    return this.#b.length - this.#pos;
  }
  bytes(): Buffer {
    if (this.#pos + 4 > this.#b.length) throw new Error("short read");
    const n = this.#b.readUInt32BE(this.#pos);
    if (this.#pos + 4 + n > this.#b.length) throw new Error("short read");
    const v = this.#b.subarray(this.#pos + 4, this.#pos + 4 + n);
    this.#pos += 4 + n;
    return v;
  }
  string(): string {
    return this.bytes().toString("latin1");
  }
}

const EC_CURVES: Record<string, { name: string; crv: string; size: number }> = {
  "ecdsa-sha2-nistp256": { name: "nistp256", crv: "P-256", size: 32 },
  "ecdsa-sha2-nistp384": { name: "nistp384", crv: "P-384", size: 48 },
  "ecdsa-sha2-nistp521": { name: "nistp521", crv: "P-521", size: 66 },
  "sk-ecdsa-sha2-nistp256@openssh.com": { name: "nistp256", crv: "P-256", size: 32 },
};

function checkEcPoint(curve: { crv: string; size: number }, point: Buffer): void {
  if (point.length !== 1 + 2 * curve.size || point[0] !== 4) throw new Error("invalid point");
  const b64 = (b: Buffer): string => b.toString("base64url");
  try {
    createPublicKey({ key: { kty: "EC", crv: curve.crv, x: b64(point.subarray(1, 1 + curve.size)), y: b64(point.subarray(1 + curve.size)) }, format: "jwk" });
  } catch {
    throw new Error("invalid point");
  }
}

function checkMpint(v: Buffer): bigint {
  if (v.length > 0 && (v[0] ?? 0) & 0x80) throw new Error("negative mpint");
  return v.length === 0 ? 0n : BigInt(`0x${v.toString("hex")}`);
}

/**
 * The key type of an SSH public key in wire form, checked as x/crypto/ssh's ParsePublicKey checks it.
 * Certificates (`…-cert-v01@openssh.com`) are accepted by name without checking their body.
 */
function publicKeyType(wire: Buffer): string {
  const r = new Wire(wire);
  const algo = r.string();
  if (algo.endsWith("-cert-v01@openssh.com")) return algo;
  if (algo === "ssh-rsa") {
    const e = checkMpint(r.bytes());
    checkMpint(r.bytes());
    if (e >= 1n << 31n) throw new Error("exponent too large");
    if (e < 3n || e % 2n === 0n) throw new Error("incorrect exponent");
  } else if (algo === "ssh-dss") {
    for (let i = 0; i < 4; i++) checkMpint(r.bytes());
  } else if (algo === "ssh-ed25519" || algo === "sk-ssh-ed25519@openssh.com") {
    if (r.bytes().length !== 32) throw new Error("invalid size for Ed25519 key");
    if (algo.startsWith("sk-")) r.string();
  } else if (EC_CURVES[algo] !== undefined) {
    const curve = EC_CURVES[algo];
    if (r.string() !== curve.name) throw new Error("unsupported curve");
    checkEcPoint(curve, r.bytes());
    if (algo.startsWith("sk-")) r.string();
  } else {
    throw new Error("unknown key algorithm");
  }
  if (r.rest > 0) throw new Error("trailing junk in public key");
  return algo;
}

/** x/crypto/ssh's parseAuthorizedKey on what follows the type field: base64 blob then comment. */
function parseBlob(s: string): { type: string; wire: Buffer } {
  const t = s.trim();
  const i = t.search(/[ \t]/);
  const b64 = i === -1 ? t : t.slice(0, i);
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new Error("illegal base64 data");
  const wire = Buffer.from(b64, "base64");
  return { type: publicKeyType(wire), wire };
}

/** x/crypto/ssh cuts a line at its first CR and trims it. */
function cutLine(line: string): string {
  const cr = line.indexOf("\r");
  return (cr === -1 ? line : line.slice(0, cr)).trim();
}

/** ssh.ParseAuthorizedKey on one line (with the options field fallback). */
function parseAuthorizedLine(line: string): { type: string; wire: Buffer } {
  const inl = cutLine(line);
  if (inl === "" || inl.startsWith("#")) throw new Error("no key found");
  const i = inl.search(/[ \t]/);
  if (i === -1) throw new Error("no key found");
  try {
    return parseBlob(inl.slice(i));
  } catch {
    // maybe an options field comes first
  }
  let j = 0;
  let inQuote = false;
  for (; j < inl.length; j++) {
    const c = inl[j];
    if (!inQuote && (c === " " || c === "\t")) break;
    if (c === '"' && (j === 0 || inl[j - 1] !== "\\")) inQuote = !inQuote;
  }
  while (j < inl.length && (inl[j] === " " || inl[j] === "\t")) j++;
  const rest = inl.slice(j);
  const k = rest.search(/[ \t]/);
  if (j === inl.length || k === -1) throw new Error("no key found");
  try {
    return parseBlob(rest.slice(k));
  } catch {
    throw new Error("no key found");
  }
}

/** ssh.ParseKnownHosts on one line: [@marker] hosts type blob [comment]. */
function parseKnownHostsLine(line: string): { type: string; wire: Buffer } {
  const inl = cutLine(line);
  if (inl === "" || inl.startsWith("#") || inl.search(/[ \t]/) === -1) throw new Error("EOF");
  let fields = inl.split(/\s+/);
  if (fields.length < 3 || fields.length > 5) throw new Error("invalid entry in known_hosts data");
  if (fields[0]?.startsWith("@")) fields = fields.slice(1);
  return parseBlob(fields.slice(2).join(" "));
}

/**
 * Converts a list of SSH public keys (one a line) to age recipients, as `ssh-to-age` does.
 * Never throws for bad input: the error that stops the list is returned with what came before.
 */
export async function sshToAgePublic(text: string): Promise<SshToAgePublicResult> {
  const recipients: string[] = [];
  const skipped: string[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? "";
    if (line === "" || line.startsWith("#")) continue;
    let key: { type: string; wire: Buffer };
    try {
      key = line.startsWith("ssh-") ? parseAuthorizedLine(line) : parseKnownHostsLine(line);
    } catch (e) {
      return { recipients, skipped, error: unparsable(n + 1, (e as Error).message) };
    }
    if (key.type !== "ssh-ed25519") {
      skipped.push(`skipped key: got ${key.type} key type, but ${ED25519_ONLY}`);
      continue;
    }
    try {
      recipients.push(await x25519RecipientFromSshKey(`ssh-ed25519 ${key.wire.toString("base64")}`));
    } catch {
      return { recipients, skipped, error: new HushError("KEY_FORMAT", `line ${n + 1}: cannot convert ed25519 public key to curve25519: invalid point encoding`) };
    }
  }
  return { recipients, skipped, error: null };
}

/**
 * Converts an OpenSSH/PEM ed25519 private key to its `AGE-SECRET-KEY-1…` identity, as
 * `ssh-to-age -private-key` does. An encrypted OpenSSH key needs its `passphrase` (bcrypt KDF,
 * aes256-ctr/aes256-cbc, as x/crypto/ssh); a non-empty `passphrase` on an unencrypted key is an
 * error there too. Encrypted legacy PEM keys are not supported.
 * @throws HushError KEY_FORMAT (the message never contains key material)
 */
export function sshToAgePrivate(text: string, passphrase: string): string {
  let parsed;
  try {
    parsed = parseSshPrivateKey(text);
  } catch {
    throw new HushError("KEY_FORMAT", "failed to parse ssh private key: no key found");
  }
  if (parsed.encrypted) {
    if (passphrase === "") throw new HushError("KEY_FORMAT", "failed to parse ssh private key: this private key is passphrase protected", { hints: ["set SSH_TO_AGE_PASSPHRASE or use -stdinpass"] });
    if (!/-----BEGIN OPENSSH PRIVATE KEY-----/.test(text)) throw new HushError("KEY_FORMAT", "passphrase-protected PEM private keys are not supported; convert the key with ssh-keygen -p first");
    if (parsed.publicKey !== null && parsed.publicKey.type !== "ssh-ed25519") throw new HushError("KEY_FORMAT", `got ${parsed.publicKey.type} key type but: ${ED25519_ONLY}`);
    return x25519IdentityFromSshKey(text, passphrase);
  }
  if (passphrase !== "") throw new HushError("KEY_FORMAT", "failed to parse ssh private key: key is not password protected");
  if (parsed.key.type !== "ssh-ed25519") throw new HushError("KEY_FORMAT", `got ${parsed.key.type} key type but: ${ED25519_ONLY}`);
  return x25519IdentityFromSshKey(text);
}
