/**
 * The `scan:` section of hush.yaml (found from the working directory upwards, beside .sops.yaml).
 * Only this section is read; other top-level sections belong to other workflows. Every problem is
 * collected and reported together with its dot-path (`hush.yaml: scan.rules[0].regex: …`).
 *
 * ```yaml
 * scan:
 *   rules:                    # extra rules, after the built-in ones
 *     - id: acme-token
 *       description: Acme API token
 *       regex: 'acme_[a-z0-9]{32}'
 *       keywords: [acme_]
 *       entropy: 3.0          # optional
 *       secret_group: 1       # optional (default: the whole match)
 *   disabled_rules: [jwt]
 *   allowlist:
 *     paths: ["test/fixtures/**", "*.md"]
 *     regexes: ['^AKIA.*TEST$']   # on the secret
 *     stopwords: [dummy]          # a secret containing one of these is ignored
 *   default_allowlist: true       # false: also scan vendored dependencies, lock files, media
 *   baseline: .hush-baseline.json
 *   max_file_size: 10485760       # bytes; larger files are skipped (0: no limit)
 * ```
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { HushError } from "../../errors.js";
import type { Rule } from "./rule.js";
import { BUILTIN_RULES } from "./rules.js";
import { compileRules, type CompiledRules } from "./engine.js";
import { globToRegExp } from "./glob.js";
import { readBaseline } from "./baseline.js";

/** The config file name, looked up from the working directory upwards. */
export const HUSH_CONFIG_FILE: string = "hush.yaml";

/** Files larger than this (bytes) are skipped unless `scan.max_file_size` says otherwise. */
export const DEFAULT_MAX_FILE_SIZE: number = 10 * 1024 * 1024;

/**
 * Paths skipped unless `scan.default_allowlist: false`: third-party dependencies vendored or installed
 * into the tree (their secrets are not yours to rotate, and they are most of the bytes of many
 * histories), lock files, and binary media/fonts/documents. The same policy as gitleaks's default
 * global allowlist.
 */
export const DEFAULT_ALLOW_PATHS: readonly RegExp[] = [
  /(?:^|\/)node_modules\//,
  /(?:^|\/)bower_components\//,
  /(?:^|\/)vendor\/(?:github\.com|golang\.org\/x|google\.golang\.org|gopkg\.in|cloud\.google\.com|go\.opencensus\.io|go\.opentelemetry\.io|istio\.io|k8s\.io|sigs\.k8s\.io|bundle|ruby)\//,
  /(?:^|\/)vendor\/modules\.txt$/,
  /(?:^|\/)(?:v?env|\.venv|virtualenv)\/lib(?:64)?\//i,
  /(?:^|\/)site-packages\//,
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|deno\.lock|Cargo\.lock|Gemfile\.lock|Pipfile\.lock|poetry\.lock|composer\.lock|go\.sum|go\.work\.sum|gradle\.lockfile)$/,
  /\.(?:bmp|gif|jpe?g|png|ico|svg|tiff?|webp|eot|[ot]tf|woff2?|docx?|xlsx?|pdf|exe|dll|so|dylib|class|jar|pyc)$/i,
];

/** Everything a scan needs: the enabled rules and the allowlists. */
export interface ScanConfig {
  /** Enabled rules in priority order (built-in, then hush.yaml's). */
  readonly rules: readonly Rule[];
  /** @internal the rules prepared for matching */
  readonly compiled: CompiledRules;
  /** Path globs (compiled) plus, unless turned off, {@link DEFAULT_ALLOW_PATHS}; a file matching one is not scanned. */
  readonly allowPaths: readonly RegExp[];
  /** Regexes on the secret; a match is ignored. */
  readonly allowRegexes: readonly RegExp[];
  /** Lower-case words; a secret containing one is ignored. */
  readonly stopwords: readonly string[];
  /** Byte limit per file (0: none). */
  readonly maxFileSize: number;
  /** Absolute path of the baseline file from `scan.baseline`, or null. */
  readonly baselinePath: string | null;
  /**
   * Accepted findings (`baselineKey(absolute file, fingerprint)`), from `scan.baseline` or `--baseline`.
   * A baseline file records paths relative to its own directory, so it works from any directory.
   */
  readonly baseline: ReadonlySet<string>;
  /** The absolute directory the `file` of a finding is relative to (where `hush scan` runs; the repository root for --git and the guard). */
  readonly pathBase: string;
  /** Absolute path of the hush.yaml read, or null when none was found. */
  readonly configFile: string | null;
  /** The directory allowlist paths are relative to (hush.yaml's directory, else the cwd). */
  readonly root: string;
}

