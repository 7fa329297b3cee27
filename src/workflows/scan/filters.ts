/**
 * The value filters the rules share: Shannon entropy, placeholder detection, CRC32 checksums of
 * GitHub/npm-style tokens, JWT header decoding and the encrypted-key test for private key blocks.
 * All pure functions of the candidate secret.
 */

/** Shannon entropy of `s` in bits per character (0 for ""). */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// Words that, inside a value, say "this is a stand-in, not a credential". Matched case-insensitively
// as substrings of the whole value (so `your_api_key_here`, `EXAMPLEKEY`, `<password>` all drop).
const PLACEHOLDER_WORDS = [
  "example", "changeme", "change_me", "change-me", "placeholder", "your_", "your-", "yourpass", "yourkey", "yoursecret",
  "replace_me", "replaceme", "insert_", "dummy", "sample", "redacted", "notreal", "not_real", "not-a-real", "fake",
  "<", ">", "${", "{{", "}}", "%(", "$(", "#{", "...", "…", "***", "xxxx", "XXXX", "todo", "fixme", "tbd",
  "undefined", "null", "none", "false", "true", "secret_here", "key_here", "token_here", "password_here", "process.env",
  "os.environ", "os.getenv", "getenv(", "env[", "env.", "config.", "settings.", "options.", "self.", "this.", "args.",
  "params.", "request.", "vault:", "secretref", "secretkeyref", "valuefrom", "keyvault", "ssm:", "arn:aws", "lookup(",
  "var.", "input.", "${{", "secrets.", "password123", "p@ssw0rd", "hunter2", "letmein", "qwerty", "12345678",
];

/** Values that are exactly one of these (case-insensitive) are placeholders. */
const PLACEHOLDER_EXACT = new Set([
  "password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "api_key", "api-key", "access_key",
  "secret_key", "private_key", "client_secret", "auth", "credentials", "test", "testing", "admin", "root", "user",
  "username", "login", "string", "str", "text", "value", "required", "optional", "default", "empty", "blank", "n/a",
  "na", "nil", "bearer", "basic", "env", "variable", "mypassword", "mysecret", "mytoken", "foo", "bar", "baz", "foobar",
  "abc", "abc123", "123456", "secret123", "pass123", "guest",
]);

/**
 * True when `value` looks like a stand-in rather than a credential: template syntax (`${VAR}`,
 * `{{ x }}`, `<password>`, `%(x)s`), a masked value (`****`, `xxxxx`), a bare keyword
 * (`password`, `token`), an environment lookup (`process.env.X`), or a stopword.
 */
