/**
 * `hush scan --git` in real temporary repositories: each secret is reported once, for the commit that
 * added its line (sha, author, date), including a secret removed again later and one on another
 * branch; lines carried over from the parent blob are not re-reported; ranges limit the commits.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeScanConfig } from "../../../../src/workflows/scan/index.js";
import { scanGit } from "../../../../src/workflows/scan/git.js";
import { HushError } from "../../../../src/errors.js";

const PW = ["Zq8", "#vLp", "2!mW", "9t"].join("");
const PW2 = ["n7K", "q#2v", "Lp9!", "xW4z"].join("");
const AKID = ["AKIA", "QX7RZ2M4", "TY6PLW3N"].join("");
const HUSH = resolve(process.cwd(), "dist/hush.cjs");

let dir = "";
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
function git(...args: string[]): string {
  const r = spawnSync("git", args, { cwd: dir, encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
function commit(msg: string, author: string, date: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  git("add", "-A");
  spawnSync("git", ["commit", "-q", "-m", msg, "--author", author], { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_COMMITTER_NAME: "c", GIT_COMMITTER_EMAIL: "c@x" } });
  return git("rev-parse", "HEAD");
}

describe("scan --git", () => {
  let c1 = "", c2 = "", c3 = "", c4 = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-scan-git-"));
    git("init", "-q", "-b", "main");
    c1 = commit("add config", "Alice <alice@example.com>", "2024-01-02T03:04:05Z", { "config.py": `DEBUG = True\npassword = "${PW}"\n`, "README.md": "hello\n" });
    // edits another line of the same file: the secret's line is not re-reported
    c2 = commit("edit config", "Bob <bob@example.com>", "2024-02-02T03:04:05Z", { "config.py": `DEBUG = False\npassword = "${PW}"\n` });
    // removes the secret: it is still found in c1
    c3 = commit("remove secret", "Bob <bob@example.com>", "2024-03-02T03:04:05Z", { "config.py": `DEBUG = False\npassword = os.environ["PW"]\n` });
    git("checkout", "-q", "-b", "feature");
    c4 = commit("aws on a branch", "Carol <carol@example.com>", "2024-04-02T03:04:05Z", { "aws.ini": `[default]\naws_access_key_id = ${AKID}\n`, "other.txt": `token = "${PW2}"\n` });
    git("checkout", "-q", "main");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reports every added secret once, with the commit that added it, across all refs", async () => {
    const r = await scanGit(dir, [], makeScanConfig({ root: dir }));
    const got = r.findings.map((f) => [f.file, f.line, f.ruleId, f.commit?.sha, f.commit?.author, f.commit?.date]).sort();
    assert.deepEqual(got, [
      ["aws.ini", 2, "aws-access-key-id", c4, "Carol <carol@example.com>", "2024-04-02T03:04:05+00:00"],
      ["config.py", 2, "generic-password", c1, "Alice <alice@example.com>", "2024-01-02T03:04:05+00:00"],
      ["other.txt", 1, "generic-password", c4, "Carol <carol@example.com>", "2024-04-02T03:04:05+00:00"],
    ]);
    assert.equal(r.commits, 4);
    assert.ok(!JSON.stringify(r.findings).includes(PW));
    assert.ok(c2 !== "" && c3 !== "");
  });
  it("limits the scan to a range", async () => {
    const r = await scanGit(dir, ["main..feature"], makeScanConfig({ root: dir }));
    assert.deepEqual(r.findings.map((f) => f.commit?.sha), [c4, c4]);
    const none = await scanGit(dir, [`${c1}..main`], makeScanConfig({ root: dir }));
    assert.deepEqual(none.findings, []);
  });
  it("applies path allowlists and reports progress up to the commit count", async () => {
    const seen: Array<[number, number]> = [];
    const r = await scanGit(dir, [], makeScanConfig({ root: dir, allowPaths: ["*.ini"] }), (d, t) => seen.push([d, t]));
    assert.ok(!r.findings.some((f) => f.file === "aws.ini"));
    assert.deepEqual(seen.at(-1), [4, 4]);
  });
  it("rejects an option given as a range and a directory that is not a repository", async () => {
    await assert.rejects(scanGit(dir, ["--output=/tmp/x"], makeScanConfig({ root: dir })), (e) => e instanceof HushError && e.code === "SCAN_ERROR");
    const plain = mkdtempSync(join(tmpdir(), "hush-scan-nogit-"));
    try {
      await assert.rejects(scanGit(plain, [], makeScanConfig({ root: plain })), (e) => e instanceof HushError && e.code === "SCAN_ERROR" && /not a git repository/.test(e.message));
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
  it("the CLI prints commit, author and date and exits 1", () => {
    const r = spawnSync(process.execPath, [HUSH, "scan", "--git", "--format", "json", "--no-progress"], { cwd: dir, encoding: "utf8", env });
    assert.equal(r.status, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ file: string; commit: { sha: string; author: string; date: string } }>;
    assert.deepEqual(rows.find((x) => x.file === "config.py")?.commit, { sha: c1, author: "Alice <alice@example.com>", date: "2024-01-02T03:04:05+00:00" });
    const t = spawnSync(process.execPath, [HUSH, "scan", "--git=main", "--no-progress"], { cwd: dir, encoding: "utf8", env });
    assert.equal(t.status, 1);
    assert.match(t.stdout, new RegExp(`^config\\.py:2:13 generic-password Zq8…\\(13 chars\\) [0-9a-f]{16} ${c1.slice(0, 12)} Alice <alice@example\\.com> 2024-01-02T03:04:05\\+00:00\\n$`));
    assert.equal(t.stderr, ""); // no progress bar when stderr is not a terminal
  });
  it("writes a baseline of repository paths relative to the baseline's directory, usable from any directory", () => {
    mkdirSync(join(dir, "sub"), { recursive: true });
    const w = spawnSync(process.execPath, [HUSH, "scan", "--git", "--no-progress", "--write-baseline", "bl.json"], { cwd: join(dir, "sub"), encoding: "utf8", env });
    assert.equal(w.status, 0, w.stderr);
    const files = (JSON.parse(readFileSync(join(dir, "sub", "bl.json"), "utf8")) as { findings: { file: string }[] }).findings.map((f) => f.file).sort();
    assert.deepEqual(files, ["../aws.ini", "../config.py", "../other.txt"]);
    for (const [cwd, bl] of [[dir, "sub/bl.json"], [join(dir, "sub"), "bl.json"]] as const) {
      const r = spawnSync(process.execPath, [HUSH, "scan", "--git", "--no-progress", "--baseline", bl], { cwd, encoding: "utf8", env });
      assert.equal(r.status, 0, `from ${cwd}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, "");
    }
    rmSync(join(dir, "sub"), { recursive: true, force: true });
  });
  it("draws a progress bar of commits on a terminal, and none with --no-progress", (t) => {
    // util-linux script(1) gives the command a pseudo-terminal
    if (spawnSync("script", ["--version"]).status !== 0) {
      t.skip("script(1) is not installed; cannot give hush a terminal");
      return;
    }
    const run = (extra: string): string => spawnSync("script", ["-qec", `node ${HUSH} scan --git --format json ${extra} >/dev/null`, "/dev/null"], { cwd: dir, encoding: "utf8", env }).stdout;
    const tty = run("");
    assert.match(tty, /scan \[#+\] 4\/4 commits/);
    assert.match(tty, /\r\x1b\[2K$/); // the bar is cleared at the end
    assert.equal(run("--no-progress"), "");
  });
});
