/**
 * The CLI entry: parse, dispatch, and the single catch that turns errors into text and exit codes.
 * sops's forms all work: subcommands, legacy mode flags (-e/-d/-r/--set) and bare `hush FILE` (edit).
 */
import { openSync, readSync, closeSync } from "node:fs";
import { childProcess } from "../deps.js";
import { HushError } from "../errors.js";
import { clockFromEnv } from "../sys/clock.js";
import { randomBytesFromEnv } from "../sys/rng.js";
import type { FileCtx } from "../workflows/files/index.js";
import { HUSH_VERSION, HUSH_SOPS_VERSION } from "../workflows/files/index.js";
import { parseFlags, str, type Flags } from "./args.js";
import { runDecrypt, runEncrypt, runRotate } from "./commands/crypt.js";
import { runBulkRotate, runBulkUpdateKeys, isBulk } from "./commands/bulk.js";
import { runKeygen } from "./commands/keygen.js";
import { runEdit, runFileStatus, runSet, runUnset, runUpdateKeys } from "./commands/modify.js";
import { runSshToAge } from "./commands/ssh-to-age.js";
import { renderError, warn, writeStderr, writeStdout } from "./output.js";
import { USAGE } from "./usage.js";

const COMMANDS = new Set(["encrypt", "decrypt", "edit", "set", "unset", "rotate", "updatekeys", "filestatus", "keygen", "recipients", "ssh-to-age", "validate", "keys", "help", "version", "export", "fingerprint", "guard", "hooks", "deploy", "run", "exec-env", "exec-file", "scan", "install-secrets", "git", "audit-history", "groups", "completion"]);

async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Asks on the controlling terminal; null when there is none. The answer is read as UTF-8 (a trailing CR is
 * dropped). A `secret` answer (passphrase, PIN) is not echoed: `stty -echo` on the terminal while it is
 * typed, restored on every path, Ctrl-C included.
 */
async function promptTty(question: string, opts: { secret?: boolean } = {}): Promise<string | null> {
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch {
    return null;
  }
  const stty = (mode: string): boolean => childProcess().spawnSync("stty", [mode], { stdio: [fd, "ignore", "ignore"] }).status === 0;
  let hidden = false;
  const restore = (): void => {
    if (!hidden) return;
    hidden = false;
    stty("echo");
    writeStderr(""); // the Enter that ended the answer was not echoed
  };
  const onInterrupt = (): void => {
    restore();
    process.exit(130);
  };
  try {
    writeStderr(question);
    if (opts.secret === true) {
      hidden = stty("-echo");
      if (hidden) process.once("SIGINT", onInterrupt);
    }
    const buf = Buffer.alloc(1);
    const bytes: number[] = [];
    let n = 0;
    while ((n = readSync(fd, buf, 0, 1, null)) === 1 && buf[0] !== 10) bytes.push(buf[0] as number);
    if (n === 0 && hidden) {
      // Ctrl-C makes the read return nothing, and node delivers the signal on the next turn of the loop:
      // give it that turn while the handler (restore the echo, exit 130) is still installed
      restore();
      await new Promise<void>((res) => setImmediate(res));
    }
    return Buffer.from(bytes).toString("utf8").replace(/\r$/, "");
  } finally {
    restore();
    process.removeListener("SIGINT", onInterrupt);
    closeSync(fd);
  }
}

/** Builds the context of a real run from the process. */
export function processContext(): FileCtx {
  const env = process.env;
  return { cwd: process.cwd(), env, now: clockFromEnv(env), randomBytes: randomBytesFromEnv(env), readStdin: readAllStdin, prompt: promptTty, warn, note: (line: string) => writeStderr(`hush: ${line}`) };
}

/** Flags sops reads with `c.String` on the subcommand, so in front of a command (global position) they have no effect. */
const IGNORED_BEFORE_COMMAND = ["unencrypted-comment-regex", "encrypted-comment-regex"] as const;

/**
 * sops's global flags may come before the command (`sops --config c.yaml encrypt f`); urfave/cli takes the
 * first non-flag argument as the command. Splits argv there and merges the flags of both sides.
 */
function withGlobalFlags(argv: string[], ctx: FileCtx): { cmd: string | undefined; flags: Flags; positionals: string[] } {
  for (let i = 1; i < argv.length; i++) {
    if (!COMMANDS.has(argv[i] as string)) continue;
    let global: Flags;
    try {
      const g = parseFlags(argv.slice(0, i));
      if (g.positionals.length > 0) continue;
      global = g.flags;
    } catch {
      continue; // argv[i] is the value of the flag before it
    }
    for (const k of IGNORED_BEFORE_COMMAND) {
      if (global[k] === undefined) continue;
      ctx.warn(`--${k} before the command is ignored, as sops ignores it there; give it after the command`);
      delete global[k];
    }
    const rest = parseFlags(argv.slice(i + 1));
    return { cmd: argv[i], flags: { ...global, ...rest.flags }, positionals: rest.positionals };
  }
  return { cmd: undefined, ...parseFlags(argv) };
}

