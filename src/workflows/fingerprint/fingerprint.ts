/**
 * `hush fingerprint`: a short keyed hash of a secret value, so two copies can be compared without
 * showing either (docs/decisions.md, "fingerprints").
 *
 * key = HKDF-SHA256(ikm = the file's data key, salt = "", info = "hush fingerprint v1", 32 bytes)
 * fingerprint = first 16 hex digits of HMAC-SHA256(key, the value's bytes)
 *
 * Only someone who can decrypt the file can compute or check a fingerprint, so a short secret cannot be
 * brute-forced from it; the data key is in the file, so every machine that can open it gets the same
 * result; set/edit/updatekeys keep the data key (fingerprints stay), rotate makes a new one (all change).
 * A value's bytes are its text as an environment variable holds it (numbers as sops prints them, null as
 * ""), so a copy in a server's .env or a CI secret can be checked with --stdin.
 */
import { createHmac, hkdfSync } from "node:crypto";
import { HushError } from "../../errors.js";
import { valToString } from "../../tree/go-format.js";
import { Comment, formatKeyPath, getPath, isList, isMap, parseTreePath, type Value } from "../../tree/index.js";
import { open, type FileCtx } from "../files/index.js";

const INFO = "hush fingerprint v1";
const utf8 = new TextEncoder();

/** The fingerprint key of a data key. */
export function fingerprintKey(dataKey: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", dataKey, new Uint8Array(0), INFO, 32));
}

/** The 16-hex-digit fingerprint of `value` under `key`. */
export function fingerprintBytes(key: Uint8Array, value: Uint8Array): string {
  return createHmac("sha256", key).update(value).digest("hex").slice(0, 16);
}

/** A leaf's bytes as an environment variable would hold them. */
export function leafBytes(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v === null) return new Uint8Array(0);
  if (isMap(v) || isList(v)) throw new Error("not a leaf");
  return utf8.encode(typeof v === "string" ? v : valToString(v));
}

/** One fingerprinted leaf. */
export interface FingerprintLine {
  keyPath: string;
  fingerprint: string;
}

/** Options of fingerprintFile. */
export interface FingerprintOptions {
  file: string;
  /** `["a"]["b"]`: only this value (or the leaves under it). */
  keyPath?: string;
  /** Fingerprint these bytes (a copy held elsewhere) under the file's key instead of the file's values. */
  value?: Uint8Array;
}

/** The result: the file's leaves, or the given value's fingerprint (and, with a key path, whether it matches). */
export interface FingerprintResult {
  lines: FingerprintLine[];
  /** Set when `value` was given. */
  given?: string;
  /** Set when `value` and `keyPath` (naming one leaf) were given. */
  matches?: boolean;
}

/**
 * Fingerprints a file's values, or a value from elsewhere under the file's key.
 * @throws HushError as `open`; INVALID_TREE_PATH; GENERIC when the key path is not in the file
 */
export async function fingerprintFile(ctx: FileCtx, o: FingerprintOptions): Promise<FingerprintResult> {
  const { doc } = await open(ctx, { file: o.file });
  const key = fingerprintKey(doc.dataKey);
  const root = doc.branches[0] ?? { kind: "map" as const, items: [] };
  const base = o.keyPath === undefined ? [] : parseTreePath(o.keyPath);
  let start: Value;
  try {
    start = getPath(root, base);
  } catch (e) {
    throw e instanceof HushError ? e.withFile(o.file) : e;
  }
  const lines: FingerprintLine[] = [];
  const walk = (v: Value, path: (string | number)[]): void => {
    if (isMap(v)) {
      for (const it of v.items) if (!(it instanceof Comment)) walk(it.value, [...path, it.key]);
    } else if (isList(v)) {
      let i = 0;
      for (const it of v.items) if (!(it instanceof Comment)) walk(it, [...path, i++]);
    } else {
      lines.push({ keyPath: formatKeyPath(path), fingerprint: fingerprintBytes(key, leafBytes(v)) });
    }
  };
  walk(start, base);
  if (o.value === undefined) return { lines };
  const given = fingerprintBytes(key, o.value);
  if (o.keyPath === undefined) return { lines: [], given };
  if (isMap(start) || isList(start)) {
    throw new HushError("USAGE", "the key path names a mapping or list; give the path of one value to compare with", { file: o.file, keyPath: formatKeyPath(base) });
  }
  return { lines, given, matches: lines[0]?.fingerprint === given };
}
