/**
 * Findings as text, JSON and SARIF 2.1.0. None of them holds a secret: only the redacted prefix
 * and the fingerprint (SARIF `partialFingerprints`), as in the Finding itself.
 */
import type { Finding } from "./content.js";
import type { Rule } from "./rule.js";

/** The output formats of `hush scan --format`. */
export type ReportFormat = "text" | "json" | "sarif";

/** One line per finding: `file:line:col rule redacted fingerprint [commit]`. */
export function formatText(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.redacted} ${f.fingerprint}${f.commit === undefined ? "" : ` ${f.commit.sha.slice(0, 12)} ${f.commit.author} ${f.commit.date}`}\n`)
    .join("");
}

/** A JSON array of findings (the Finding shape, stable key order). */
export function formatJson(findings: readonly Finding[]): string {
  const rows = findings.map((f) => ({
    ruleId: f.ruleId,
    description: f.description,
    file: f.file,
    line: f.line,
    column: f.column,
    redacted: f.redacted,
    fingerprint: f.fingerprint,
    ...(f.commit === undefined ? {} : { commit: f.commit }),
  }));
  return JSON.stringify(rows, null, 2) + "\n";
}

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A SARIF 2.1.0 log with one run; `rules` lists every enabled rule (so the driver is complete). */
export function formatSarif(findings: readonly Finding[], rules: readonly Rule[], version: string): string {
  const used = new Set(findings.map((f) => f.ruleId));
  const driverRules = rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.description },
    fullDescription: { text: r.description },
    defaultConfiguration: { level: "error" },
    properties: { tags: ["security", "secret"] },
  }));
  // a rule of a finding that is not in the list (never expected) still gets a descriptor
  for (const id of used) if (!rules.some((r) => r.id === id)) driverRules.push({ id, name: id, shortDescription: { text: id }, fullDescription: { text: id }, defaultConfiguration: { level: "error" }, properties: { tags: ["security", "secret"] } });
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: driverRules.findIndex((r) => r.id === f.ruleId),
    level: "error",
    message: { text: `${f.description}: ${f.redacted} (fingerprint ${f.fingerprint})${f.commit === undefined ? "" : ` added in ${f.commit.sha.slice(0, 12)} by ${f.commit.author} on ${f.commit.date}`}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.file) },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: { "hushSecret/v1": f.fingerprint, "hushFileSecret/v1": `${f.file}:${f.fingerprint}` },
    ...(f.commit === undefined ? {} : { properties: { commitSha: f.commit.sha, author: f.commit.author, date: f.commit.date } }),
  }));
  const log = {
    version: "2.1.0",
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: { driver: { name: "hush", informationUri: "https://github.com/hush-secrets/hush", version, semanticVersion: version, rules: driverRules } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
