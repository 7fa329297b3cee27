/**
 * `hush scan [PATH…]`: the files under each path (a directory lists its repository files: `git
 * ls-files` inside a work tree, so .gitignore'd files are skipped, else a walk without .git and
 * node_modules), each read once and scanned with {@link scanContent}.
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { HushError } from "../../errors.js";
import { repoFiles } from "../../sys/repo-files.js";
import type { ScanConfig } from "./config.js";
import { scanContent, type Finding } from "./content.js";

/** What a file scan did, besides its findings. */
export interface FileScanResult {
  findings: Finding[];
  /** Files scanned. */
  scanned: number;
  /** Files skipped because they are over the size limit (their paths, for a warning). */
  tooLarge: string[];
}

const display = (p: string): string => p.replace(/\\/g, "/").replace(/^\.\//, "");

/**
 * Scans `paths` (files or directories, relative to `cwd`; default `.`).
 * @throws HushError READ_INPUT when a named path does not exist or cannot be read
 */
export function scanPaths(cwd: string, paths: readonly string[], config: ScanConfig, onProgress?: (done: number, total: number) => void): FileScanResult {
  const targets: string[] = [];
  for (const p of paths.length === 0 ? ["."] : paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new HushError("READ_INPUT", `cannot scan: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: p });
    }
    if (st.isDirectory()) {
      for (const f of repoFiles(abs).files) targets.push(p === "." ? f : join(p, f));
    } else targets.push(p);
  }
  const result: FileScanResult = { findings: [], scanned: 0, tooLarge: [] };
  const cfg = config.pathBase === resolve(cwd) ? config : { ...config, pathBase: resolve(cwd) };
  let done = 0;
  for (const t of targets) {
    onProgress?.(done++, targets.length);
    const abs = resolve(cwd, t);
    const name = display(t);
    let size: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // listed by git but deleted in the work tree
    }
    if (config.maxFileSize > 0 && size > config.maxFileSize) {
      result.tooLarge.push(name);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (e) {
      throw new HushError("READ_INPUT", `cannot read: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: name });
    }
    result.scanned++;
    result.findings.push(...scanContent(name, bytes, cfg));
  }
  onProgress?.(targets.length, targets.length);
  return result;
}
