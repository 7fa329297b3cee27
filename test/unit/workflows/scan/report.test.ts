/**
 * The report formats: text lines, the JSON array, and a SARIF 2.1.0 log carrying every field the
 * schema requires (version, $schema, runs[].tool.driver{name, informationUri, rules[]}, results[] with
 * ruleId, level, message.text, a physical location with region, partialFingerprints).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatJson, formatSarif, formatText } from "../../../../src/workflows/scan/report.js";
import { BUILTIN_RULES, type Finding } from "../../../../src/workflows/scan/index.js";

const plain: Finding = { ruleId: "aws-access-key-id", description: "AWS access key ID", file: "dir with space/a.ini", line: 2, column: 21, redacted: "AKIA…(20 chars)", fingerprint: "0123456789abcdef" };
const inGit: Finding = { ...plain, file: "b.ini", commit: { sha: "a".repeat(40), author: "Alice <a@x>", date: "2024-01-02T03:04:05+00:00" } };

describe("scan reports", () => {
  it("text: file:line:col rule redacted fingerprint [commit author date]", () => {
    assert.equal(formatText([plain, inGit]), `dir with space/a.ini:2:21 aws-access-key-id AKIA…(20 chars) 0123456789abcdef\nb.ini:2:21 aws-access-key-id AKIA…(20 chars) 0123456789abcdef aaaaaaaaaaaa Alice <a@x> 2024-01-02T03:04:05+00:00\n`);
    assert.equal(formatText([]), "");
  });
  it("json: an array of findings, commit only when known", () => {
    const rows = JSON.parse(formatJson([plain, inGit])) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(rows[0] ?? {}), ["ruleId", "description", "file", "line", "column", "redacted", "fingerprint"]);
    assert.deepEqual(rows[1]?.["commit"], inGit.commit);
    assert.equal(formatJson([]), "[]\n");
  });
  it("sarif: the fields SARIF 2.1.0 requires, one driver rule per enabled rule", () => {
    const log = JSON.parse(formatSarif([plain, inGit], BUILTIN_RULES, "0.1.0")) as {
      version: string;
      $schema: string;
      runs: Array<{ tool: { driver: { name: string; informationUri: string; rules: Array<{ id: string; shortDescription: { text: string } }> } }; results: Array<Record<string, unknown>> }>;
    };
    assert.equal(log.version, "2.1.0");
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.ok(run !== undefined);
    assert.equal(run.tool.driver.name, "hush");
    assert.match(run.tool.driver.informationUri, /^https:\/\//);
    assert.deepEqual(run.tool.driver.rules.map((r) => r.id), BUILTIN_RULES.map((r) => r.id));
    assert.equal(run.results.length, 2);
    const r0 = run.results[0] as {
      ruleId: string; ruleIndex: number; level: string; message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
      partialFingerprints: Record<string, string>;
    };
    assert.equal(r0.ruleId, "aws-access-key-id");
    assert.equal(run.tool.driver.rules[r0.ruleIndex]?.id, "aws-access-key-id");
    assert.equal(r0.level, "error");
    assert.match(r0.message.text, /AWS access key ID: AKIA…\(20 chars\)/);
    assert.deepEqual(r0.locations[0]?.physicalLocation, { artifactLocation: { uri: "dir%20with%20space/a.ini" }, region: { startLine: 2, startColumn: 21 } });
    assert.equal(r0.partialFingerprints["hushSecret/v1"], "0123456789abcdef");
    assert.deepEqual((run.results[1] as { properties: unknown }).properties, { commitSha: "a".repeat(40), author: "Alice <a@x>", date: "2024-01-02T03:04:05+00:00" });
  });
});
