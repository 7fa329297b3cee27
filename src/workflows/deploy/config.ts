/**
 * The `deploy:` section of hush.yaml (shared-contracts: each workflow parses only its own section and
 * ignores the others). Every problem is collected with its dot-path (`deploy.web.mode: …`) and reported
 * together; unknown keys inside a target are problems, not silently ignored.
 *
 * ```yaml
 * deploy:
 *   web:                          # target name
 *     source: secrets/web.yaml    # or a list; later files win
 *     extract: '["web"]'          # optional subtree
 *     format: docker              # dotenv (default) | shell | docker | github-env | json | yaml | raw
 *     path: deploy/.env           # relative to hush.yaml's directory
 *     mode: "0600"                # default 0600
 *     owner: www-data             # name or id; needs root unless it is you
 *     group: www-data
 *     prefix: APP_                # key mapping (env formats): prefix, upper, flatten_separator, skip_invalid
 *     command: docker compose up -d   # run after a change: a string split like a shell would (no shell), or a list
 *     cwd: deploy                 # for the command; default hush.yaml's directory
 *     timeout: 300                # seconds, default 600
 *     cleanup: true               # remove the file after the command (like --cleanup)
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { HushError } from "../../errors.js";
import { shlexSplit } from "../../sys/shlex.js";
import { isExportFormat, EXPORT_FORMATS, type ExportFormat } from "../export/index.js";

/** One deploy target, normalised (paths absolute). */
export interface DeployTarget {
  name: string;
  sources: string[];
  extract?: string;
  format: ExportFormat | "raw";
  path: string;
  mode: number;
  owner?: string;
  group?: string;
  prefix?: string;
  upper?: boolean;
  separator?: string;
  skipInvalid?: boolean;
  command?: string[];
  cwd: string;
  timeoutMs: number;
  cleanup: boolean;
}

/** The loaded section. */
export interface DeployConfig {
  /** The config file as found (for messages and the state file's location). */
  file: string;
  dir: string;
  targets: DeployTarget[];
}

const KNOWN = new Set(["source", "extract", "format", "path", "mode", "owner", "group", "prefix", "upper", "flatten_separator", "skip_invalid", "command", "cwd", "timeout", "cleanup"]);

