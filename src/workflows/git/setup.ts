/**
 * `hush git setup [--global]`: registers the `sops` diff driver (textconv) and merge driver in git's
 * config, and (per repository) marks the encrypted files in `.gitattributes` with
 * `diff=sops merge=sops`: every sops-encrypted file of the repository by path, plus any patterns the
 * user names (creation rules use regexes, which .gitattributes cannot express, so new files are added
 * by re-running setup or by a pattern). Re-running changes nothing that is already there.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { git, gitRun, gitTopLevel } from "../../sys/git.js";
import { findRepoEncryptedFiles } from "../bulk/index.js";
import type { FileCtx } from "../files/index.js";

export const DRIVER = "sops";
export const ATTRIBUTES: string = `diff=${DRIVER} merge=${DRIVER}`;

/** What setup did. */
export interface SetupResult {
  scope: "global" | "local";
  /** `key = value` lines written to git config. */
  config: string[];
  /** The .gitattributes file written (null with --global). */
  attributesFile: string | null;
  /** Patterns added to it now (already present ones are not repeated). */
  added: string[];
}

/** Escapes a path for a .gitattributes pattern (leading `/` anchors it to the repository root). */
function attrPattern(path: string): string {
  const esc = path.replace(/[\\*?[\]#!" ]/g, (c) => (c === " " ? "[ ]" : `\\${c}`));
  return `/${esc}`;
}

/**
 * Configures the drivers. `command` is how git should run hush (e.g. `hush`, or quoted absolute node and
 * bundle paths). `patterns` are extra .gitattributes patterns (local only).
 * @throws HushError GENERIC outside a repository (local) or when git config fails; USAGE for patterns with --global
 */
export async function gitSetup(ctx: FileCtx, o: { global: boolean; command: string; patterns: readonly string[] }): Promise<SetupResult> {
  const scope = o.global ? "--global" : "--local";
  const root = o.global ? null : gitTopLevel({ cwd: ctx.cwd, env: ctx.env });
  if (!o.global && root === null) throw new HushError("GENERIC", "not inside a git work tree", { hints: ["run it in a repository, or use --global to configure the drivers for every repository"] });
  if (o.global && o.patterns.length > 0) throw new HushError("USAGE", "--pattern writes .gitattributes, which is per repository: run it without --global");
  const entries: [string, string][] = [
    [`diff.${DRIVER}.textconv`, `${o.command} git textconv`],
    [`merge.${DRIVER}.name`, "hush: sops files merged key by key, re-encrypted"],
    [`merge.${DRIVER}.driver`, `${o.command} git merge %O %A %B %P`],
  ];
  const go = { cwd: root ?? ctx.cwd, env: ctx.env };
  for (const [k, v] of entries) git(go, ["config", scope, k, v]);
  // A cached textconv would keep decrypted text in refs/notes/textconv, inside the repository.
  gitRun(go, ["config", scope, "--unset-all", `diff.${DRIVER}.cachetextconv`]);
  const result: SetupResult = { scope: o.global ? "global" : "local", config: entries.map(([k, v]) => `${k} = ${v}`), attributesFile: null, added: [] };
  if (root === null) return result;
  const file = join(root, ".gitattributes");
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = "";
  }
  const have = new Set(text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")));
  const rootCtx = { ...ctx, cwd: root };
  const files = findRepoEncryptedFiles(rootCtx, undefined).map((f) => attrPattern(f.path));
  const lines: string[] = [];
  for (const p of [...o.patterns, ...files]) {
    const line = `${p} ${ATTRIBUTES}`;
    if (have.has(line)) continue;
    have.add(line);
    lines.push(line);
  }
  result.attributesFile = file;
  if (lines.length > 0) {
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    await writeFileAtomic(file, text + sep + lines.join("\n") + "\n");
    result.added = lines.map((l) => l.slice(0, -ATTRIBUTES.length - 1));
  }
  return result;
}
