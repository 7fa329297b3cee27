/**
 * Finding the repository's encrypted files and reading who can open them, without decrypting
 * anything: the `sops:` metadata's key groups say which recipients hold a wrapped data key today.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
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

/** True when `root` is inside a git work tree (git must be installed). */
export function isGitRepo(root: string): boolean {
  const r = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: root, encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "true";
}

function walk(root: string, dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === ".git" || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile()) out.push(relative(root, p).split(sep).join("/"));
  }
}

/** The files to look at: tracked and untracked-but-not-ignored files in a git repo, else a directory walk. */
export function candidateFiles(root: string): { files: string[]; git: boolean } {
  if (isGitRepo(root)) {
    const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.status === 0) return { files: [...new Set(r.stdout.split("\0").filter((f) => f !== ""))].sort(), git: true };
  }
  const out: string[] = [];
  walk(root, root, out);
  return { files: out.sort(), git: false };
}

/** Every file under `root` with sops metadata, parsed (values stay encrypted). Unreadable or plain files are skipped. */
export function findEncryptedFiles(root: string): { files: EncryptedFile[]; git: boolean } {
  const { files, git } = candidateFiles(root);
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