export function isPlaceholder(value: string, stopwords: readonly string[] = []): boolean {
  const v = value.toLowerCase();
  if (PLACEHOLDER_EXACT.has(v)) return true;
  for (const w of PLACEHOLDER_WORDS) if (v.includes(w.toLowerCase())) return true;
  for (const w of stopwords) if (v.includes(w)) return true;
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return true; // $VAR
  if (/^%[A-Za-z_][A-Za-z0-9_]*%$/.test(value)) return true; // %VAR%
  if (/^(.)\1+$/.test(value)) return true; // one character repeated
  if (/^ENC\(.*\)$/.test(value)) return true; // a Jasypt-encrypted property: ciphertext, like ENC[…]
  if (/^[*x.\u2022#-]+$/i.test(value)) return true; // a mask
  return false;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, as zlib) of the UTF-8 bytes of `s`. */
export function crc32(s: string): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let r = 0xffffffff;
  for (const b of Buffer.from(s, "utf8")) r = (crcTable[(r ^ b) & 0xff] as number) ^ (r >>> 8);
  return (r ^ 0xffffffff) >>> 0;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `n` in base62 (0-9A-Za-z), left-padded with "0" to `width`. */
export function base62(n: number, width: number): string {
  let s = "";
  do {
    s = BASE62[n % 62] + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return s.padStart(width, "0");
}

/**
 * GitHub's token format (github.blog, 2021-04-05 "Behind GitHub's new authentication token formats"),
 * shared by npm's `npm_` tokens: PREFIX_ + random base62 + 6-character base62 CRC-32 of the random part.
 */
export function checksumTokenValid(token: string): boolean {
  const us = token.indexOf("_");
  const body = token.slice(us + 1);
  if (body.length < 7) return false;
  return base62(crc32(body.slice(0, -6)), 6) === body.slice(-6);
}

/** Decodes base64url (or base64) text; null when it is not valid. */
export function decodeBase64(s: string): Buffer | null {
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(s)) return null;
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** A JWT's header decodes to a JSON object with an `alg` (RFC 7519 / 7515), and the payload to JSON. */
export function jwtValid(token: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse((decodeBase64(parts[0] as string) ?? Buffer.alloc(0)).toString("utf8")) as unknown;
    if (typeof header !== "object" || header === null || typeof (header as Record<string, unknown>)["alg"] !== "string") return false;
    const payload = JSON.parse((decodeBase64(parts[1] as string) ?? Buffer.alloc(0)).toString("utf8")) as unknown;
    return typeof payload === "object" && payload !== null;
  } catch {
    return false;
  }
}

/**
 * True when a private key block is protected by a passphrase: PKCS#8 `ENCRYPTED PRIVATE KEY`,
 * traditional PEM with `Proc-Type: 4,ENCRYPTED`, or an OpenSSH key whose cipher name is not `none`.
 * Such keys are not reported (docs: the key material is ciphertext, as an `ENC[…]` value is).
 */
export function privateKeyEncrypted(block: string): boolean {
  if (/BEGIN ENCRYPTED PRIVATE KEY/.test(block)) return true;
  if (/Proc-Type:\s*4,\s*ENCRYPTED/i.test(block)) return true;
  if (/BEGIN OPENSSH PRIVATE KEY/.test(block)) {
    const body = block
      .replace(/-----(BEGIN|END) OPENSSH PRIVATE KEY-----/g, "")
      .replace(/\\n|\\r|["',\s]/g, "")
      .slice(0, 120);
    const raw = decodeBase64(body.slice(0, body.length - (body.length % 4)));
    if (raw === null || raw.length < 19) return false;
    const magic = "openssh-key-v1\0";
    if (raw.subarray(0, magic.length).toString("latin1") !== magic) return false;
    const len = raw.readUInt32BE(magic.length);
    const cipher = raw.subarray(magic.length + 4, magic.length + 4 + len).toString("latin1");
    return cipher !== "none";
  }
  return false;
}

/**
 * True when a provider-format value is evidently made up: it contains "example", one character six
 * times in a row, or six consecutive ascending or descending digits or letters ("123456", "fedcba").
 * In a random token of 40 base62 characters such a run has a chance of about 1 in 10^7.
 */
export function looksSynthetic(value: string): boolean {
  if (/example/i.test(value)) return true;
  let same = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const a = value.charCodeAt(i - 1) | 0x20;
    const b = value.charCodeAt(i) | 0x20;
    const alnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a);
    same = value[i] === value[i - 1] ? same + 1 : 1;
    up = alnum(a) && alnum(b) && b === a + 1 ? up + 1 : 1;
    down = alnum(a) && alnum(b) && b === a - 1 ? down + 1 : 1;
    if (same >= 6 || up >= 6 || down >= 6) return true;
  }
  return false;
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/** True when `s` (any case) is valid Bech32 (BIP 173) — the encoding of age identities. */
export function bech32Valid(s: string): boolean {
  const str = s.toLowerCase();
  const sep = str.lastIndexOf("1");
  if (sep < 1 || str.length - sep - 1 < 6) return false;
  const hrp = str.slice(0, sep);
  const values: number[] = [];
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) >> 5);
  values.push(0);
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) & 31);
  for (const ch of str.slice(sep + 1)) {
    const v = BECH32.indexOf(ch);
    if (v === -1) return false;
    values.push(v);
  }
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i] as number;
  }
  return chk === 1;
}