/** hush.yaml from `cwd` upwards (at most 100 levels), or null. */
export function findHushConfig(cwd: string): string | null {
  let dir = resolve(cwd);
  for (let i = 0; i < 100; i++) {
    const p = join(dir, HUSH_CONFIG_FILE);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Builds a ScanConfig from parsed values (no file): built-in rules, optional extras. */
export function makeScanConfig(o: {
  extraRules?: readonly Rule[];
  disabledRules?: readonly string[];
  allowPaths?: readonly string[];
  /** Include {@link DEFAULT_ALLOW_PATHS} (default true). */
  defaultAllowlist?: boolean;
  allowRegexes?: readonly RegExp[];
  stopwords?: readonly string[];
  maxFileSize?: number;
  baselinePath?: string | null;
  baseline?: ReadonlySet<string>;
  configFile?: string | null;
  root: string;
  /** Default: `root`. */
  pathBase?: string;
}): ScanConfig {
  const disabled = new Set(o.disabledRules ?? []);
  const rules = [...BUILTIN_RULES.filter((r) => !disabled.has(r.id)), ...(o.extraRules ?? []).filter((r) => !disabled.has(r.id))];
  return {
    rules,
    compiled: compileRules(rules),
    allowPaths: [...(o.defaultAllowlist === false ? [] : DEFAULT_ALLOW_PATHS), ...(o.allowPaths ?? []).map(globToRegExp)],
    allowRegexes: o.allowRegexes ?? [],
    stopwords: (o.stopwords ?? []).map((s) => s.toLowerCase()),
    maxFileSize: o.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    baselinePath: o.baselinePath ?? null,
    baseline: o.baseline ?? new Set(),
    configFile: o.configFile ?? null,
    root: o.root,
    pathBase: o.pathBase ?? o.root,
  };
}

type Problems = string[];

function strList(v: unknown, path: string, problems: Problems): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push(`${path}: must be a list of strings`);
    return [];
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    if (typeof x === "string") out.push(x);
    else problems.push(`${path}[${i}]: must be a string`);
  });
  return out;
}

function regex(src: string, path: string, problems: Problems, flags: string): RegExp | null {
  try {
    return new RegExp(src, flags);
  } catch (e) {
    problems.push(`${path}: invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`);
    return null;
  }
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push(`${path}.${k}: unknown field`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseRules(v: unknown, problems: Problems): Rule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push("scan.rules: must be a list");
    return [];
  }
  const ids = new Set(BUILTIN_RULES.map((r) => r.id));
  const out: Rule[] = [];
  v.forEach((r: unknown, i) => {
    const p = `scan.rules[${i}]`;
    if (!isObj(r)) {
      problems.push(`${p}: must be a map`);
      return;
    }
    checkKeys(r, ["id", "description", "regex", "keywords", "entropy", "secret_group"], p, problems);
    const id = r["id"];
    if (typeof id !== "string" || !/^[a-z0-9][a-z0-9\-_.]*$/.test(id)) {
      problems.push(`${p}.id: must be a lower-case id (letters, digits, - _ .)`);
      return;
    }
    if (ids.has(id)) problems.push(`${p}.id: "${id}" is already a rule id (disable the built-in one with scan.disabled_rules)`);
    ids.add(id);
    if (typeof r["regex"] !== "string" || r["regex"] === "") {
      problems.push(`${p}.regex: required, a regular expression`);
      return;
    }
    const rx = regex(r["regex"], `${p}.regex`, problems, "g");
    const keywords = strList(r["keywords"], `${p}.keywords`, problems).map((k) => k.toLowerCase());
    const entropy = r["entropy"];
    if (entropy !== undefined && (typeof entropy !== "number" || entropy < 0 || entropy > 8)) problems.push(`${p}.entropy: must be a number from 0 to 8`);
    const group = r["secret_group"];
    if (group !== undefined && (typeof group !== "number" || !Number.isInteger(group) || group < 0)) problems.push(`${p}.secret_group: must be a non-negative integer`);
    const desc = r["description"];
    if (desc !== undefined && typeof desc !== "string") problems.push(`${p}.description: must be a string`);
    if (rx === null) return;
    out.push({
      id,
      description: typeof desc === "string" ? desc : id,
      keywords,
      regex: rx,
      secretGroup: typeof group === "number" ? group : 0,
      ...(typeof entropy === "number" ? { entropy } : {}),
    });
  });
  return out;
}

