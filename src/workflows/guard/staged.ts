/**
 * What a commit would record: the staged (index) content of added, copied, modified and renamed files,
 * and which of their lines are new. The work tree is never read: a file edited after `git add` is
 * checked as it was added.
 */
import { catFileBatch, git, unquoteGitPath, type GitOptions } from "../../sys/git.js";

/** One staged file. */
export interface StagedFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  /** Its staged content (empty for a gitlink or an unreadable entry). */
  content: Buffer;
  /** 1-based line numbers added by this commit (all lines for a new file); empty for a binary diff. */
  addedLines: Set<number>;
}

/**
 * Paths staged for the next commit (`git diff --cached --raw --diff-filter=ACMR`). Symlinks and
 * submodules are left out: their "content" is a link target or a commit id, not a file to check.
 */
export function stagedPaths(o: GitOptions): string[] {
  const out = git(o, ["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--diff-filter=ACMR"]).toString("utf8");
  const tokens = out.split("\0");
  const paths: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const m = /^:\d+ (\d+) /.exec(tokens[i]!);
    if (m === null) break;
    if (m[1] === "120000" || m[1] === "160000") continue;
    paths.push(tokens[i + 1]!);
  }
  return paths;
}

/**
 * The added line numbers per path, from one `git diff --cached -U0` pass (textconv and external diff
 * off, so the patch is of the stored bytes).
 */
export function stagedAddedLines(o: GitOptions): Map<string, Set<number>> {
  const patch = git(o, ["diff", "--cached", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--diff-filter=ACMR"]).toString("utf8");
  const out = new Map<string, Set<number>>();
  let current: Set<number> | null = null;
  for (const line of patch.split("\n")) {
    if (line.startsWith("diff --git ")) {
      current = null;
      continue;
    }
    if (line.startsWith("+++ ")) {
      const name = line.slice(4);
      if (name === "/dev/null") continue;
      const path = unquoteGitPath(name.replace(/\t$/, "")).replace(/^b\//, "");
      current = new Set<number>();
      out.set(path, current);
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m !== null && current !== null) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let i = 0; i < count; i++) current.add(start + i);
    }
  }
  return out;
}

/** Every staged file with its index content and added lines. */
export function stagedFiles(o: GitOptions): StagedFile[] {
  const paths = stagedPaths(o);
  if (paths.length === 0) return [];
  const blobs = catFileBatch(o, paths.map((p) => `:${p}`));
  const added = stagedAddedLines(o);
  return paths.map((path, i) => {
    const b = blobs[i];
    return { path, content: b !== null && b !== undefined && b.type === "blob" ? b.content : Buffer.alloc(0), addedLines: added.get(path) ?? new Set<number>() };
  });
}
