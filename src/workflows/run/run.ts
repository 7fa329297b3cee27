/**
 * `hush run [-f FILE…] -- CMD ARGS…`: the secrets of several files in the child's environment, and the
 * child's output masked on its way through hush.
 *
 * Rules this file enforces:
 * - Files merge in order (later wins); with no -f, the files listed in hush.yaml `run.files` are used, and
 *   with neither hush refuses to run (a command silently started without its secrets helps nobody).
 * - Every string value of every file (overridden ones too) at least `maskMinLength` characters long is
 *   masked in the child's stdout and stderr, with its encodings (encodings.ts), as `***`. Numbers,
 *   booleans and null are not masked: `port: 5432` would otherwise turn every 5432 in the logs into `***`.
 * - A child whose stdout is a terminal keeps one: when hush's stdout is a TTY and masking is on, the child
 *   runs under util-linux `script` (a pty of its own) and hush masks what `script` relays. The terminal is
 *   switched to raw mode by `script`, so keys (Ctrl-C included) reach the child's pty, whose line
 *   discipline turns them into signals for the child. Without `script` (not Linux, not installed) the child
 *   gets pipes and knows it is not on a terminal.
 * - With masking off (or nothing to mask) the child inherits stdin, stdout and stderr: hush is not in the way.
 */
import { firstChildPid, runChild, type ExitStatus, type OutputRelay } from "../../sys/child.js";
import { lookPath } from "../../sys/spawn.js";
import { HushError } from "../../errors.js";
import type { FileCtx } from "../files/index.js";
import { secretForms } from "./encodings.js";
import { loadRunConfig } from "./hush-yaml.js";
import { compileMask, Masker } from "./masker.js";
import { loadSecretEnv, type SecretFileOptions, type SecretVar } from "./secret-env.js";

/** Values shorter than this are not masked unless configured otherwise. */
export const DEFAULT_MASK_MIN_LENGTH = 4;

/** Where hush's own output goes (the CLI's writers). Each returns false once the reader has gone. */
export interface OutputSink {
  stdout(b: Uint8Array): boolean;
  stderr(b: Uint8Array): boolean;
}

export interface RunOptions extends SecretFileOptions {
  /** Secret files; empty = hush.yaml `run.files`. */
  files: readonly string[];
  argv: readonly string[];
  /** Mask the child's output (default true). */
  mask?: boolean;
  /** From --mask-min-length; else hush.yaml, else DEFAULT_MASK_MIN_LENGTH. */
  maskMinLength?: number;
  /** True when hush's stdout is a terminal. */
  terminal: boolean;
  sink: OutputSink;
  /** Receives `--verbose` lines (variable names and file names only). */
  note?: (line: string) => void;
  /** Called when the child (or its `script` wrapper) has started (tests). */
  onSpawn?: (pid: number) => void;
}

/** The mask patterns for these variables: each long-enough textual value and its encodings. */
export function maskPatternsFor(vars: readonly SecretVar[], minLength: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const v of vars) {
    if (!v.textual || [...v.value].length < minLength || seen.has(v.value)) continue;
    seen.add(v.value);
    out.push(...secretForms(v.value));
  }
  return out;
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The util-linux `script` invocation that runs `argv` on a pty of its own. The command string is run by
 * /bin/sh (SHELL is set for `script`, which uses $SHELL), which restores the caller's SHELL and execs argv.
 */
export function scriptArgv(script: string, argv: readonly string[], shell: string | undefined): string[] {
  const restore = shell === undefined ? "unset SHELL; " : `SHELL=${shQuote(shell)}; export SHELL; `;
  return [script, "-q", "-e", "-c", `${restore}exec ${argv.map(shQuote).join(" ")}`, "/dev/null"];
}

function relayFor(sink: OutputSink, patterns: readonly Uint8Array[]): OutputRelay {
  const automaton = compileMask(patterns);
  const out = new Masker(automaton);
  const err = new Masker(automaton);
  let outOk = true;
  let errOk = true;
  const put = (which: "stdout" | "stderr", b: Uint8Array): boolean => {
    if (b.length === 0) return which === "stdout" ? outOk : errOk;
    const ok = sink[which](b);
    if (which === "stdout") outOk &&= ok;
    else errOk &&= ok;
    return ok;
  };
  return {
    stdout: (b) => put("stdout", out.push(b)),
    stderr: (b) => put("stderr", err.push(b)),
    endStdout: () => void put("stdout", out.end()),
    endStderr: () => void put("stderr", err.end()),
  };
}

/** The secret files to use: the given ones, else hush.yaml's; and the mask length. */
async function resolveFiles(ctx: FileCtx, o: RunOptions): Promise<{ files: readonly string[]; minLength: number }> {
  if (o.files.length > 0) {
    if (o.maskMinLength !== undefined) return { files: o.files, minLength: o.maskMinLength };
    const cfg = await loadRunConfig(ctx.cwd).catch(() => null);
    return { files: o.files, minLength: cfg?.maskMinLength ?? DEFAULT_MASK_MIN_LENGTH };
  }
  const cfg = await loadRunConfig(ctx.cwd);
  if (cfg === null || cfg.files.length === 0) {
    throw new HushError("USAGE", "no secret files: give -f FILE, or list them in hush.yaml", {
      hints: ["hush.yaml:\n  run:\n    files: [secrets/dev.yaml]"],
    });
  }
  return { files: cfg.files, minLength: o.maskMinLength ?? cfg.maskMinLength ?? DEFAULT_MASK_MIN_LENGTH };
}

/**
 * Runs the command with the secrets and passes its output through the masker.
 * @returns the child's exit status (under `script`, a child killed by a signal shows as 128 + n, signal null).
 * @throws HushError from decryption (nothing is run then), USAGE without files, COMMAND_NOT_FOUND/COMMAND_NOT_EXECUTABLE.
 */
export async function runWithSecrets(ctx: FileCtx, o: RunOptions): Promise<ExitStatus> {
  if (o.argv.length === 0 || o.argv[0] === "") throw new HushError("USAGE", "no command to run", { hints: ["hush run -f secrets.yaml -- COMMAND ARGS…"] });
  const { files, minLength } = await resolveFiles(ctx, o);
  const { vars, all, overrides } = await loadSecretEnv(ctx, files, o);
  const env: Record<string, string | undefined> = { ...ctx.env };
  for (const v of vars) {
    if (o.note !== undefined && ctx.env[v.name] !== undefined) o.note(`${v.name}: ${v.file} overrides the inherited environment`);
    env[v.name] = v.value;
  }
  if (o.note !== undefined) for (const ov of overrides) o.note(`${ov.name}: ${ov.file} overrides ${ov.over}`);
  const patterns = o.mask === false ? [] : maskPatternsFor(all, minLength);
  const spawnHook = o.onSpawn === undefined ? {} : { onSpawn: o.onSpawn };
  if (patterns.length === 0) return runChild(o.argv, { env, cwd: ctx.cwd, ...spawnHook });
  const relay = relayFor(o.sink, patterns);
  const script = o.terminal && process.platform === "linux" ? lookPath("script", ctx.env) : null;
  if (script !== null) {
    o.note?.("the command runs on a pty of its own (util-linux script) so that it sees a terminal while its output is masked");
    return runChild(scriptArgv(script, o.argv, ctx.env["SHELL"]), {
      env: { ...env, SHELL: "/bin/sh" },
      cwd: ctx.cwd,
      relay,
      ownSession: true,
      signalTarget: firstChildPid,
      ...spawnHook,
    });
  }
  return runChild(o.argv, { env, cwd: ctx.cwd, relay, ...spawnHook });
}
