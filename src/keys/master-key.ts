/**
 * Master keys: what wraps the data key (sops keys.MasterKey, reduced to what hush needs).
 * Serialization to the metadata block lives in src/stores/metadata.ts, not here.
 */

/** One wrapped copy of the data key (or of a Shamir share) as it appears in the metadata. */
export type KeyEntry = AgeKeyEntry | PgpKeyEntry | OpaqueKeyEntry;

export interface AgeKeyEntry {
  type: "age";
  /** The recipient string exactly as configured (age1…, ssh-ed25519 …, ssh-rsa …). */
  recipient: string;
  /** ASCII-armored age file with one stanza, ending in a newline. */
  enc: string;
}

export interface PgpKeyEntry {
  type: "pgp";
  /** 40-hex fingerprint. */
  fp: string;
  /** RFC 3339 creation time. */
  createdAt: string;
  /** Armored PGP message. */
  enc: string;
}

/** Key types hush cannot use yet (kms, gcp_kms, azure_kv, hc_vault, hckms): kept verbatim on rewrite. */
export interface OpaqueKeyEntry {
  type: "kms" | "gcp_kms" | "azure_kv" | "hc_vault" | "hckms";
  /** The wire fields in file order; string values only. */
  fields: [string, string | Record<string, string>][];
}

export type KeyType = KeyEntry["type"];

/** Something that can wrap a data key for one recipient. */
export interface MasterKey {
  readonly type: KeyType;
  /** Recipient string (age) or fingerprint (pgp): what `updatekeys` compares. */
  readonly id: string;
  /** Wraps `dataKey` (32 bytes, or a 33-byte Shamir share). */
  wrap(dataKey: Uint8Array): Promise<KeyEntry>;
}

/** The identities at hand for one key type. */
export interface Unwrapper {
  readonly type: KeyType;
  /**
   * Tries to unwrap one entry. Returns `null` when none of the identities matches ("not my key");
   * throws only for a malformed entry.
   */
  unwrap(entry: KeyEntry): Promise<Uint8Array | null>;
  /** Human descriptions of where identities were looked for (never key material). */
  describeSources(): string[];
}

/** A stable id for comparing keys: "age:age1…", "pgp:FP". */
export function keyEntryId(e: KeyEntry): string {
  switch (e.type) {
    case "age":
      return `age:${e.recipient}`;
    case "pgp":
      return `pgp:${e.fp}`;
    default:
      return `${e.type}:${JSON.stringify(e.fields)}`;
  }
}
