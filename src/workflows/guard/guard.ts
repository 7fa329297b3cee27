/**
 * `hush guard`: the pre-commit check over the git index (never the work tree). It refuses a commit when
 * (a) a staged file that a `.sops.yaml` creation rule's `path_regex` matches is not sops-encrypted, or is
 * encrypted but broken (structure, or the MAC when a key on this machine opens it); (b) a staged file
 * matches the never-commit patterns and is not encrypted; (c) the secret scanner finds a secret in the
 * staged added lines. Each problem names the file, says why, and gives the command that fixes it. No
 * secret value is ever part of a problem: the scanner hands over redacted forms only.
 */
import { posix } from "node:path";
import { loadConfig, matchCreationRule, formatProblem, type SopsConfig } from "../../config/index.js";
import { HushError } from "../../errors.js";
import { catFileBatch, git, gitTopLevel, type GitOptions } from "../../sys/git.js";
import { readFileSync } from "node:fs";
import type { FileCtx } from "../files/index.js";
import { loadScanConfig, scanContent } from "../scan/index.js";
import { isConflictForm } from "../git/index.js";
import { readEncrypted } from "../../engine/index.js";
import { pickStore } from "../files/index.js";
import { firstMatch } from "./glob.js";
import { checkSopsFile, type Integrity } from "./integrity.js";
import { loadGuardSettings } from "./settings.js";
import { stagedFiles, type StagedFile } from "./staged.js";

/** One reason to refuse the commit. */
export interface GuardProblem {
  /** Repository-relative path of the staged file. */
  file: string;
  /** Which check: rule (a), never-commit pattern (b), scanner (c), an unresolved hush merge conflict. */
  check: "rule" | "pattern" | "secret" | "conflict";
  /** One line: what is wrong (never a secret value). */
  message: string;
  /** Shell commands that fix it, best first. */
  fixes: string[];
  /** 1-based line for a scanner finding. */
  line?: number;
}

/** A secret the scanner found in a staged added line (the scanner's Finding, redacted). */
export interface StagedFinding {
  ruleId: string;
  description: string;
  line: number;
  redacted: string;
  fingerprint: string;
}

/** The scanner as the guard uses it: content and added lines in, redacted findings out. */
export type StagedScanner = (file: string, content: Uint8Array, addedLines: ReadonlySet<number>) => StagedFinding[];

/** What `hush guard` found. */
export interface GuardResult {
  problems: GuardProblem[];
  /** Informational lines: files whose MAC could not be checked here, and why. */
  notes: string[];
  /** Number of staged files checked. */
  checked: number;
}

/** Quotes a path for a POSIX shell when it needs it. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

interface RuleSource {
  /** Absolute path of the .sops.yaml in the work tree (creation rules match paths relative to its directory). */
  abs: string;
  /** Repository-relative path, for messages. */
  rel: string;
  config: SopsConfig;
}

/**
 * The .sops.yaml that governs each staged file: the nearest one from the file's directory up to the
 * repository root, read from the index when it is staged there, else from the work tree.
 */
function configFinder(o: GitOptions, root: string, staged: ReadonlyMap<string, Buffer>): (file: string) => RuleSource | null {
  const cache = new Map<string, RuleSource | null>();
  const inIndex = new Set(git(o, ["ls-files", "-z", "--cached", "--", ":(glob)**/.sops.yaml"]).toString("utf8").split("\0").filter((p) => p !== ""));
  const indexBlobs = new Map<string, Buffer>();
  const wanted = [...inIndex].filter((p) => !staged.has(p));
  catFileBatch(o, wanted.map((p) => `:${p}`)).forEach((b, i) => {
    if (b !== null) indexBlobs.set(wanted[i]!, b.content);
  });
  const load = (dir: string): RuleSource | null => {
    const hit = cache.get(dir);
    if (hit !== undefined) return hit;
    const rel = dir === "" ? ".sops.yaml" : `${dir}/.sops.yaml`;
    let text: string | null = null;
    const blob = staged.get(rel) ?? indexBlobs.get(rel);
    if (blob !== undefined) text = blob.toString("utf8");
    else {
      try {
        text = readFileSync(posix.join(root, rel), "utf8");
      } catch {
        text = null;
      }
    }
    let found: RuleSource | null;
    if (text === null) found = dir === "" ? null : load(posix.dirname(dir) === "." ? "" : posix.dirname(dir));
    else {
      const r = loadConfig(text);
      const fatal = r.errors.filter((p) => p.fatal !== false);
      if (fatal.length > 0)
        throw new HushError("CONFIG", `error loading config: ${formatProblem(fatal[0]!)}`, {
          file: rel,
          ...(fatal[0]!.line === undefined ? {} : { line: fatal[0]!.line }),
          hints: fatal.slice(1).map(formatProblem),
        });
      found = { abs: posix.join(root, rel), rel, config: r.config };
    }
    cache.set(dir, found);
    return found;
  };
  return (file) => {
    const d = posix.dirname(file);
    return load(d === "." ? "" : d);
  };
}

function ruleFor(src: RuleSource | null, root: string, file: string): { index: number; pathRegex: string } | null {
  if (src === null) return null;
  const rule = matchCreationRule(src.config, src.abs, posix.join(root, file));
  // A rule without path_regex says which keys to use for any file, not that every file is a secret.
  if (rule === null || rule.pathRegex === undefined || rule.pathRegex === "") return null;
  return { index: rule.index, pathRegex: rule.pathRegex };
}

function brokenFixes(q: string): string[] {
  return [
    `git restore --staged --worktree -- ${q}   (back to the committed version; then change values only with: hush edit ${q})`,
    `if the values are right and only the MAC is stale: hush edit --ignore-mac ${q} && git add ${q}`,
  ];
}

