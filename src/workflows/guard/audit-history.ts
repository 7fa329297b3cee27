/**
 * `hush audit-history`: was a file whose name suggests a secret (hush.yaml `audit:`) ever committed
 * unencrypted, on any ref? One `git log --all --raw` pass lists every added or modified path with its
 * blob id (merges against their first parent, so content that only a merge brought in counts too); the
 * matching blobs, each once, are read with one `git cat-file --batch` and classified without any key:
 * sops-encrypted or not. The report names commits, authors, dates and paths, never content.
 */
import { HushError } from "../../errors.js";
import { readEncrypted } from "../../engine/index.js";
import { catFileBatch, git, gitTopLevel, type GitOptions } from "../../sys/git.js";
import { pickStore, type FileCtx } from "../files/index.js";
import { firstMatch } from "./glob.js";
import { loadAuditSettings } from "./settings.js";

/** One commit that added or modified a secret-named file with content that is not sops-encrypted. */
export interface AuditFinding {
  commit: string;
  author: string;
  /** Author date, strict ISO 8601. */
  date: string;
  path: string;
  change: "added" | "modified";
  /** The blob id of the unencrypted content. */
  blob: string;
}

/** What the audit looked at and found (findings newest first, as git log lists them). */
export interface AuditResult {
  findings: AuditFinding[];
  commits: number;
  /** Distinct secret-named blobs classified. */
  blobs: number;
}

const ZERO = /^0+$/;

/** True when the bytes are a sops-encrypted file of the store the path implies (no key needed). */
function isSops(bytes: Uint8Array, path: string): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!b.includes("sops")) return false;
  try {
    const { metadata } = readEncrypted(bytes, pickStore(path, undefined), path);
    return metadata.mac !== "";
  } catch (e) {
    if (e instanceof HushError) return false;
    throw e;
  }
}

/**
 * Audits the history of the repository that contains `ctx.cwd`.
 * @throws HushError GENERIC outside a git repository; CONFIG for a malformed hush.yaml `audit:`
 */
export function auditHistory(ctx: FileCtx): AuditResult {
  const root = gitTopLevel({ cwd: ctx.cwd, env: ctx.env });
  if (root === null) throw new HushError("GENERIC", "not inside a git work tree", { hints: ["run hush audit-history in the repository to audit"] });
  const go: GitOptions = { cwd: root, env: ctx.env };
  const settings = loadAuditSettings(ctx.cwd);
  const hasRefs = git(go, ["for-each-ref", "--count=1"]).length > 0;
  if (!hasRefs) return { findings: [], commits: 0, blobs: 0 };
  const log = git(go, [
    "log", "--all", "--format=%x01%H%x1f%an <%ae>%x1f%aI%x1f%P", "--raw", "--no-abbrev", "--no-renames",
    "--diff-filter=AM", "--diff-merges=first-parent", "-z",
  ]).toString("utf8");
  const candidates: (AuditFinding & { merge: boolean })[] = [];
  let commits = 0;
  for (const record of log.split("\x01")) {
    if (record === "") continue;
    commits++;
    const tokens = record.split("\0");
    const [commit = "", author = "", date = "", parents = ""] = (tokens[0] ?? "").split("\x1f");
    const merge = parents.trim().includes(" ");
    for (let i = 1; i + 1 < tokens.length; i += 2) {
      const m = /^\n?:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) ([AM])$/.exec(tokens[i]!);
      if (m === null) {
        i -= 1; // not a raw line: resynchronise on the next token
        continue;
      }
      const [, mode, blob, status] = m;
      const path = tokens[i + 1]!;
      if (mode === "160000" || mode === "120000" || ZERO.test(blob!)) continue; // submodules, symlinks
      if (firstMatch(settings.patterns, path) === null || firstMatch(settings.ignore, path) !== null) continue;
      candidates.push({ commit, author, date, path, change: status === "A" ? "added" : "modified", blob: blob!, merge });
    }
  }
  const blobs = [...new Set(candidates.map((c) => c.blob))];
  const verdict = new Map<string, boolean>();
  const pathOf = new Map(candidates.map((c) => [c.blob, c.path] as const));
  catFileBatch(go, blobs).forEach((obj, i) => {
    const oid = blobs[i]!;
    // an empty file holds no secret; a sops file is what the rule wants
    verdict.set(oid, obj !== null && obj.content.length > 0 && !isSops(obj.content, pathOf.get(oid)!));
  });
  // A merge (diffed against its first parent) repeats what its other parents committed: it is reported
  // only for content no ordinary commit brought in (a leak made while resolving the merge).
  const direct = new Set(candidates.filter((c) => !c.merge && verdict.get(c.blob)).map((c) => `${c.path}\0${c.blob}`));
  const findings: AuditFinding[] = candidates
    .filter((c) => verdict.get(c.blob) && (!c.merge || !direct.has(`${c.path}\0${c.blob}`)))
    .map(({ merge: _merge, ...f }) => f);
  return { findings, commits, blobs: blobs.length };
}
