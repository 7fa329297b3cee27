/**
 * hush.yaml's `guard:` and `audit:` sections (the project config of hush's own features, found from the
 * working directory upwards). Only these two sections are read here; every other top-level key belongs
 * to another feature and is ignored. Problems are collected and reported together, each with its
 * dot-path (`hush.yaml: guard.never_commit[2]: must be a string`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { HushError } from "../../errors.js";
import { compileNamePattern, type NamePattern } from "./glob.js";

export const HUSH_CONFIG_NAME = "hush.yaml";

/**
 * Files a pre-commit guard refuses unless they are sops-encrypted: secrets by convention (dotenv files,
 * private keys, key stores, age identity files).
 */
export const DEFAULT_NEVER_COMMIT: readonly string[] = [
  ".env", ".env.*", "*.env", "*.env.local", "*.pem", "*.key", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519",
  "*.p12", "*.pfx", "*.jks", "*.keystore", "keys.txt", ".netrc", ".pgpass", "*.kdbx",
];
/** Templates that document a dotenv file's keys without values; never refused. */
export const DEFAULT_GUARD_ALLOW: readonly string[] = [".env.example", ".env.sample", ".env.template", "*.env.example"];

/** Names that suggest a secret, for `hush audit-history`. */
export const DEFAULT_AUDIT_PATTERNS: readonly string[] = [
  "*token*", "*key*", "*secret*", "*password*", "*passwd*", "*credential*", "*.env*", ".env*", "*.pem",
  "*.p12", "*.pfx", "*.jks", "*.keystore", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", ".netrc", ".pgpass",
];
/**
 * Names the audit never reports although they match a pattern: public keys, dotenv templates, and
 * source code and docs whose names merely contain a word such as "key" (`keygen.ts`, `api-keys.md`).
 */
export const DEFAULT_AUDIT_IGNORE: readonly string[] = [
  "*.pub", ".env.example", ".env.sample", ".env.template", "*.env.example", "*.md", "*.rst", "*.adoc",
  "*.ts", "*.tsx", "*.js", "*.mjs", "*.cjs", "*.jsx", "*.go", "*.py", "*.rb", "*.java", "*.kt", "*.rs",
  "*.c", "*.h", "*.cc", "*.cpp", "*.hpp", "*.cs", "*.php", "*.swift", "*.scala", "*.sh", "*.html", "*.css",
  "*.svg", "*.png", "*.jpg", "*.gif", "*.lock", "*.txtar", "*.snap",
];

/** The guard's settings after hush.yaml is applied. */
export interface GuardSettings {
  /** Where they came from (for messages), or null for the built-in defaults. */
  file: string | null;
  neverCommit: NamePattern[];
  allow: NamePattern[];
  /** Run the secret scanner over staged added lines (check c). */
  scan: boolean;
}

/** audit-history's settings after hush.yaml is applied. */
export interface AuditSettings {
  file: string | null;
  patterns: NamePattern[];
  ignore: NamePattern[];
}

/** The nearest hush.yaml from `cwd` upwards, or null. */
export function findHushConfig(cwd: string): string | null {
  let dir = cwd;
  for (let i = 0; i < 100; i++) {
    const p = join(dir, HUSH_CONFIG_NAME);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return null;
}

type Section = Record<string, unknown>;

function readSection(cwd: string, name: "guard" | "audit"): { file: string | null; section: Section } {
  const file = findHushConfig(cwd);
  if (file === null) return { file: null, section: {} };
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new HushError("CONFIG", `invalid YAML: ${(e as Error).message.split("\n")[0]}`, { file: HUSH_CONFIG_NAME });
  }
  if (doc === null || doc === undefined) return { file, section: {} };
  if (typeof doc !== "object" || Array.isArray(doc)) throw new HushError("CONFIG", "the top level must be a mapping", { file: HUSH_CONFIG_NAME });
  const s = (doc as Record<string, unknown>)[name];
  if (s === undefined || s === null) return { file, section: {} };
  if (typeof s !== "object" || Array.isArray(s)) throw new HushError("CONFIG", `${name}: must be a mapping`, { file: HUSH_CONFIG_NAME });
  return { file, section: s as Section };
}

function check(name: string, section: Section, known: Record<string, "list" | "bool">): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(section)) {
    const want = known[k];
    if (want === undefined) problems.push(`${name}.${k}: unknown key (known: ${Object.keys(known).join(", ")})`);
    else if (want === "bool" && typeof v !== "boolean") problems.push(`${name}.${k}: must be true or false`);
    else if (want === "list") {
      if (!Array.isArray(v)) problems.push(`${name}.${k}: must be a list of file name patterns`);
      else v.forEach((x, i) => {
        if (typeof x !== "string" || x === "") problems.push(`${name}.${k}[${i}]: must be a non-empty string`);
      });
    }
  }
  return problems;
}

function fail(problems: string[]): never {
  throw new HushError("CONFIG", problems[0]!, { file: HUSH_CONFIG_NAME, hints: problems.slice(1) });
}

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

/**
 * `guard:` — `never_commit` (added to the built-in list), `allow` (exempt), `builtin_patterns: false`
 * (drop the built-in lists), `scan: false` (skip the secret scanner).
 * @throws HushError CONFIG listing every problem with its dot-path
 */
export function loadGuardSettings(cwd: string): GuardSettings {
  const { file, section } = readSection(cwd, "guard");
  const problems = check("guard", section, { never_commit: "list", allow: "list", builtin_patterns: "bool", scan: "bool" });
  if (problems.length > 0) fail(problems);
  const builtin = section["builtin_patterns"] !== false;
  return {
    file,
    neverCommit: [...(builtin ? DEFAULT_NEVER_COMMIT : []), ...list(section["never_commit"])].map(compileNamePattern),
    allow: [...(builtin ? DEFAULT_GUARD_ALLOW : []), ...list(section["allow"])].map(compileNamePattern),
    scan: section["scan"] !== false,
  };
}

/**
 * `audit:` — `patterns` (added to the built-in list), `ignore` (exempt), `builtin_patterns: false`.
 * @throws HushError CONFIG listing every problem with its dot-path
 */
export function loadAuditSettings(cwd: string): AuditSettings {
  const { file, section } = readSection(cwd, "audit");
  const problems = check("audit", section, { patterns: "list", ignore: "list", builtin_patterns: "bool" });
  if (problems.length > 0) fail(problems);
  const builtin = section["builtin_patterns"] !== false;
  return {
    file,
    patterns: [...(builtin ? DEFAULT_AUDIT_PATTERNS : []), ...list(section["patterns"])].map(compileNamePattern),
    ignore: [...(builtin ? DEFAULT_AUDIT_IGNORE : []), ...list(section["ignore"])].map(compileNamePattern),
  };
}
