/**
 * `hush scan --git [RANGE]`: every line added anywhere in history (all refs by default).
 *
 * Instead of parsing `git log -p` (git diffs every commit, then the scanner reads every diff line),
 * history is read as blobs, each scanned once however many commits and branches carry it:
 * 1. `git log --raw --no-renames -z` lists, per commit, each changed path with its old and new blob
 *    (tree diffs only: no file content is read yet).
 * 2. `git cat-file --batch` streams every distinct new blob once; the engine runs over it.
 *    Nearly all blobs have no candidate line and cost one keyword pass.
 * 3. For the few blobs with a match, a commit that introduced the blob at a path is reported only
 *    when the matching line is not a line of that path's previous blob in the commit's parent,
 *    so a secret is attributed to the commit that added the line — as `git log -p` would show it —
 *    and a secret removed later is still found in the commit that added it.
 * Merge commits are attributed nothing (as `git log -p` without -m shows no diff for them).
 */
import { spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { HushError } from "../../errors.js";
import { baselineKey } from "./baseline.js";
import type { ScanConfig } from "./config.js";
import { decodeText, isBinary, isEncryptedFile, pathAllowed, findingsInText, type Finding } from "./content.js";

interface Change {
  path: string;
  oldBlob: string | null;
  newBlob: string;
}

interface Commit {
  sha: string;
  author: string;
  date: string;
  changes: Change[];
}

const ZERO = /^0+$/;

/** Git arguments that select the commits: a range/revisions, or every ref. */
function revisionArgs(range: readonly string[]): string[] {
  for (const r of range) {
    if (r.startsWith("-")) throw new HushError("SCAN_ERROR", `not a revision range: ${r}`, { hints: ["give a range such as main..feature, or nothing for every ref"] });
  }
  return range.length === 0 ? ["--all"] : [...range];
}

function git(cwd: string, args: string[], what: string): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error !== undefined) throw new HushError("SCAN_ERROR", `cannot run git: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  if (r.status !== 0) {
    const msg = (r.stderr ?? "").trim().split("\n")[0] ?? "";
    throw new HushError("SCAN_ERROR", `git ${what} failed: ${msg}`);
  }
  return r.stdout;
}

/** The commits of `range` with their changed paths (newest first, as git log lists them). */
export function listCommits(cwd: string, range: readonly string[]): Commit[] {
  const inside = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd, encoding: "utf8" });
  const bare = spawnSync("git", ["rev-parse", "--is-bare-repository"], { cwd, encoding: "utf8" });
  if (inside.stdout?.trim() !== "true" && bare.stdout?.trim() !== "true") throw new HushError("SCAN_ERROR", "not a git repository", { hints: ["run hush scan --git inside a repository, or scan files with hush scan PATH"] });
  const out = git(cwd, ["-c", "core.quotepath=off", "log", ...revisionArgs(range), "--no-renames", "--raw", "--no-abbrev", "-z", "--format=%x01%H%x00%an <%ae>%x00%aI%x00", "--"], "log");
  const tokens = out.split("\0");
  const commits: Commit[] = [];
  let cur: Commit | null = null;
  for (let i = 0; i < tokens.length; i++) {
    let t = tokens[i] as string;
    if (t.startsWith("\n")) t = t.slice(1);
    if (t.startsWith("\x01")) {
      cur = { sha: t.slice(1), author: tokens[i + 1] ?? "", date: tokens[i + 2] ?? "", changes: [] };
      commits.push(cur);
      i += 2;
    } else if (t.startsWith(":") && cur !== null) {
      // :oldmode newmode oldsha newsha STATUS, then the path
      const f = t.slice(1).split(" ");
      const path = tokens[++i] ?? "";
      const [, newMode, oldSha, newSha, status] = f;
      if (newSha === undefined || status === undefined || ZERO.test(newSha)) continue; // deleted
      if (status.startsWith("D")) continue;
      if (newMode === "160000" || newMode === "120000") continue; // submodule, symlink
      cur.changes.push({ path, oldBlob: oldSha === undefined || ZERO.test(oldSha) ? null : oldSha, newBlob: newSha });
    }
  }
  return commits;
}

/**
 * Streams blobs through one `git cat-file --batch`: `onBlob(sha, bytes | null)` is called in
 * request order; bytes are null for blobs over `maxSize` (never buffered) or missing objects.
 */
async function catBlobs(cwd: string, shas: readonly string[], maxSize: number, onBlob: (sha: string, bytes: Buffer | null) => void): Promise<void> {
  if (shas.length === 0) return;
  const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", (e) => reject(new HushError("SCAN_ERROR", `cannot run git cat-file: ${e.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new HushError("SCAN_ERROR", `git cat-file failed: ${stderr.trim().split("\n")[0] ?? ""}`))));
  });
  // write requests with backpressure
  void (async () => {
    const chunk = 512;
    for (let i = 0; i < shas.length; i += chunk) {
      const ok = child.stdin.write(shas.slice(i, i + chunk).join("\n") + "\n");
      if (!ok) await new Promise<void>((r) => child.stdin.once("drain", () => r()));
    }
    child.stdin.end();
  })().catch(() => undefined);
  let buf: Buffer = Buffer.alloc(0);
  let want = -1; // bytes of content (+1 newline) still to take for the current blob, -1: expect a header
  let curSha = "";
  let parts: Buffer[] = [];
  let got = 0;
  let keep = true;
  for await (const data of child.stdout as AsyncIterable<Buffer>) {
    buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
    let off = 0;
    for (;;) {
      if (want < 0) {
        const nl = buf.indexOf(10, off);
        if (nl === -1) break;
        const header = buf.toString("latin1", off, nl);
        off = nl + 1;
        const [sha, type, size] = header.split(" ");
        curSha = sha ?? "";
        if (type === "missing" || size === undefined) {
          onBlob(curSha, null);
          continue;
        }
        want = Number(size) + 1;
        keep = maxSize <= 0 || Number(size) <= maxSize;
        parts = [];
        got = 0;
      } else {
        const take = Math.min(want, buf.length - off);
        if (take === 0) break;
        if (keep) parts.push(buf.subarray(off, off + take));
        off += take;
        want -= take;
        got += take;
        if (want === 0) {
          want = -1;
          const all = keep ? (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)) : null;
          onBlob(curSha, all === null ? null : all.subarray(0, got - 1));
          parts = [];
        }
      }
    }
    buf = off >= buf.length ? Buffer.alloc(0) : buf.subarray(off);
  }
  await done;
}

