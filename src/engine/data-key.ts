/**
 * The data key: made, wrapped for every master key of every key group (Shamir shares with more
 * than one group), and recovered (sops.go GetDataKeyWithKeyServices / UpdateMasterKeys).
 */
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { HushError } from "../errors.js";
import type { KeyEntry, KeyType, MasterKey, Unwrapper } from "../keys/master-key.js";
import { combine, split } from "../keys/shamir.js";
import type { Metadata } from "../stores/metadata.js";
import type { RandomBytes } from "./tree-cipher.js";

/** The identities at hand, by key type. */
export interface Keyring {
  unwrapperFor(type: KeyType): Unwrapper | null;
}

/** sops's default decryption order: age, then pgp; other types keep their place. */
export const DEFAULT_DECRYPTION_ORDER: readonly KeyType[] = ["age", "pgp"];

function describeEntry(e: KeyEntry): string {
  if (e.type === "age") return e.recipient;
  if (e.type === "pgp") return e.fp;
  return `${e.type} key`;
}

function sortByOrder(group: readonly KeyEntry[], order: readonly KeyType[]): KeyEntry[] {
  const rank = (t: KeyType): number => {
    const i = order.indexOf(t);
    return i === -1 ? order.length : i;
  };
  return [...group].sort((a, b) => rank(a.type) - rank(b.type));
}

/**
 * Recovers the data key from the metadata with the identities in `keyring`.
 * @throws HushError NO_DECRYPTION_KEY listing the file's recipients and where identities were looked for
 * (never key material).
 */
export async function getDataKey(metadata: Metadata, keyring: Keyring, order: readonly KeyType[] = DEFAULT_DECRYPTION_ORDER): Promise<Uint8Array> {
  const groups = metadata.keyGroups;
  const needed = groups.length > 1 ? Math.max(metadata.shamirThreshold, 2) : 1;
  const parts: Uint8Array[] = [];
  const report: string[] = [];
  const used = new Set<Unwrapper>();
  const problems: string[] = [];
  for (let gi = 0; gi < groups.length && parts.length < needed; gi++) {
    let got: Uint8Array | null = null;
    for (const entry of sortByOrder(groups[gi] as KeyEntry[], order)) {
      const u = keyring.unwrapperFor(entry.type);
      if (u === null) {
        report.push(`group ${gi + 1}: ${describeEntry(entry)}: no support for ${entry.type} keys`);
        continue;
      }
      used.add(u);
      try {
        got = await u.unwrap(entry);
      } catch (e) {
        problems.push(`${describeEntry(entry)}: ${e instanceof HushError ? e.message : "could not unwrap"}`);
        got = null;
      }
      if (got !== null) break;
      report.push(`group ${gi + 1}: ${describeEntry(entry)}: no identity matched`);
    }
    if (got !== null) parts.push(got);
  }
  if (parts.length < needed) {
    const what =
      groups.length > 1
        ? `the file needs ${needed} of ${groups.length} key groups (Shamir threshold), but only ${parts.length} could be opened`
        : "no identity at hand matches any of the file's recipients";
    throw new HushError("NO_DECRYPTION_KEY", `failed to get the data key required to decrypt the file: ${what}`, {
      hints: [
        ...report,
        ...problems,
        // Asked after the attempts: unwrappers load their identities lazily on first use.
        ...[...new Set([...used].flatMap((u) => u.describeSources()))],
      ],
    });
  }
  if (groups.length === 1) return parts[0] as Uint8Array;
  try {
    return combine(parts);
  } catch {
    throw new HushError("NO_DECRYPTION_KEY", "failed to combine the Shamir shares of the data key");
  }
}

/** Makes a fresh 32-byte data key. */
export function newDataKey(randomBytes: RandomBytes = nodeRandomBytes): Uint8Array {
  return randomBytes(32);
}

/**
 * Wraps the data key for every master key: the whole key with one group, Shamir share i for
 * group i with several (threshold 0 means all groups). Returns the key groups and the threshold to record.
 * @throws HushError KEY_GROUPS for no groups, an empty group or an impossible threshold.
 */
export async function wrapDataKey(
  dataKey: Uint8Array,
  groups: readonly (readonly MasterKey[])[],
  threshold: number,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<{ keyGroups: KeyEntry[][]; shamirThreshold: number }> {
  if (groups.length === 0) throw new HushError("KEY_GROUPS", "could not generate data key: no key groups provided");
  if (groups.some((g) => g.length === 0)) throw new HushError("KEY_GROUPS", "could not generate data key: empty key group provided");
  if (groups.length === 1) {
    const entries = await Promise.all((groups[0] as readonly MasterKey[]).map((k) => k.wrap(dataKey)));
    return { keyGroups: [entries], shamirThreshold: threshold };
  }
  const t = threshold === 0 ? groups.length : threshold;
  const shares = split(dataKey, groups.length, t, randomBytes);
  const keyGroups = await Promise.all(groups.map((g, i) => Promise.all(g.map((k) => k.wrap(shares[i] as Uint8Array)))));
  return { keyGroups, shamirThreshold: t };
}
