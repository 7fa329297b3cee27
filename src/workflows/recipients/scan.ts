/**
 * Finding the repository's encrypted files and reading who can open them, without decrypting
 * anything: the `sops:` metadata's key groups say which recipients hold a wrapped data key today.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoFiles } from "../../sys/repo-files.js";
import { matchCreationRule, type SopsConfig } from "../../config/index.js";
import { readEncrypted } from "../../engine/index.js";
import { HushError } from "../../errors.js";
import type { KeyEntry } from "../../keys/master-key.js";
import type { Metadata } from "../../stores/metadata.js";
import { storeForPath } from "../../stores/index.js";
import { Comment, formatKeyPath, isList, isMap, type TreeMap, type Value } from "../../tree/index.js";
import type { RecipientType } from "./sops-yaml-edit.js";

/** One encrypted file found under the config's directory. */
export interface EncryptedFile {
  /** Path relative to the config's directory, `/`-separated. */
  path: string;
  abs: string;
  metadata: Metadata;
  branches: TreeMap[];
}

/** A recipient as `type:id` (age recipient or pgp fingerprint). */
export interface RecipientRef {
  type: RecipientType;
  id: string;
}

/** The recipient a metadata key entry is wrapped for, or null for KMS-style entries hush cannot name. */
export function entryRecipient(e: KeyEntry): RecipientRef | null {
  if (e.type === "age") return { type: "age", id: e.recipient };
  if (e.type === "pgp") return { type: "pgp", id: e.fp };
  return null;
}

export { isGitRepo } from "../../sys/repo-files.js";

/** Every file under `root` with sops metadata, parsed (values stay encrypted). Unreadable or plain files are skipped. */
export function findEncryptedFiles(root: string): { files: EncryptedFile[]; git: boolean } {
  const { files, git } = repoFiles(root);
  const out: EncryptedFile[] = [];
  for (const path of files) {
    if (path === ".sops.yaml" || path === ".sops.yml") continue;
    const abs = join(root, path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      continue;
    }
    // cheap filter before a parse: every store writes the words sops and mac in its metadata
    if (!bytes.includes("sops") || !bytes.includes("mac")) continue;
    try {
      const { branches, metadata } = readEncrypted(bytes, storeForPath(path), path);
      out.push({ path, abs, metadata, branches });
    } catch (e) {
      if (!(e instanceof HushError)) throw e;
    }
  }
  return { files: out, git };
}

/** The index and path_regex of the creation rule matching a file, or null when none matches. */
export function ruleFor(config: SopsConfig, configPath: string, abs: string): { index: number; pathRegex: string | null } | null {
  try {
    const m = matchCreationRule(config, configPath, abs);
    return m === null ? null : { index: m.index, pathRegex: m.pathRegex ?? null };
  } catch (e) {
    if (e instanceof HushError) return null;
    throw e;
  }
}

/** Key paths of the encrypted values of a file (never the values), in document order. */
export function encryptedKeyPaths(branches: readonly TreeMap[]): string[] {
  const out: string[] = [];
  const visit = (v: Value, path: (string | number)[]): void => {
    if (isMap(v)) {
      for (const it of v.items) if (!(it instanceof Comment)) visit(it.value, [...path, it.key]);
    } else if (isList(v)) {
      v.items.forEach((it, i) => {
        if (!(it instanceof Comment)) visit(it, [...path, i]);
      });
    } else if (typeof v === "string" && v.startsWith("ENC[")) out.push(formatKeyPath(path));
  };
  branches.forEach((b, i) => visit(b, branches.length > 1 ? [i] : []));
  return out;
}

/** `%h %ad` of the last commit touching `path`, or null outside git or for a never-committed file. */
export function lastChange(root: string, path: string): string | null {
  const r = spawnSync("git", ["log", "-1", "--format=%h %ad", "--", path], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) return null;
  const s = r.stdout.trim();
  return s === "" ? null : s;
}
