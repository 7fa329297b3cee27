/**
 * hush.yaml `scan:` parsing (every problem with its dot-path), allowlists, stopwords, inline
 * `hush:allow`, baselines keyed by content, sops-encrypted files, binary and oversized content,
 * redaction and fingerprints.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HushError } from "../../../../src/errors.js";
import {
  loadScanConfig,
  makeScanConfig,
  parseScanConfig,
  scanContent,
  formatBaseline,
  readBaseline,
  baselineKey,
  redact,
  fingerprint,
} from "../../../../src/workflows/scan/index.js";
import { shannonEntropy } from "../../../../src/workflows/scan/filters.js";

const base = makeScanConfig({ root: "/" });
// a password that the generic rule reports (assembled, so this file holds no literal finding)
const PW = ["Zq8", "#vLp", "2!mW", "9t"].join("");
const LINE = `password = "${PW}"`;

function hushError(fn: () => unknown): HushError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HushError) return e;
    throw e;
  }
  assert.fail("expected a HushError");
}

describe("scan config (hush.yaml scan:)", () => {
  it("with no scan section gives the built-in rules", () => {
    const c = parseScanConfig("deploy:\n  web: {}\n", "/p/hush.yaml");
    assert.ok(c.rules.some((r) => r.id === "aws-access-key-id"));
    assert.equal(c.root, "/p");
  });
  it("adds custom rules after the built-in ones and disables rules by id", () => {
    const c = parseScanConfig(
      "scan:\n  rules:\n    - id: acme-token\n      description: Acme token\n      regex: 'acme_[a-z0-9]{12}'\n      keywords: [ACME_]\n  disabled_rules: [generic-password]\n",
      "/p/hush.yaml",
    );
    assert.equal(c.rules.at(-1)?.id, "acme-token");
    assert.ok(!c.rules.some((r) => r.id === "generic-password"));
    const f = scanContent("a.txt", `x = acme_${"k3j4h5g6f7d8"}\n${LINE}\n`, c);
    assert.deepEqual(f.map((x) => [x.ruleId, x.line, x.column]), [["acme-token", 1, 5]]);
    assert.equal(f[0]?.description, "Acme token");
  });
  it("reports every problem with its dot-path, the first as the message and the rest as hints", () => {
    const e = hushError(() =>
      parseScanConfig("scan:\n  rules:\n    - id: Bad Id\n    - id: ok\n      regex: '('\n  disabled_rules: [nope]\n  allowlist:\n    paths: [1]\n  surprise: true\n", "/p/hush.yaml"),
    );
    assert.equal(e.code, "CONFIG");
    assert.equal(e.file, "hush.yaml");
    const all = [e.message, ...e.hints].join("\n");
    for (const want of ["scan.surprise: unknown field", "scan.rules[0].id:", "scan.rules[1].regex: invalid regular expression", 'scan.disabled_rules[0]: unknown rule "nope"', "scan.allowlist.paths[0]: must be a string"]) {
      assert.ok(all.includes(want), `missing ${want} in\n${all}`);
    }
  });
  it("is found from a subdirectory upwards, and a broken YAML file is a CONFIG error with its line", () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-scan-cfg-"));
    try {
      mkdirSync(join(dir, "a", "b"), { recursive: true });
      writeFileSync(join(dir, "hush.yaml"), "scan:\n  disabled_rules: [jwt]\n");
      const c = loadScanConfig(join(dir, "a", "b"));
      assert.equal(c.configFile, join(dir, "hush.yaml"));
      assert.ok(!c.rules.some((r) => r.id === "jwt"));
      writeFileSync(join(dir, "hush.yaml"), "scan:\n  rules: [\n");
      const e = hushError(() => loadScanConfig(dir));
      assert.equal(e.code, "CONFIG");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scan allowlists", () => {
  it("skips allowlisted path globs (basename globs anywhere, anchored globs from the root, **)", () => {
    const c = makeScanConfig({ root: "/", allowPaths: ["*.md", "test/fixtures/**", "docs/"] });
    assert.deepEqual(scanContent("README.md", LINE, c), []);
    assert.deepEqual(scanContent("sub/notes.md", LINE, c), []);
    assert.deepEqual(scanContent("test/fixtures/a/b.env", LINE, c), []);
    assert.deepEqual(scanContent("docs/x.txt", LINE, c), []);
    assert.equal(scanContent("src/test/fixtures/b.env", LINE, c).length, 1);
    assert.equal(scanContent("src/app.env", LINE, c).length, 1);
  });
  it("drops secrets matching an allowlist regex or containing a stopword", () => {
    assert.deepEqual(scanContent("a", LINE, makeScanConfig({ root: "/", allowRegexes: [/^Zq8/] })), []);
    assert.deepEqual(scanContent("a", LINE, makeScanConfig({ root: "/", stopwords: ["VLP2"] })), []);
    assert.equal(scanContent("a", LINE, makeScanConfig({ root: "/", stopwords: ["nothere"] })).length, 1);
  });
  it("honours hush:allow on the line, for all rules or only the named ones", () => {
    assert.deepEqual(scanContent("a", `${LINE} # hush:allow`, base), []);
    assert.deepEqual(scanContent("a", `${LINE} # hush:allow generic-password`, base), []);
    assert.equal(scanContent("a", `${LINE} # hush:allow jwt`, base).length, 1);
    assert.equal(scanContent("a", `# hush:allow\n${LINE}`, base).length, 1); // only its own line
  });
  it("limits findings to onlyLines", () => {
    const text = `a = 1\n${LINE}\nb = 2\n${LINE}\n`;
    assert.deepEqual(scanContent("a", text, base, new Set([4])).map((f) => f.line), [4]);
    assert.deepEqual(scanContent("a", text, base, new Set()), []);
  });
});

describe("scan baseline", () => {
  it("accepts a finding by file + fingerprint wherever its line moves, and not in another file", () => {
    const [f] = scanContent("app.env", LINE, base);
    assert.ok(f !== undefined);
    const text = formatBaseline([{ file: f.file, ruleId: f.ruleId, fingerprint: f.fingerprint }]);
    const dir = mkdtempSync(join(tmpdir(), "hush-scan-bl-"));
    try {
      writeFileSync(join(dir, "b.json"), text);
      const set = readBaseline(join(dir, "b.json"), "b.json", false);
      // keys are absolute: the baseline's paths are relative to its own directory
      assert.ok(set.has(baselineKey(join(dir, "app.env"), f.fingerprint)));
      const c = makeScanConfig({ root: dir, baseline: set });
      assert.deepEqual(scanContent("app.env", `x = 1\ny = 2\n${LINE}\n`, c), []);
      assert.equal(scanContent("other.env", LINE, c).length, 1);
      writeFileSync(join(dir, "bad.json"), "{}");
      assert.equal(hushError(() => readBaseline(join(dir, "bad.json"), "bad.json", false)).code, "CONFIG");
      assert.equal(hushError(() => readBaseline(join(dir, "missing.json"), "missing.json", false)).code, "READ_INPUT");
      assert.equal(readBaseline(join(dir, "missing.json"), "missing.json", true).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("writes a sorted, deduplicated baseline", () => {
    const t = formatBaseline([
      { file: "b", ruleId: "r", fingerprint: "2" },
      { file: "a", ruleId: "r", fingerprint: "1" },
      { file: "b", ruleId: "r", fingerprint: "2" },
    ]);
    assert.deepEqual((JSON.parse(t) as { findings: unknown[] }).findings, [
      { file: "a", ruleId: "r", fingerprint: "1" },
      { file: "b", ruleId: "r", fingerprint: "2" },
    ]);
  });
});

describe("scan content skips", () => {
  it("skips binary content (NUL in the first 8 KiB) and content over max_file_size", () => {
    assert.deepEqual(scanContent("a.bin", Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(LINE)]), base), []);
    const small = makeScanConfig({ root: "/", maxFileSize: 10 });
    assert.deepEqual(scanContent("a", Buffer.from(LINE), small), []);
    assert.equal(scanContent("a", Buffer.from(LINE), makeScanConfig({ root: "/", maxFileSize: 0 })).length, 1);
  });
  it("reads UTF-16 text with a BOM instead of calling it binary", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(LINE, "utf16le")]);
    assert.equal(scanContent("a.txt", le, base).length, 1);
  });
  it("returns nothing for a sops-encrypted file even when a value looks like a secret in plain text", () => {
    const enc = (s: string): string => `ENC[AES256_GCM,data:${Buffer.from(s).toString("base64")},iv:${"A".repeat(43)}=,tag:${"B".repeat(22)}==,type:str]`;
    const yaml = `db:\n    password: ${enc("x")}\n# ${LINE}\nsops:\n    age:\n        - recipient: age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            YWdl\n            -----END AGE ENCRYPTED FILE-----\n    lastmodified: "2024-01-01T00:00:00Z"\n    mac: ${enc("m")}\n    unencrypted_suffix: _unencrypted\n    version: 3.13.2\n`;
    assert.deepEqual(scanContent("secrets.yaml", yaml, base), []);
    // the same text without metadata is plain: the comment's password is found
    assert.equal(scanContent("plain.yaml", yaml.slice(0, yaml.indexOf("sops:")), base).length, 1);
  });
});

describe("scan redaction and fingerprints", () => {
  it("shows at most 4 characters and never more than a quarter of the secret", () => {
    assert.equal(redact("AKIAABCDEFGHIJKLMNOP"), "AKIA…(20 chars)");
    assert.equal(redact("hunter2"), "h…(7 chars)");
    assert.equal(redact("abc"), "…(3 chars)");
  });
  it("fingerprints are stable, 16 hex digits, and differ between secrets", () => {
    assert.match(fingerprint("a"), /^[0-9a-f]{16}$/);
    assert.equal(fingerprint("a"), fingerprint("a"));
    assert.notEqual(fingerprint("a"), fingerprint("b"));
    const [f] = scanContent("a", LINE, base);
    assert.ok(f !== undefined && !JSON.stringify(f).includes(PW));
  });
  it("entropy is 0 for one repeated character and log2(n) for n distinct ones", () => {
    assert.equal(shannonEntropy("aaaa"), 0);
    assert.equal(shannonEntropy("abcd"), 2);
  });
});

describe("scan: other encrypted forms", () => {
  it("skips a Bitnami SealedSecret manifest as a whole", () => {
    const ct = ["AgA3", "efuxQHUQ58YFsWHvDhu9H", "/HnD9TY/C99632x5B50vXyItxHQHkTJ1Gj31cuRgokY3"].join("");
    const manifest = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n  encryptedData:\n    password: ${ct}\n    token: ${ct}\n`;
    assert.deepEqual(scanContent("sealed.yaml", manifest, base), []);
    assert.ok(scanContent("plain.yaml", manifest.replace("SealedSecret", "Secret"), base).length > 0);
  });
});

describe("scan: default allowlist", () => {
  it("skips vendored dependencies, lock files and media unless scan.default_allowlist is false", () => {
    for (const p of ["node_modules/x/index.js", "web/node_modules/a.js", "vendor/github.com/org/lib/a.go", "package-lock.json", "sub/yarn.lock", "img/logo.png"]) {
      assert.deepEqual(scanContent(p, LINE, base), [], p);
    }
    assert.equal(scanContent("vendor/acme/internal.go", LINE, base).length, 1); // a project's own vendor dir
    const off = parseScanConfig("scan:\n  default_allowlist: false\n", "/p/hush.yaml");
    assert.equal(scanContent("node_modules/x/index.js", LINE, off).length, 1);
    assert.equal(hushError(() => parseScanConfig("scan:\n  default_allowlist: 1\n", "/p/hush.yaml")).message, "scan.default_allowlist: must be true or false");
  });
});
