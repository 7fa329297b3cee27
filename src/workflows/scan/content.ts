/**
 * Scanning one file's content: the skips (binary, too large, allowlisted path, sops-encrypted),
 * the engine, then the per-finding filters (ENC[…] values, `hush:allow`, allowlist regexes and
 * stopwords, baseline).
 */
import { readEncrypted } from "../../engine/index.js";
import { storeForPath } from "../../stores/index.js";
import type { ScanConfig } from "./config.js";
import { matchText, type RawMatch } from "./engine.js";
import { fingerprint, redact } from "./redact.js";
import { baselineKey } from "./baseline.js";
import { resolve } from "node:path";

/** One secret found. Never holds the secret itself. */
export interface Finding {
  /** Rule id, e.g. "aws-access-key-id". */
  ruleId: string;
  /** Human text, never the secret. */
  description: string;
  /** Path as given / repo-relative, `/`-separated. */
  file: string;
  /** 1-based line of the secret's first character. */
  line: number;
  /** 1-based column (UTF-16 code units) of the secret's first character. */
  column: number;
  /** e.g. "AKIA…(20 chars)" — never the whole secret. */
  redacted: string;
  /** Short stable keyed hash of the secret (see redact.ts). */
  fingerprint: string;
  /** For `--git`: the commit that added the line. */
  commit?: { sha: string; author: string; date: string };
}

const BINARY_SNIFF = 8192;

/** True when the first 8 KiB contain a NUL byte (git's own heuristic), unless the text has a UTF-16 BOM. */
export function isBinary(bytes: Uint8Array): boolean {
  if (hasUtf16Bom(bytes)) return false;
  const n = Math.min(bytes.length, BINARY_SNIFF);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

function hasUtf16Bom(b: Uint8Array): boolean {
  return b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
}

/** Bytes → text: UTF-16 when it has a BOM, else UTF-8 (invalid sequences become U+FFFD). */
export function decodeText(b: Uint8Array): string {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder("utf-16le").decode(b.subarray(2));
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder("utf-16be").decode(b.subarray(2));
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
}

const ENC_MARK = "ENC[AES256_GCM,";

/**
 * True when hush recognises `text` as a sops-encrypted file of the store its name selects (any
 * store: YAML, JSON, dotenv, INI, binary). Only parses when the cheap markers are present.
 */
export function isSopsEncrypted(file: string, text: string): boolean {
  if (!text.includes(ENC_MARK) || !text.includes("sops") || !text.includes("mac")) return false;
  try {
    const { metadata } = readEncrypted(Buffer.from(text, "utf8"), storeForPath(file), file);
    return metadata.mac !== "";
  } catch {
    return false;
  }
}

/**
 * True for a Bitnami SealedSecret manifest: its `encryptedData` values are ciphertext for the
 * cluster's controller key (like sops's ENC[…] values), and the rest is plain metadata.
 */
export function isSealedSecret(text: string): boolean {
  return /^kind:\s*SealedSecret\s*$/m.test(text) && /^\s*encryptedData:\s*$/m.test(text);
}

/** True for content that hush recognises as encrypted as a whole (sops, SealedSecret). */
export function isEncryptedFile(file: string, text: string): boolean {
  return isSopsEncrypted(file, text) || isSealedSecret(text);
}

/** True when `file` matches one of the config's allowlisted path globs. */
export function pathAllowed(file: string, config: ScanConfig): boolean {
  const p = file.replace(/\\/g, "/").replace(/^\.\//, "");
  return config.allowPaths.some((re) => re.test(p));
}

const ALLOW = /hush:allow\b([ \t]+[A-Za-z0-9_.\-, \t]+)?/;

/** The `hush:allow` on a line: null when none, "all", or the rule ids it names. */
function inlineAllow(line: string, known: (id: string) => boolean): "all" | Set<string> | null {
  const m = ALLOW.exec(line);
  if (m === null) return null;
  const ids = (m[1] ?? "").split(/[\s,]+/).filter((w) => w !== "" && known(w));
  return ids.length === 0 ? "all" : new Set(ids);
}

/** Spans of ENC[AES256_GCM,…] values on a line. */
function encSpans(line: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = line.indexOf(ENC_MARK);
  while (i !== -1) {
    const close = line.indexOf("]", i);
    const end = close === -1 ? line.length : close + 1;
    out.push([i, end]);
    i = line.indexOf(ENC_MARK, end);
  }
  return out;
}

/**
 * Matches in `text` turned into findings, after the per-finding filters. `lineOf(i)` maps the
 * 0-based line index within `text` to the reported 1-based line (identity + 1 for whole files).
 */
export function findingsInText(file: string, text: string, config: ScanConfig, lineOf: (index: number) => number, keep?: (line: number) => boolean): Finding[] {
  const matches = matchText(text, config.compiled, config.stopwords);
  if (matches.length === 0) return [];
  const known = (id: string): boolean => config.rules.some((r) => r.id === id);
  const out: Finding[] = [];
  let lineIdx = 0;
  let lineStart = 0;
  for (const m of matches as RawMatch[]) {
    // advance the line counter to the match (matches are in text order)
    let nl = text.indexOf("\n", lineStart);
    while (nl !== -1 && nl < m.start) {
      lineIdx++;
      lineStart = nl + 1;
      nl = text.indexOf("\n", lineStart);
    }
    const lineText = text.slice(lineStart, nl === -1 ? text.length : nl);
    const col = m.start - lineStart;
    if (encSpans(lineText).some(([a, b]) => col < b && a < col + m.secret.length)) continue;
    if (m.secret.startsWith("ENC[")) continue;
    const line = lineOf(lineIdx);
    if (keep !== undefined && !keep(line)) continue;
    const allow = lineText.includes("hush:allow") ? inlineAllow(lineText, known) : null;
    if (allow === "all" || (allow !== null && allow.has(m.rule.id))) continue;
    if (config.allowRegexes.some((re) => re.test(m.secret))) continue;
    if (config.stopwords.length > 0) {
      const low = m.secret.toLowerCase();
      if (config.stopwords.some((w) => low.includes(w))) continue;
    }
    const fp = fingerprint(m.secret);
    if (config.baseline.size > 0 && config.baseline.has(baselineKey(resolve(config.pathBase, file), fp))) continue;
    out.push({ ruleId: m.rule.id, description: m.rule.description, file, line, column: col + 1, redacted: redact(m.secret), fingerprint: fp });
  }
  return out;
}

/**
 * Scans one file's content. Returns [] for binary content, content over `config.maxFileSize`,
 * allowlisted paths and sops-encrypted files; never reports ENC[AES256_GCM,…] values.
 * `onlyLines` limits findings to those 1-based lines (e.g. the staged added lines).
 */
export function scanContent(file: string, content: string | Uint8Array, config: ScanConfig, onlyLines?: ReadonlySet<number>): Finding[] {
  if (pathAllowed(file, config)) return [];
  let text: string;
  if (typeof content === "string") {
    text = content;
  } else {
    if (config.maxFileSize > 0 && content.length > config.maxFileSize) return [];
    if (isBinary(content)) return [];
    text = decodeText(content);
  }
  if (config.maxFileSize > 0 && text.length > config.maxFileSize) return [];
  if (onlyLines !== undefined && onlyLines.size === 0) return [];
  if (isEncryptedFile(file, text)) return [];
  return findingsInText(file, text, config, (i) => i + 1, onlyLines === undefined ? undefined : (l) => onlyLines.has(l));
}
