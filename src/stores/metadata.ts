/**
 * The `sops` metadata block: wire (snake_case TreeMap, as found in the file) ⇄ domain (`Metadata`).
 * Reading follows sops stores/stores.go ToInternal (unknown keys ignored, loose types, the flat
 * layout wins over key_groups, default selector `unencrypted_suffix: _unencrypted`). Writing follows
 * sops 3.13 stores/metadata.go: every map's keys sorted by byte order, empty lists omitted at the top
 * level, but `age` and `hc_vault` always present inside `key_groups` entries.
 */
import { HushError } from "../errors.js";
import type { AgeKeyEntry, KeyEntry, OpaqueKeyEntry, PgpKeyEntry } from "../keys/master-key.js";
import { Comment, isList, isMap, treeList, treeMap, type MapItem, type TreeMap, type Value } from "../tree/index.js";

export const SELECTOR_KEYS = [
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
] as const;
export type SelectorKind = (typeof SELECTOR_KEYS)[number];

/** Which leaves get encrypted: at most one selector per file (sops). */
export interface Selector {
  kind: SelectorKind;
  value: string;
}

export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** Domain metadata of an encrypted file. */
export interface Metadata {
  /** One group normally; several with Shamir. Each entry wraps the data key (or the group's share). */
  keyGroups: KeyEntry[][];
  /** 0 when unset. */
  shamirThreshold: number;
  /** RFC 3339, second precision, as Go formats it (`2006-01-02T15:04:05Z`). */
  lastModified: string;
  /** The encrypted MAC (`ENC[…,type:str]`), or "" when the file has none. */
  mac: string;
  /** null only for files written without one (binary store); readers then apply the default suffix. */
  selector: Selector | null;
  macOnlyEncrypted: boolean;
  version: string;
}

const OPAQUE_TYPES = ["kms", "gcp_kms", "hckms", "azure_kv", "hc_vault"] as const;
// sops internalGroupFrom order: kms, gcp_kms, hckms, azure_kv, hc_vault, pgp, age.
const GROUP_ORDER = ["kms", "gcp_kms", "hckms", "azure_kv", "hc_vault", "pgp", "age"] as const;

function bad(msg: string): HushError {
  return new HushError("METADATA_INVALID", msg);
}

function entries(m: TreeMap): [string, Value][] {
  const out: [string, Value][] = [];
  for (const it of m.items) if (!(it instanceof Comment)) out.push([it.key, it.value]);
  return out;
}

function asString(v: Value | undefined, where: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  throw bad(`sops metadata: ${where} must be a string`);
}

function asInt(v: Value | undefined, where: string): number {
  if (v === undefined || v === null || v === "") return 0;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^[+-]?\d+$/.test(v)) return Number(v);
  throw bad(`sops metadata: ${where} must be an integer`);
}

function asBool(v: Value | undefined, where: string): boolean {
  if (v === undefined || v === null || v === "") return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    if (/^(1|t|T|TRUE|true|True)$/.test(v)) return true;
    if (/^(0|f|F|FALSE|false|False)$/.test(v)) return false;
  }
  if (typeof v === "bigint" || typeof v === "number") return Number(v) !== 0;
  throw bad(`sops metadata: ${where} must be a boolean`);
}

/** Go time.Parse(RFC3339) then Format(RFC3339): drops fractions, writes a zero offset as Z. */
export function normalizeRfc3339(s: string, where: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (m === null) throw bad(`sops metadata: ${where} is not an RFC 3339 time`);
  const off = m[4] as string;
  const zone = off === "Z" || off === "z" || off === "+00:00" ? "Z" : off === "-00:00" ? "Z" : off;
  return `${m[1]}T${m[2]}${zone}`;
}