async function dispatch(argv: string[], ctx: FileCtx): Promise<number> {
  // shell completion (src/cli/completion.ts), before any parsing: the words may be half-typed flags
  if (argv[0] === "__complete") return (await import("./completion.js")).runComplete(argv.slice(1));
  if (argv[0] === "completion") return (await import("./completion.js")).runCompletion(argv.slice(1));
  if (argv.includes("--generate-bash-completion")) return (await import("./completion.js")).runGenerateBashCompletion(argv);
  // ssh-to-age keeps the Go tool's own flag syntax (-private-key, -i, -o), so it is parsed apart
  if (argv[0] === "ssh-to-age") return runSshToAge(ctx, argv.slice(1));
  if (argv[0] === "export") return (await import("./commands/export.js")).runExport(ctx, argv.slice(1));
  if (argv[0] === "fingerprint") return (await import("./commands/fingerprint.js")).runFingerprint(ctx, argv.slice(1));
  if (argv[0] === "guard") return (await import("./commands/guard.js")).runGuard(ctx, argv.slice(1));
  if (argv[0] === "hooks") return (await import("./commands/guard.js")).runHooks(ctx, argv.slice(1));
  if (argv[0] === "deploy") return (await import("./commands/deploy.js")).runDeploy(ctx, argv.slice(1));
  if (argv[0] === "install-secrets") return (await import("./commands/install-secrets.js")).runInstallSecrets(ctx, argv.slice(1));
  // run/exec-env/exec-file take a command line after their own flags, so they parse their argv themselves
  if (argv[0] === "run") return (await import("./commands/run.js")).runRun(ctx, argv.slice(1));
  if (argv[0] === "exec-env") return (await import("./commands/exec.js")).runExecEnv(ctx, argv.slice(1));
  if (argv[0] === "exec-file") return (await import("./commands/exec.js")).runExecFile(ctx, argv.slice(1));
  if (argv[0] === "scan") return (await import("./commands/scan.js")).runScan(ctx, argv.slice(1));
  if (argv[0] === "git") return (await import("./commands/git.js")).runGit(ctx, argv.slice(1));
  if (argv[0] === "audit-history") return (await import("./commands/audit-history.js")).runAuditHistory(ctx, argv.slice(1));
  // groups takes repeatable key flags and -f for --file (sops), so it parses its argv itself
  if (argv[0] === "groups") return (await import("./commands/groups.js")).runGroups(ctx, argv.slice(1));
  let cmd = argv[0] !== undefined && COMMANDS.has(argv[0]) ? argv[0] : undefined;
  let { flags, positionals } = parseFlags(cmd === undefined ? argv : argv.slice(1));
  if (cmd === undefined && positionals[0] !== undefined && COMMANDS.has(positionals[0])) {
    ({ cmd, flags, positionals } = withGlobalFlags(argv, ctx));
  }
  if (flags.version === true || cmd === "version") {
    writeStdout(`hush ${HUSH_VERSION} (sops ${HUSH_SOPS_VERSION} compatible)\n`);
    return 0;
  }
  if (flags.help === true || cmd === "help" || argv.length === 0) {
    writeStdout(USAGE);
    return argv.length === 0 ? 1 : 0;
  }
  const file = positionals[0];
  switch (cmd) {
    case "encrypt":
      return runEncrypt(ctx, flags, file);
    case "decrypt":
      return runDecrypt(ctx, flags, file);
    case "rotate":
      return isBulk(flags, positionals) ? runBulkRotate(ctx, flags, positionals) : runRotate(ctx, flags, file);
    case "edit":
      return runEdit(ctx, flags, file);
    case "set":
      return runSet(ctx, flags, positionals);
    case "unset":
      return runUnset(ctx, flags, positionals);
    case "updatekeys":
      return isBulk(flags, positionals) ? runBulkUpdateKeys(ctx, flags, positionals) : runUpdateKeys(ctx, flags, positionals);
    case "validate":
      return (await import("./commands/validate.js")).runValidate(ctx, flags, positionals);
    case "keys":
      return (await import("./commands/keys.js")).runKeys(ctx, flags);
    case "filestatus":
      return runFileStatus(ctx, flags, file);
    case "keygen":
      return runKeygen(ctx, flags, positionals);
    case "recipients":
      return (await import("./commands/recipients.js")).runRecipients(ctx, flags, positionals);
  }
  // Legacy sops form: flags then one file; the mode flag decides, bare = edit.
  if (positionals.length > 1) warn("more than one positional argument provided; only the first one will be used");
  if (file === undefined) throw new HushError("NO_FILE", "no file specified");
  const set = str(flags, "set");
  if (set !== undefined) {
    const cut = set.indexOf("] ");
    if (cut === -1) throw new HushError("INVALID_SET_FORMAT", "invalid set format: expected '[\"key\"] value'");
    return runSet(ctx, flags, [file, set.slice(0, cut + 1), set.slice(cut + 2)]);
  }
  if (flags.encrypt === true) return runEncrypt(ctx, flags, file);
  if (flags.decrypt === true) return runDecrypt(ctx, flags, file);
  if (flags.rotate === true) return runRotate(ctx, flags, file, true);
  return runEdit(ctx, flags, file);
}

/** Runs hush with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], ctx: FileCtx = processContext()): Promise<number> {
  try {
    return await dispatch(argv, ctx);
  } catch (e) {
    if (e instanceof HushError) {
      writeStderr(renderError(e));
      return e.exitCode;
    }
    writeStderr(`hush: internal error: ${(e as Error)?.stack ?? String(e)}\nhush: please report this at https://github.com/hush-secrets/hush/issues`);
    return 1;
  }
}