/** Finds hush.yaml from `cwd` upwards; null when there is none. */
export function findHushYaml(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    const p = join(dir, "hush.yaml");
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Parses a file mode: "0640", "640", or a YAML 1.2 integer 640 (0640 unquoted reads as 640), all octal. */
export function parseMode(v: unknown): number | null {
  const s = typeof v === "number" && Number.isInteger(v) ? String(v) : typeof v === "string" ? v : null;
  if (s === null || !/^0?[0-7]{3,4}$/.test(s)) return null;
  const m = parseInt(s, 8);
  return m <= 0o7777 ? m : null;
}

/**
 * Parses the `deploy:` section of a hush.yaml text.
 * @throws HushError CONFIG listing every problem with its dot-path
 */
export function parseDeployConfig(text: string, file: string): DeployConfig {
  const dir = dirname(file);
  const problems: string[] = [];
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new HushError("CONFIG", `invalid YAML: ${doc.errors[0]!.message.split("\n")[0]}`, { file });
  }
  const root = doc.toJS() as unknown;
  const section = root !== null && typeof root === "object" ? (root as Record<string, unknown>)["deploy"] : undefined;
  if (section === undefined || section === null) return { file, dir, targets: [] };
  if (typeof section !== "object" || Array.isArray(section)) {
    throw new HushError("CONFIG", "deploy: must be a mapping of target names to targets", { file });
  }
  const targets: DeployTarget[] = [];
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  for (const [name, raw] of Object.entries(section as Record<string, unknown>)) {
    const at = `deploy.${name}`;
    const bad = (key: string, what: string): void => void problems.push(`${at}.${key}: ${what}`);
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${at}: must be a mapping`);
      continue;
    }
    const t = raw as Record<string, unknown>;
    for (const k of Object.keys(t)) if (!KNOWN.has(k)) bad(k, `unknown key (known: ${[...KNOWN].join(", ")})`);
    const str = (key: string): string | undefined => {
      const v = t[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v === "string" || typeof v === "number") return String(v);
      bad(key, "must be a string");
      return undefined;
    };
    const bool = (key: string): boolean | undefined => {
      const v = t[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v === "boolean") return v;
      bad(key, "must be true or false");
      return undefined;
    };
    let sources: string[] = [];
    const src = t["source"];
    if (typeof src === "string") sources = [src];
    else if (Array.isArray(src) && src.length > 0 && src.every((s) => typeof s === "string")) sources = src as string[];
    else bad("source", "required: an encrypted file, or a list of them (later wins)");
    const format = t["format"] === undefined ? "dotenv" : String(t["format"]);
    if (format !== "raw" && !isExportFormat(format)) bad("format", `unknown format ${JSON.stringify(format)} (formats: ${[...EXPORT_FORMATS, "raw"].join(", ")})`);
    if (format === "raw" && sources.length > 1) bad("source", "format raw takes exactly one file");
    const path = str("path");
    if (path === undefined || path === "") bad("path", "required: where the derived file is written");
    let mode = 0o600;
    if (t["mode"] !== undefined) {
      const m = parseMode(t["mode"]);
      if (m === null) bad("mode", 'must be an octal mode such as "0600" or "0640"');
      else mode = m;
    }
    let command: string[] | undefined;
    const c = t["command"];
    if (typeof c === "string") {
      try {
        command = shlexSplit(c, `${at}.command`);
      } catch (e) {
        bad("command", e instanceof HushError ? e.message : "cannot be split into words");
      }
      if (command !== undefined && command.length === 0) bad("command", "is empty");
    } else if (Array.isArray(c) && c.length > 0 && c.every((s) => typeof s === "string")) command = c as string[];
    else if (c !== undefined && c !== null) bad("command", "must be a string or a list of strings");
    let timeoutMs = 600_000;
    if (t["timeout"] !== undefined) {
      const n = t["timeout"];
      if (typeof n === "number" && n > 0 && Number.isFinite(n)) timeoutMs = Math.round(n * 1000);
      else bad("timeout", "must be a positive number of seconds");
    }
    const extract = str("extract");
    const owner = str("owner");
    const group = str("group");
    const prefix = str("prefix");
    const separator = str("flatten_separator");
    const cwd = str("cwd");
    const upper = bool("upper");
    const skipInvalid = bool("skip_invalid");
    const cleanup = bool("cleanup");
    if (format === "raw" && (prefix !== undefined || upper !== undefined || separator !== undefined)) bad("format", "raw output takes no key mapping");
    if (path === undefined || path === "" || sources.length === 0) continue;
    targets.push({
      name,
      sources: sources.map(abs),
      format: format as ExportFormat | "raw",
      path: abs(path),
      mode,
      cwd: cwd === undefined ? dir : abs(cwd),
      timeoutMs,
      cleanup: cleanup ?? false,
      ...(extract === undefined ? {} : { extract }),
      ...(owner === undefined ? {} : { owner }),
      ...(group === undefined ? {} : { group }),
      ...(prefix === undefined ? {} : { prefix }),
      ...(upper === undefined ? {} : { upper }),
      ...(separator === undefined ? {} : { separator }),
      ...(skipInvalid === undefined ? {} : { skipInvalid }),
      ...(command === undefined ? {} : { command }),
    });
  }
  // a derived plaintext file must never overwrite an encrypted source, nor another target's file
  const sources = new Set(targets.flatMap((t) => t.sources));
  const seenPath = new Map<string, string>();
  for (const t of targets) {
    if (sources.has(t.path)) problems.push(`deploy.${t.name}.path: is an encrypted source file; writing plaintext there would destroy it`);
    const other = seenPath.get(t.path);
    if (other !== undefined) problems.push(`deploy.${t.name}.path: the same file as deploy.${other}.path`);
    seenPath.set(t.path, t.name);
  }
  if (problems.length > 0) {
    throw new HushError("CONFIG", problems.length === 1 ? problems[0]! : `${problems.length} problems in the deploy section`, {
      file,
      hints: problems.length === 1 ? [] : problems,
    });
  }
  return { file, dir, targets };
}

/**
 * Loads hush.yaml (`configPath`, else found from `cwd` upwards) and its deploy section.
 * @throws HushError CONFIG when there is no hush.yaml, it cannot be read, or the section is invalid
 */
export function loadDeployConfig(cwd: string, configPath?: string): DeployConfig {
  const file = configPath === undefined ? findHushYaml(cwd) : resolve(cwd, configPath);
  if (file === null) throw new HushError("CONFIG", "no hush.yaml found in this directory or above", { hints: ["create one with a deploy: section (see docs/deploy.md)"] });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new HushError("CONFIG", "cannot read the config file", { file });
  }
  return parseDeployConfig(text, file);
}
