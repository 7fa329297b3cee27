/**
 * `hush hooks install|uninstall`: a plain POSIX sh git hook that runs `hush guard`.
 *
 * Rules this file enforces:
 * - the hooks directory is git's own answer (`git rev-parse --git-path hooks`), so `core.hooksPath`
 *   and linked worktrees are respected;
 * - an existing hook that hush did not write is never overwritten: it is moved to `<hook>.hush-chained`
 *   and the hush hook runs it first, with the same arguments and standard input; its failure still
 *   blocks the commit. Re-installing is idempotent; uninstalling puts the chained hook back;
 * - the hook finds hush as: `$HUSH` (a command line) if set, else the node + bundle that ran
 *   `hush hooks install` (absolute paths, recorded in the hook), else `hush` on PATH; when none is
 *   there it refuses the commit and says how to fix it (a guard that silently does nothing is worse).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { git, type GitOptions } from "../../sys/git.js";
import type { FileCtx } from "../files/index.js";
import { shQuote } from "./guard.js";

/** The line that marks a hook as written by hush. */
export const HOOK_MARKER = "# hush-managed-hook";
/** Suffix of the hook that was there before hush's, which hush's hook runs first. */
export const CHAINED_SUFFIX = ".hush-chained";
/** Hooks hush can install: the guard checks the index, which is what these commit. */
export const HOOK_NAMES: readonly string[] = ["pre-commit", "pre-merge-commit"];

/** What install/uninstall did, for the CLI to report. */
export interface HookChange {
  hook: string;
  /** Absolute path of the hook file. */
  path: string;
  action: "installed" | "reinstalled" | "uninstalled" | "not-installed";
  /** The path of the chained (pre-existing) hook, when there is one. */
  chained: string | null;
}

/** The hooks directory git uses for the repository at `cwd` (absolute). */
export function hooksDir(o: GitOptions): string {
  const p = git(o, ["rev-parse", "--git-path", "hooks"]).toString("utf8").trim();
  return isAbsolute(p) ? p : resolve(o.cwd, p);
}

/** The text of hush's hook. `self` is the command line of the hush that installs it. */
export function hookScript(hook: string, self: readonly string[]): string {
  const selfCmd = self.map(shQuote).join(" ");
  const tests = self.map((p) => `[ -f ${shQuote(p)} ]`).join(" && ");
  return `#!/bin/sh
${HOOK_MARKER}
# ${hook} hook written by \`hush hooks install\`; \`hush hooks uninstall\` removes it and restores
# the hook that was here before (kept as ${hook}${CHAINED_SUFFIX}, run first, same arguments and stdin).
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/${hook}${CHAINED_SUFFIX}" ]; then
  "$hook_dir/${hook}${CHAINED_SUFFIX}" "$@" || exit $?
fi
if [ -n "\${HUSH:-}" ]; then
  exec \${HUSH} guard
elif ${tests}; then
  exec ${selfCmd} guard
elif command -v hush >/dev/null 2>&1; then
  exec hush guard
fi
echo "hush ${hook} hook: cannot find hush (not at ${selfCmd.replace(/["`$\\]/g, "\\$&")}, not on PATH); commit refused" >&2
echo "hush ${hook} hook: install hush, set HUSH to its command line, or run: hush hooks install" >&2
exit 1
`;
}

function isOurs(path: string): boolean {
  try {
    return readFileSync(path, "utf8").includes(HOOK_MARKER);
  } catch {
    return false;
  }
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function checkHook(hook: string): void {
  if (!HOOK_NAMES.includes(hook)) throw new HushError("USAGE", `unsupported hook ${JSON.stringify(hook)}: hush guard checks the index, so it runs as ${HOOK_NAMES.join(" or ")}`);
}

/**
 * Installs hush's hook, chaining an existing one.
 * @param self the command line that runs this hush (absolute node and bundle paths)
 * @param force when a chained hook already exists and another foreign hook sits in place: chain the new
 *   one and keep the older chained hook as `<hook>.hush-chained.old` (without force this is an error)
 * @throws HushError USAGE for an unsupported hook name or the ambiguous state above; GENERIC outside git
 */
export async function installHook(ctx: FileCtx, o: { hook: string; self: readonly string[]; force: boolean }): Promise<HookChange> {
  checkHook(o.hook);
  const dir = hooksDir({ cwd: ctx.cwd, env: ctx.env });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, o.hook);
  const chained = path + CHAINED_SUFFIX;
  let action: HookChange["action"] = "installed";
  if (present(path)) {
    if (isOurs(path)) action = "reinstalled";
    else {
      if (present(chained)) {
        if (!o.force)
          throw new HushError("USAGE", `both ${o.hook} (not written by hush) and ${o.hook}${CHAINED_SUFFIX} exist`, {
            file: path,
            hints: [`look at both; then run hush hooks install --force to chain ${o.hook} and keep the older one as ${o.hook}${CHAINED_SUFFIX}.old`],
          });
        renameSync(chained, chained + ".old");
      }
      renameSync(path, chained);
    }
  }
  await writeFileAtomic(path, hookScript(o.hook, o.self), { mode: 0o755 });
  chmodSync(path, 0o755);
  return { hook: o.hook, path, action, chained: present(chained) ? chained : null };
}

/**
 * Removes hush's hook and puts a chained hook back in its place. A hook hush did not write is left
 * alone (`not-installed`), so uninstalling twice is harmless.
 * @throws HushError USAGE for an unsupported hook name; GENERIC outside git
 */
export function uninstallHook(ctx: FileCtx, o: { hook: string }): HookChange {
  checkHook(o.hook);
  const dir = hooksDir({ cwd: ctx.cwd, env: ctx.env });
  const path = join(dir, o.hook);
  const chained = path + CHAINED_SUFFIX;
  if (!present(path)) {
    if (present(chained)) renameSync(chained, path);
    return { hook: o.hook, path, action: "not-installed", chained: null };
  }
  if (!isOurs(path)) return { hook: o.hook, path, action: "not-installed", chained: null };
  rmSync(path);
  if (present(chained)) renameSync(chained, path);
  return { hook: o.hook, path, action: "uninstalled", chained: existsSync(path) ? path : null };
}
