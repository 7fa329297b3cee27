/**
 * How a secret is shown: never whole. `redact` keeps at most 4 leading characters (and never more
 * than a quarter of the secret) plus the length; `fingerprint` is a slow keyed hash (scrypt, fixed
 * salt) so that the same secret has the same fingerprint everywhere (baselines are shared in git)
 * while a short password cannot be recovered from its fingerprint by a cheap dictionary run.
 */
import { scryptSync } from "node:crypto";

/** `AKIA…(20 chars)`: a prefix of ≤ 4 characters (≤ a quarter of the secret) and the length. */
export function redact(secret: string): string {
  const n = [...secret].length;
  const keep = Math.min(4, Math.floor(n / 4));
  const prefix = [...secret].slice(0, keep).join("").replace(/[\r\n\t]/g, " ");
  return `${prefix}…(${n} chars)`;
}

const SALT = "hush-scan-fingerprint-v1";
const memo = new Map<string, string>();

/** 16 hex digits: scrypt(secret, N=1024) truncated. Stable across machines and runs. */
export function fingerprint(secret: string): string {
  const hit = memo.get(secret);
  if (hit !== undefined) return hit;
  const fp = scryptSync(secret, SALT, 8, { N: 1024, r: 8, p: 1 }).toString("hex");
  if (memo.size > 100_000) memo.clear();
  memo.set(secret, fp);
  return fp;
}