/** What a history scan did, besides its findings. */
export interface GitScanResult {
  findings: Finding[];
  commits: number;
  blobs: number;
  /** The directory the findings' paths are relative to: the work tree's top (the git dir for a bare repository). */
  root: string;
}

/** The top of the work tree, or for a bare repository the git dir, or `cwd`. */
function repoRoot(cwd: string): string {
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8" });
  if (top.status === 0 && top.stdout.trim() !== "") return top.stdout.trim();
  const gd = spawnSync("git", ["rev-parse", "--absolute-git-dir"], { cwd, encoding: "utf8" });
  return gd.status === 0 && gd.stdout.trim() !== "" ? gd.stdout.trim() : resolve(cwd);
}

/**
 * Scans every line added in the commits of `range` (every ref when empty), reporting the commit,
 * author and date that added it. `onProgress(commitsDone, total)` is called as blobs are scanned.
 * @throws HushError SCAN_ERROR when cwd is not a repository, the range is bad, or git fails
 */
export async function scanGit(cwd: string, range: readonly string[], config: ScanConfig, onProgress?: (done: number, total: number) => void): Promise<GitScanResult> {
  // git log lists newest first; scan oldest first so progress reads naturally
  const commits = listCommits(cwd, range).reverse();
  const root = repoRoot(cwd);
  const firstPath = new Map<string, string>();
  const order: string[] = [];
  const commitEnd: number[] = []; // index into `order` after which commit i is fully scanned
  for (const c of commits) {
    for (const ch of c.changes) {
      if (pathAllowed(ch.path, config)) continue; // an allowlisted path (vendored code, lock files): not read at all
      if (!firstPath.has(ch.newBlob)) {
        firstPath.set(ch.newBlob, ch.path);
        order.push(ch.newBlob);
      }
    }
    commitEnd.push(order.length);
  }
  // blob → findings of the whole blob (line text kept to compare with the parent's blob)
  const hits = new Map<string, Array<{ f: Finding; lineText: string }>>();
  let scanned = 0;
  let commitDone = 0;
  const total = commits.length;
  onProgress?.(0, total);
  let lastReport = 0;
  await catBlobs(cwd, order, config.maxFileSize, (sha, bytes) => {
    scanned++;
    if (bytes !== null && !isBinary(bytes)) {
      const path = firstPath.get(sha) ?? "";
      const text = decodeText(bytes);
      const found = findingsInText(path, text, { ...config, baseline: EMPTY }, (i) => i + 1);
      if (found.length > 0 && !isEncryptedFile(path, text)) {
        const lines = text.split("\n");
        hits.set(
          sha,
          found.map((f) => ({ f, lineText: lines[f.line - 1] ?? "" })),
        );
      }
    }
    while (commitDone < total && (commitEnd[commitDone] as number) <= scanned) commitDone++;
    if (onProgress !== undefined && (commitDone - lastReport >= 50 || commitDone === total)) {
      lastReport = commitDone;
      onProgress(commitDone, total);
    }
  });
  // parents' blobs of the paths whose new blob has a finding
  const needOld = new Set<string>();
  for (const c of commits) for (const ch of c.changes) if (ch.oldBlob !== null && hits.has(ch.newBlob)) needOld.add(ch.oldBlob);
  const oldLines = new Map<string, Set<string>>();
  await catBlobs(cwd, [...needOld], 0, (sha, bytes) => {
    if (bytes !== null) oldLines.set(sha, new Set(decodeText(bytes).split("\n")));
  });
  const findings: Finding[] = [];
  for (const c of [...commits].reverse()) {
    for (const ch of c.changes) {
      const h = hits.get(ch.newBlob);
      if (h === undefined || pathAllowed(ch.path, config)) continue;
      const before = ch.oldBlob === null ? undefined : oldLines.get(ch.oldBlob);
      for (const { f, lineText } of h) {
        if (before !== undefined && before.has(lineText)) continue; // the line was already there
        const finding: Finding = { ...f, file: ch.path, commit: { sha: c.sha, author: c.author, date: c.date } };
        if (config.baseline.size > 0 && config.baseline.has(baselineKey(resolve(root, finding.file), finding.fingerprint))) continue;
        findings.push(finding);
      }
    }
  }
  return { findings, commits: commits.length, blobs: scanned, root };
}

const EMPTY: ReadonlySet<string> = new Set();