/**
 * The secret scanner of `hush scan` over staged added lines: built-in rules plus hush.yaml `scan:`
 * (allowlists, baseline, `hush:allow` comments), loaded on first use.
 */
export function defaultScanner(cwd: string, repoRoot?: string): StagedScanner {
  let config: ReturnType<typeof loadScanConfig> | undefined;
  return (file, content, added) => {
    // staged paths are relative to the top of the work tree (what a baseline entry is resolved against)
    config ??= repoRoot === undefined ? loadScanConfig(cwd) : { ...loadScanConfig(cwd), pathBase: repoRoot };
    return scanContent(file, content, config, added);
  };
}

/**
 * Runs the three checks over the staged files of the repository that contains `ctx.cwd`. The scanner
 * defaults to {@link defaultScanner}; hush.yaml `guard.scan: false` turns check (c) off.
 * @throws HushError GENERIC outside a git work tree, CONFIG for a malformed .sops.yaml or hush.yaml
 */
export async function guard(ctx: FileCtx, o: { scanner?: StagedScanner } = {}): Promise<GuardResult> {
  const go: GitOptions = { cwd: ctx.cwd, env: ctx.env };
  const root = gitTopLevel(go);
  if (root === null) throw new HushError("GENERIC", "not inside a git work tree", { hints: ["hush guard checks what `git commit` would record; run it in a repository"] });
  const rgo: GitOptions = { cwd: root, env: ctx.env };
  const settings = loadGuardSettings(ctx.cwd);
  const files = stagedFiles(rgo);
  const byPath = new Map(files.map((f) => [f.path, f.content] as const));
  const findConfig = configFinder(rgo, root, byPath);
  const scanner = o.scanner ?? defaultScanner(ctx.cwd, root);
  const problems: GuardProblem[] = [];
  const notes: string[] = [];
  // Paths in messages and fix commands are relative to where the user runs git (the hook: the top level).
  const shown = (f: string): string => {
    const rel = posix.relative(ctx.cwd, posix.join(root, f));
    return rel.startsWith("..") ? f : rel;
  };
  for (const f of files) {
    if (posix.basename(f.path) === ".sops.yaml") continue;
    const name = shown(f.path);
    const q = shQuote(name);
    const rule = ruleFor(findConfig(f.path), root, f.path);
    const pattern = rule === null && firstMatch(settings.allow, f.path) === null ? firstMatch(settings.neverCommit, f.path) : null;
    let integrity: Integrity | null = null;
    if (rule !== null || pattern !== null) {
      integrity = await checkSopsFile(ctx, f.path, f.content);
      if (rule !== null) {
        const src = findConfig(f.path)!;
        const why = `${src.rel} creation rule ${rule.index} (path_regex ${JSON.stringify(rule.pathRegex)})`;
        if (integrity.state === "plain")
          problems.push({ file: name, check: "rule", message: `not sops-encrypted, but ${why} says it must be`, fixes: [`hush encrypt -i ${q} && git add ${q}`] });
        else if (integrity.state === "broken")
          problems.push({ file: name, check: "rule", message: `sops-encrypted but broken: ${integrity.why}`, fixes: brokenFixes(q) });
      } else if (pattern !== null) {
        if (integrity.state === "plain")
          problems.push({
            file: name,
            check: "pattern",
            message: `matches the never-commit pattern ${JSON.stringify(pattern.source)} and is not sops-encrypted`,
            fixes: [`git rm --cached -- ${q} && echo ${shQuote("/" + f.path)} >> .gitignore   (keep it out of git)`, `hush encrypt -i ${q} && git add ${q}   (commit it encrypted)`],
          });
        else if (integrity.state === "broken")
          problems.push({ file: name, check: "pattern", message: `matches the never-commit pattern ${JSON.stringify(pattern.source)}; sops-encrypted but broken: ${integrity.why}`, fixes: brokenFixes(q) });
      }
      if (integrity.state === "ok" && !integrity.macChecked) notes.push(`${name}: encrypted and well-formed; MAC not checked (${integrity.why ?? "no key"})`);
    }
    if (integrity?.state !== "plain" && unresolvedConflict(f)) {
      problems.push({
        file: name,
        check: "conflict",
        message: "an unresolved merge conflict: the encrypted file still holds the conflict markers hush git merge left",
        fixes: [`hush edit ${q} && git add ${q}   (keep one side of each conflict)`],
      });
      continue;
    }
    if (settings.scan && (integrity === null || integrity.state === "plain")) scanStaged(f, name, q, scanner, problems);
  }
  return { problems, notes, checked: files.length };
}

/** True when the staged content is the encrypted conflict form of `hush git merge` (no key needed). */
function unresolvedConflict(f: StagedFile): boolean {
  if (!f.content.includes("hush_merge_")) return false;
  try {
    const store = pickStore(f.path, undefined);
    return isConflictForm(store, readEncrypted(f.content, store, f.path).branches);
  } catch {
    return false;
  }
}

function scanStaged(f: StagedFile, name: string, q: string, scanner: StagedScanner, problems: GuardProblem[]): void {
  if (f.addedLines.size === 0) return;
  for (const x of scanner(f.path, f.content, f.addedLines)) {
    problems.push({
      file: name,
      check: "secret",
      line: x.line,
      message: `line ${x.line}: ${x.description} (${x.ruleId}): ${x.redacted}, fingerprint ${x.fingerprint}`,
      fixes: [
        `move the value into an encrypted file (hush set secrets.yaml '["name"]' '"…"'), remove it from ${q}, then git add ${q}`,
        `if it is not a secret, end line ${x.line} with a comment containing hush:allow, then git add ${q}`,
      ],
    });
  }
}
