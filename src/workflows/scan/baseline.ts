/**
 * The baseline: findings a team has accepted, keyed by content (file + fingerprint of the secret),
 * never by line number, so a finding stays accepted when lines above it move. JSON, sorted, one
 * entry per line, so diffs of the file in git stay readable.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { HushError } from "../../errors.js";

/** One accepted finding. */
export interface BaselineEntry {
  file: string;
  ruleId: string;
  fingerprint: string;
}

/** The set key of a finding in a baseline: its file as an absolute path, and the secret's fingerprint. */
export const baselineKey = (file: string, fingerprint: string): string => `${file}\0${fingerprint}`;

/**
 * Reads a baseline file (its paths are relative to its own directory) into absolute-path keys. A missing
 * file is an empty baseline only when `missingOk`.
 * @throws HushError READ_INPUT (unreadable), CONFIG (not a hush baseline)
 */
export function readBaseline(path: string, display: string, missingOk: boolean): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && missingOk) return new Set();
    throw new HushError("READ_INPUT", `cannot read baseline: ${code ?? "error"}`, { file: display });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HushError("CONFIG", "baseline is not valid JSON", { file: display, hints: ["write one with `hush scan --write-baseline FILE`"] });
  }
  const findings = (data as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) throw new HushError("CONFIG", "baseline has no \"findings\" list", { file: display, hints: ["write one with `hush scan --write-baseline FILE`"] });
  const out = new Set<string>();
  findings.forEach((f: unknown, i) => {
    const e = f as Partial<BaselineEntry> | null;
    if (typeof e?.file !== "string" || typeof e.fingerprint !== "string") throw new HushError("CONFIG", `findings[${i}]: needs "file" and "fingerprint"`, { file: display });
    out.add(baselineKey(resolve(dirname(path), e.file), e.fingerprint));
  });
  return out;
}

/** The baseline file's text for `entries` (deduplicated, sorted). */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const seen = new Map<string, BaselineEntry>();
  for (const e of entries) seen.set(baselineKey(e.file, e.fingerprint), { file: e.file, ruleId: e.ruleId, fingerprint: e.fingerprint });
  const list = [...seen.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return `{\n  "version": 1,\n  "findings": [\n${list.map((e) => "    " + JSON.stringify(e)).join(",\n")}${list.length > 0 ? "\n" : ""}  ]\n}\n`;
}
