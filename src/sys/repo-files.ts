/**
 * The files of "the repository": `git ls-files` (tracked plus untracked-but-not-ignored) inside a git
 * work tree, else a directory walk that skips .git and node_modules. Temp files of an interrupted
 * atomic write (`….hush-tmp`) are never listed.
 */
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { childProcess } from "../deps.js";

const TEMP = /\.hush-tmp$/;

function walk(root: string, dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === ".git" || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile()) out.push(relative(root, p).split(sep).join("/"));
  }
}

/** True when `root` is inside a git work tree (git must be installed). */
export function isGitRepo(root: string): boolean {
  const r = childProcess().spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: root, encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "true";
}

/** Paths relative to `root`, `/`-separated, sorted; `git` says whether git listed them. */
export function repoFiles(root: string): { files: string[]; git: boolean } {
  if (isGitRepo(root)) {
    const r = childProcess().spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.status === 0) return { files: [...new Set(r.stdout.split("\0").filter((f) => f !== "" && !TEMP.test(f)))].sort(), git: true };
  }
  const out: string[] = [];
  walk(root, root, out);
  return { files: out.filter((f) => !TEMP.test(f)).sort(), git: false };
}
