/**
 * hush scan against the real gitleaks (v8.30.1) and git-secrets on the same inputs: in a temporary
 * repository with provider-format secrets committed, some removed again later and one on a second
 * branch, every secret gitleaks reports from history (`gitleaks git`) is reported by `hush scan --git`
 * at the same file and line in the same commit, and every file+line git-secrets (`--scan` with its AWS
 * provider) flags, hush flags too. Secrets are assembled at run time; none is printed.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { requirePeer } from "../helpers/peers.js";
import { base62, crc32 } from "../../src/workflows/scan/filters.js";

const HUSH = resolve(process.cwd(), "dist/hush.cjs");
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };

// deterministic token bodies (no Math.random in tests)
let seed = 424242;
function rnd(n: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    s += alphabet[(seed >>> 16) % alphabet.length];
  }
  return s;
}
const ghBody = rnd(30);
const TOKENS = {
  aws: "AKIA" + rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
  github: "ghp_" + ghBody + base62(crc32(ghBody), 6),
  slack: "xoxb-" + rnd(12, "0123456789") + "-" + rnd(13, "0123456789") + "-" + rnd(24),
  stripe: "sk_" + "live_" + rnd(24),
  sendgrid: "SG." + rnd(22) + "." + rnd(43),
  gitlab: "glpat-" + rnd(20),
};
const SECRETS: Record<string, string> = {
  "aws.ini": `[default]\naws_access_key_id = ${TOKENS.aws}\nregion = eu-west-1\n`,
  "ci.env": `GITHUB_TOKEN=${TOKENS.github}\nLOG_LEVEL=info\n`,
  "slack.yaml": `notify:\n  token: ${TOKENS.slack}\n`,
  "pay.py": `import stripe\nstripe.api_key = "${TOKENS.stripe}"\n`,
  "mail.env": `SENDGRID_API_KEY=${TOKENS.sendgrid}\n`,
  "deploy.sh": `#!/bin/sh\nexport GITLAB_TOKEN=${TOKENS.gitlab}\n`,
};

function git(dir: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd: dir, encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe("interop: hush scan vs gitleaks and git-secrets", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-scan-interop-"));
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(join(dir, "README.md"), "# app\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "init");
    const names = Object.keys(SECRETS);
    names.forEach((name, i) => {
      if (i === 4) git(dir, "checkout", "-q", "-b", "feature");
      writeFileSync(join(dir, name), SECRETS[name] as string);
      git(dir, "add", "-A");
      git(dir, "commit", "-q", "-m", `add ${name}`);
    });
    // remove one secret again: history still holds it
    writeFileSync(join(dir, "aws.ini"), "[default]\nregion = eu-west-1\n");
    git(dir, "commit", "-q", "-am", "remove the key");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("hush scan --git reports every finding gitleaks git reports (file, line, commit)", (t) => {
    const gitleaks = requirePeer(t, "gitleaks");
    if (gitleaks === null) return;
    const report = join(dir, "..", `gitleaks-${process.pid}.json`);
    const g = spawnSync(gitleaks, ["git", dir, "--report-format", "json", "--report-path", report, "--no-banner", "--redact", "--exit-code", "0", "--log-level", "error"], { encoding: "utf8", env });
    assert.equal(g.status, 0, g.stderr);
    const theirs = (JSON.parse(readFileSync(report, "utf8")) as Array<{ File: string; StartLine: number; Commit: string }>).map((f) => `${f.File}:${f.StartLine}:${f.Commit}`);
    rmSync(report, { force: true });
    const h = spawnSync(process.execPath, [HUSH, "scan", "--git", "--format", "json", "--no-progress"], { cwd: dir, encoding: "utf8", env });
    assert.equal(h.status, 1, h.stderr);
    const ours = new Set((JSON.parse(h.stdout) as Array<{ file: string; line: number; commit: { sha: string } }>).map((f) => `${f.file}:${f.line}:${f.commit.sha}`));
    assert.ok(theirs.length >= Object.keys(SECRETS).length, `gitleaks found only ${theirs.length}`);
    for (const k of theirs) assert.ok(ours.has(k), `gitleaks reports ${k}, hush does not`);
    for (const v of Object.values(TOKENS)) assert.ok(!h.stdout.includes(v), "hush printed a secret");
  });

  it("hush scan reports every line git-secrets --scan flags with its AWS provider", (t) => {
    const gs = requirePeer(t, "git-secrets");
    if (gs === null) return;
    git(dir, "checkout", "-q", "feature");
    writeFileSync(join(dir, "aws.ini"), SECRETS["aws.ini"] as string);
    spawnSync("git", ["secrets", "--register-aws"], { cwd: dir, env });
    const r = spawnSync("git", ["secrets", "--scan", ...Object.keys(SECRETS)], { cwd: dir, encoding: "utf8", env });
    const theirs = [...(r.stdout + r.stderr).matchAll(/^([\w.]+):(\d+):/gm)].map((m) => `${m[1]}:${m[2]}`);
    assert.ok(theirs.includes("aws.ini:2"), "git-secrets did not flag the AWS key id");
    const h = spawnSync(process.execPath, [HUSH, "scan", "--format", "json", ...Object.keys(SECRETS)], { cwd: dir, encoding: "utf8", env });
    assert.equal(h.status, 1, h.stderr);
    const ours = new Set((JSON.parse(h.stdout) as Array<{ file: string; line: number }>).map((f) => `${f.file}:${f.line}`));
    for (const k of theirs) assert.ok(ours.has(k), `git-secrets flags ${k}, hush does not`);
  });
});