/** Formats a Date as Go's time.Now().UTC().Format(time.RFC3339). */
export function formatLastModified(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function listOfMaps(v: Value | undefined, where: string): TreeMap[] {
  if (v === undefined || v === null) return [];
  if (!isList(v)) throw bad(`sops metadata: ${where} must be a list`);
  const out: TreeMap[] = [];
  v.items.forEach((it, i) => {
    if (it instanceof Comment) return;
    if (!isMap(it)) throw bad(`sops metadata: ${where}[${i}] must be a mapping`);
    out.push(it);
  });
  return out;
}

function getIn(m: TreeMap, key: string): Value | undefined {
  for (const it of m.items) if (!(it instanceof Comment) && it.key === key) return it.value;
  return undefined;
}

function keysOfType(container: TreeMap, type: (typeof GROUP_ORDER)[number], where: string): KeyEntry[] {
  return listOfMaps(getIn(container, type), `${where}${type}`).map((k, i): KeyEntry => {
    const w = `${where}${type}[${i}]`;
    if (type === "age") {
      const e: AgeKeyEntry = { type: "age", recipient: asString(getIn(k, "recipient"), `${w}.recipient`).trim(), enc: asString(getIn(k, "enc"), `${w}.enc`) };
      return e;
    }
    if (type === "pgp") {
      const created = asString(getIn(k, "created_at"), `${w}.created_at`);
      const e: PgpKeyEntry = {
        type: "pgp",
        fp: asString(getIn(k, "fp"), `${w}.fp`),
        createdAt: normalizeRfc3339(created, `${w}.created_at`),
        enc: asString(getIn(k, "enc"), `${w}.enc`),
      };
      return e;
    }
    const fields: OpaqueKeyEntry["fields"] = [];
    for (const [fk, fv] of entries(k)) {
      if (isMap(fv)) {
        const rec: Record<string, string> = {};
        for (const [ck, cv] of entries(fv)) rec[ck] = asString(cv, `${w}.${fk}.${ck}`);
        fields.push([fk, rec]);
      } else fields.push([fk, asString(fv, `${w}.${fk}`)]);
    }
    const e: OpaqueKeyEntry = { type, fields };
    return e;
  });
}

function groupFrom(container: TreeMap, where: string): KeyEntry[] {
  const group: KeyEntry[] = [];
  for (const t of GROUP_ORDER) group.push(...keysOfType(container, t, where));
  return group;
}

/**
 * Converts the wire `sops` map to domain Metadata.
 * @throws HushError METADATA_INVALID for a malformed block, NO_KEYS-style "no keys found in file".
 */
export function metadataFromTree(wire: TreeMap): Metadata {
  let groups: KeyEntry[][] = [];
  const flat = groupFrom(wire, "sops.");
  if (flat.length > 0) groups = [flat];
  else {
    groups = listOfMaps(getIn(wire, "key_groups"), "sops.key_groups").map((g, i) => groupFrom(g, `sops.key_groups[${i}].`));
  }
  if (groups.length === 0 || groups.every((g) => g.length === 0)) throw bad("no keys found in file");
  let selector: Selector | null = null;
  for (const k of SELECTOR_KEYS) {
    const v = asString(getIn(wire, k), `sops.${k}`);
    if (v === "") continue;
    if (selector !== null)
      throw bad(
        "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file",
      );
    selector = { kind: k, value: v };
  }
  return {
    keyGroups: groups,
    shamirThreshold: asInt(getIn(wire, "shamir_threshold"), "sops.shamir_threshold"),
    lastModified: normalizeRfc3339(asString(getIn(wire, "lastmodified"), "sops.lastmodified"), "sops.lastmodified"),
    mac: asString(getIn(wire, "mac"), "sops.mac"),
    selector: selector ?? { kind: "unencrypted_suffix", value: DEFAULT_UNENCRYPTED_SUFFIX },
    macOnlyEncrypted: asBool(getIn(wire, "mac_only_encrypted"), "sops.mac_only_encrypted"),
    version: asString(getIn(wire, "version"), "sops.version"),
  };
}

function entryToMap(e: KeyEntry): TreeMap {
  let pairs: [string, Value][];
  if (e.type === "age") pairs = [["enc", e.enc], ["recipient", e.recipient]];
  else if (e.type === "pgp") pairs = [["created_at", e.createdAt], ["enc", e.enc], ["fp", e.fp]];
  else
    pairs = e.fields.map(([k, v]): [string, Value] => [
      k,
      typeof v === "string" ? v : sortedMap(Object.entries(v).map(([ck, cv]): [string, Value] => [ck, cv])),
    ]);
  return sortedMap(pairs);
}

function sortedMap(pairs: [string, Value][]): TreeMap {
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return treeMap(sorted.map(([key, value]): MapItem => ({ key, value })));
}

function typeLists(group: KeyEntry[], alwaysAgeAndVault: boolean): [string, Value][] {
  const out: [string, Value][] = [];
  for (const t of ["age", "azure_kv", "gcp_kms", "hc_vault", "hckms", "kms", "pgp"] as const) {
    const list = group.filter((k) => k.type === t).map(entryToMap);
    if (list.length > 0 || (alwaysAgeAndVault && (t === "age" || t === "hc_vault"))) out.push([t, treeList(list)]);
  }
  return out;
}

/** Converts domain Metadata to the wire map, exactly as sops 3.13 writes it (sorted keys). */
export function metadataToTree(m: Metadata): TreeMap {
  const pairs: [string, Value][] = [];
  if (m.keyGroups.length === 1) pairs.push(...typeLists(m.keyGroups[0] as KeyEntry[], false));
  else pairs.push(["key_groups", treeList(m.keyGroups.map((g) => sortedMap(typeLists(g, true))))]);
  pairs.push(["lastmodified", m.lastModified], ["mac", m.mac]);
  if (m.macOnlyEncrypted) pairs.push(["mac_only_encrypted", true]);
  if (m.shamirThreshold !== 0) pairs.push(["shamir_threshold", BigInt(m.shamirThreshold)]);
  if (m.selector !== null) pairs.push([m.selector.kind, m.selector.value]);
  pairs.push(["version", m.version]);
  return sortedMap(pairs);
}
