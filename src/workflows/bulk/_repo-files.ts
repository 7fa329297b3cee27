/**
 * The files of "the repository": `git ls-files` (tracked plus untracked-but-not-ignored) inside a git
 * work tree, else a directory walk that skips .git and node_modules. Temp files of an interrupted
 * atomic write (`.NAME.xxxx.hush-tmp`) are never listed.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

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

/** Paths relative to `root`, `/`-separated, sorted. */
export function repoFiles(root: string): string[] {
  let files: string[] | null = null;
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status === 0) files = [...new Set(r.stdout.split("\0").filter((f) => f !== ""))];
  if (files === null) {
    files = [];
    walk(root, root, files);
  }
  return files.filter((f) => !TEMP.test(f)).sort();
}
