/** Which files a bulk command works on: the paths given, or `--all` (every sops-encrypted file of the repository). */
import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { matchCreationRule } from "../../config/index.js";
import { readEncrypted } from "../../engine/index.js";
import { HushError } from "../../errors.js";
import { storeForPath } from "../../stores/index.js";
import { absPath, loadConfigFor, type FileCtx } from "../files/index.js";
import { repoFiles } from "../../sys/repo-files.js";

/** One sops-encrypted file of the repository. */
export interface RepoFile {
  /** The path as the user sees it: relative to the working directory. */
  path: string;
  abs: string;
  /** True when a creation rule of .sops.yaml matches the file. */
  ruled: boolean;
}

/** True when the bytes parse as a sops-encrypted file of the store its name implies. */
export function isSopsEncrypted(bytes: Uint8Array, name: string): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // cheap filter before a parse: every store writes the words sops and mac in its metadata
  if (!b.includes("sops") || !b.includes("mac")) return false;
  try {
    readEncrypted(bytes, storeForPath(name), name);
    return true;
  } catch (e) {
    if (e instanceof HushError) return false;
    throw e;
  }
}

/**
 * Every sops-encrypted file under the directory of the .sops.yaml in use (the working directory when
 * there is none), with whether a creation rule matches it. The config file itself is skipped.
 * @throws HushError CONFIG for a malformed .sops.yaml
 */
export function findRepoEncryptedFiles(ctx: FileCtx, configPath: string | undefined): RepoFile[] {
  const loaded = loadConfigFor(ctx, configPath);
  const root = loaded === null ? ctx.cwd : dirname(loaded.path);
  const out: RepoFile[] = [];
  for (const rel of repoFiles(root).files) {
    const abs = join(root, rel);
    if (loaded !== null && abs === loaded.path) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      continue;
    }
    if (!isSopsEncrypted(bytes, abs)) continue;
    let ruled = false;
    if (loaded !== null) {
      try {
        ruled = matchCreationRule(loaded.config, loaded.path, abs) !== null;
      } catch (e) {
        if (!(e instanceof HushError)) throw e;
      }
    }
    const shown = relative(ctx.cwd, abs).split(sep).join("/");
    out.push({ path: shown.startsWith("..") ? abs : shown, abs, ruled });
  }
  return out;
}

/**
 * The files of a bulk `updatekeys`/`rotate`: the given paths as they are, or with `all` the
 * sops-encrypted files a creation rule matches.
 * @throws HushError USAGE for paths together with --all, NO_FILE when there is nothing to do
 */
export function selectTargets(ctx: FileCtx, o: { paths: readonly string[]; all: boolean; configPath?: string | undefined }): string[] {
  if (o.all && o.paths.length > 0) throw new HushError("USAGE", "give either --all or file paths, not both");
  if (!o.all) {
    if (o.paths.length === 0) throw new HushError("NO_FILE", "no file specified");
    return [...o.paths];
  }
  const files = findRepoEncryptedFiles(ctx, o.configPath).filter((f) => f.ruled);
  if (files.length === 0)
    throw new HushError("NO_FILE", "--all found no sops-encrypted file that a creation rule matches", {
      hints: [`looked under ${absPath(ctx, ".")} and its .sops.yaml's directory`],
    });
  return files.map((f) => f.path);
}