/**
 * Parses the text of a hush.yaml; `file` is used in messages and to resolve the baseline path.
 * @throws HushError CONFIG listing every problem of the `scan:` section with its dot-path
 */
export function parseScanConfig(text: string, file: string): ScanConfig {
  const name = file.split(/[\\/]/).pop() ?? file;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line;
    throw new HushError("CONFIG", `invalid YAML: ${e?.message.split("\n")[0] ?? "parse error"}`, { file: name, ...(line === undefined ? {} : { line }) });
  }
  const top: unknown = doc.toJS();
  const root = dirname(file);
  const scan = isObj(top) ? top["scan"] : undefined;
  if (scan === undefined || scan === null) return makeScanConfig({ root, configFile: file });
  const problems: Problems = [];
  if (!isObj(scan)) throw new HushError("CONFIG", "scan: must be a map", { file: name });
  checkKeys(scan, ["rules", "disabled_rules", "allowlist", "default_allowlist", "baseline", "max_file_size"], "scan", problems);
  const extraRules = parseRules(scan["rules"], problems);
  const disabledRules = strList(scan["disabled_rules"], "scan.disabled_rules", problems);
  const known = new Set([...BUILTIN_RULES.map((r) => r.id), ...extraRules.map((r) => r.id)]);
  disabledRules.forEach((id, i) => {
    if (!known.has(id)) problems.push(`scan.disabled_rules[${i}]: unknown rule "${id}"`);
  });
  let allowPaths: string[] = [];
  const allowRegexes: RegExp[] = [];
  let stopwords: string[] = [];
  const al = scan["allowlist"];
  if (al !== undefined && al !== null) {
    if (!isObj(al)) problems.push("scan.allowlist: must be a map");
    else {
      checkKeys(al, ["paths", "regexes", "stopwords"], "scan.allowlist", problems);
      allowPaths = strList(al["paths"], "scan.allowlist.paths", problems);
      strList(al["regexes"], "scan.allowlist.regexes", problems).forEach((s, i) => {
        const rx = regex(s, `scan.allowlist.regexes[${i}]`, problems, "");
        if (rx !== null) allowRegexes.push(rx);
      });
      stopwords = strList(al["stopwords"], "scan.allowlist.stopwords", problems);
    }
  }
  let baselinePath: string | null = null;
  const b = scan["baseline"];
  if (b !== undefined && b !== null) {
    if (typeof b !== "string" || b === "") problems.push("scan.baseline: must be a file path");
    else baselinePath = resolve(root, b);
  }
  const da = scan["default_allowlist"];
  if (da !== undefined && da !== null && typeof da !== "boolean") problems.push("scan.default_allowlist: must be true or false");
  let maxFileSize: number | undefined;
  const mfs = scan["max_file_size"];
  if (mfs !== undefined && mfs !== null) {
    if (typeof mfs !== "number" || !Number.isInteger(mfs) || mfs < 0) problems.push("scan.max_file_size: must be a number of bytes (0: no limit)");
    else maxFileSize = mfs;
  }
  if (problems.length > 0) {
    throw new HushError("CONFIG", problems[0] as string, { file: name, hints: problems.slice(1).map((p) => `also: ${p}`) });
  }
  const baseline = baselinePath === null ? new Set<string>() : readBaseline(baselinePath, String(b), true);
  return makeScanConfig({ extraRules, disabledRules, allowPaths, defaultAllowlist: da !== false, allowRegexes, stopwords, baselinePath, baseline, configFile: file, root, ...(maxFileSize === undefined ? {} : { maxFileSize }) });
}

/**
 * Loads the built-in rules plus the `scan:` section of the hush.yaml found from `cwd` upwards
 * (or the file `explicitFile` names).
 * @throws HushError CONFIG (with the dot-path) for an invalid section, READ_INPUT for an unreadable file
 */
export function loadScanConfig(cwd: string, explicitFile?: string): ScanConfig {
  const file = explicitFile === undefined ? findHushConfig(cwd) : resolve(cwd, explicitFile);
  if (file === null) return makeScanConfig({ root: resolve(cwd), pathBase: resolve(cwd) });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new HushError("READ_INPUT", `cannot read config: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: explicitFile ?? file });
  }
  return { ...parseScanConfig(text, file), pathBase: resolve(cwd) };
}

/** `config` with the baseline read from `path` instead (`--baseline FILE`; the file must exist). */
export function withBaselineFile(config: ScanConfig, path: string, display: string): ScanConfig {
  return { ...config, baselinePath: path, baseline: readBaseline(path, display, false) };
}
