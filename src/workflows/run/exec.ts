/**
 * `exec-env` and `exec-file` (sops cmd/sops/subcommand/exec): run a command with decrypted secrets in its
 * environment, or with the decrypted file at a path given by `{}`.
 *
 * Rules this file enforces:
 * - The sops form `exec-env FILE 'COMMAND'` runs COMMAND with `/bin/sh -c`, as sops does; the hush form
 *   `exec-env FILE… -- CMD ARGS…` runs CMD directly (no shell), after merging the files (later wins).
 * - The environment is the inherited one (none with --pristine), then HOME/USER/LOGNAME of --user, then the
 *   secrets: a secret replaces an inherited variable of the same name (Go's exec keeps the last duplicate).
 * - exec-file's plaintext lives only in a private 0700 directory (sys/private-temp: /dev/shm when
 *   writable), as a FIFO (mode 0600, written once, to the first reader) or with --no-fifo a 0600 regular
 *   file. The directory is removed when the child ends however it ends, when hush exits, and on
 *   SIGINT/SIGTERM/SIGHUP to hush. A fixed target path (--target) is a symlink to that file, created only
 *   if nothing exists there, and removed with it, so no plaintext is ever written outside the private dir.
 */
import { spawnSync } from "node:child_process";
import { chownSync, closeSync, constants as fsConstants, lstatSync, openSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { open as openAsync } from "node:fs/promises";
import { join } from "node:path";
import { HushError } from "../../errors.js";
import { runChild, startBackground, type ExitStatus } from "../../sys/child.js";
import { createPrivateTempDir, removePrivateTempDir } from "../../sys/private-temp.js";
import { lookupUser, type UserAccount } from "../../sys/users.js";
import { absPath, decryptFile, type FileCtx } from "../files/index.js";
import { loadSecretEnv, type SecretFileOptions } from "./secret-env.js";

/** sops's FallbackFilename. */
export const DEFAULT_FILENAME = "tmp-file";

/** What to run: a shell command string (the sops form) or an argv run directly. */
export type Command = { shell: string } | { argv: readonly string[] };

export interface ExecCommonOptions extends SecretFileOptions {
  command: Command;
  /** Run as this user (name or uid); hush must be root. Sets HOME, USER and LOGNAME like sops. */
  user?: string;
  /** Start the command in the background and do not wait for it (sops's deprecated --background). */
  background?: boolean;
  /** Called when the child has started (tests). */
  onSpawn?: (pid: number) => void;
}

export interface ExecEnvOptions extends ExecCommonOptions {
  files: readonly string[];
  /** Do not inherit hush's environment. */
  pristine?: boolean;
  /** sops runs the command in its own process (exec(2)); Node cannot, so the child runs and its status passes through. */
  sameProcess?: boolean;
}

export interface ExecFileOptions extends ExecCommonOptions {
  file: string;
  /** A regular file instead of a FIFO, for readers that open the file more than once or need its size. */
  noFifo?: boolean;
  /** The file's name inside the private directory (default tmp-file). */
  filename?: string;
  /** A fixed path where the program expects the file: a symlink to the private file, removed afterwards. */
  target?: string;
  outputType?: string;
}

function argvOf(cmd: Command, placeholder?: string): string[] {
  if ("shell" in cmd) {
    const text = placeholder === undefined ? cmd.shell : cmd.shell.split("{}").join(placeholder);
    return ["/bin/sh", "-c", text];
  }
  return placeholder === undefined ? [...cmd.argv] : cmd.argv.map((a) => a.split("{}").join(placeholder));
}

function userEnv(u: UserAccount): Record<string, string> {
  return { HOME: u.home, USER: u.name, LOGNAME: u.name };
}

function asUser(u: UserAccount | undefined): { uid?: number; gid?: number } {
  return u === undefined ? {} : { uid: u.uid, gid: u.gid };
}

/**
 * `exec-env`: runs the command with the merged secrets of `files` in its environment.
 * @returns the child's exit status ({0, null} right away with `background`).
 * @throws HushError from decryption or secret conversion (nothing is run then), CONFLICTING_PARAMETERS for
 * --background with --same-process, COMMAND_NOT_FOUND/COMMAND_NOT_EXECUTABLE when the command cannot start.
 */
export async function execEnv(ctx: FileCtx, o: ExecEnvOptions): Promise<ExitStatus> {
  if (o.background === true && o.sameProcess === true) {
    throw new HushError("CONFLICTING_PARAMETERS", "the --same-process flag cannot be used with --background");
  }
  const user = o.user === undefined || o.user === "" ? undefined : lookupUser(o.user);
  const { vars } = await loadSecretEnv(ctx, o.files, o);
  const env: Record<string, string | undefined> = o.pristine === true ? {} : { ...ctx.env };
  if (user !== undefined) Object.assign(env, userEnv(user));
  for (const v of vars) env[v.name] = v.value;
  const argv = argvOf(o.command);
  const opts = { env, cwd: ctx.cwd, ...asUser(user), ...(o.onSpawn === undefined ? {} : { onSpawn: o.onSpawn }) };
  if (o.background === true) {
    await startBackground(argv, opts);
    return { exitCode: 0, signal: null };
  }
  return runChild(argv, opts);
}

/** Makes a FIFO with mode 0600 (Node has no mkfifo; coreutils' mkfifo does it). */
function makeFifo(path: string): void {
  const r = spawnSync("mkfifo", ["-m", "600", path], { stdio: ["ignore", "ignore", "pipe"] });
  if (r.error !== undefined || r.status !== 0) {
    throw new HushError("WRITE_OUTPUT", "could not create a FIFO for the plaintext", { hints: ["use --no-fifo to hand the plaintext over in a regular 0600 file in the same private directory"] });
  }
}

/**
 * Writes `data` to the FIFO for its first reader, in the background. `abort()` unblocks a writer still
 * waiting for a reader (so hush can exit when the child never opened the file) and drops the data.
 */
function serveFifo(path: string, data: Uint8Array): { abort: () => void } {
  let aborted = false;
  let opened = false;
  void (async () => {
    let fh;
    try {
      fh = await openAsync(path, "w");
      opened = true;
      if (!aborted) await fh.writeFile(data);
    } catch {
      // EPIPE: the reader closed early; ENOENT: aborted and removed. Either way nothing is left to do.
    } finally {
      await fh?.close().catch(() => {});
    }
  })();
  return {
    abort: () => {
      aborted = true;
      if (opened) return;
      try {
        // A reader appearing lets the blocked open() return; the writer then sees `aborted`.
        closeSync(openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK));
      } catch {
        // already removed
      }
    },
  };
}

function checkFilename(name: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new HushError("USAGE", "the provided filename is not a local path", { hints: ["--filename takes a plain file name; hush puts it in a private temporary directory (use --target for a fixed path)"] });
  }
}

/**
 * `exec-file`: decrypts `file` (in --output-type's format) into a private FIFO or file and runs the command
 * with `{}` replaced by its path.
 * @returns the child's exit status.
 * @throws HushError from decryption (nothing is created then), USAGE for a bad --filename or --background,
 * WRITE_OUTPUT when --target exists or the FIFO cannot be made, COMMAND_NOT_FOUND/COMMAND_NOT_EXECUTABLE.
 */
export async function execFile(ctx: FileCtx, o: ExecFileOptions): Promise<ExitStatus> {
  const filename = o.filename === undefined || o.filename === "" ? DEFAULT_FILENAME : o.filename;
  checkFilename(filename);
  if (o.background === true) {
    throw new HushError("USAGE", "exec-file does not support --background", {
      hints: ["the plaintext is removed as soon as hush exits, so a background reader would find nothing (sops has the same race); run hush itself in the background instead: hush exec-file … &"],
    });
  }
  const user = o.user === undefined || o.user === "" ? undefined : lookupUser(o.user);
  const plaintext = await decryptFile(ctx, {
    file: o.file,
    ...(o.inputType === undefined ? {} : { inputType: o.inputType }),
    ...(o.outputType === undefined ? {} : { outputType: o.outputType }),
    ...(o.decryptionOrder === undefined ? {} : { decryptionOrder: o.decryptionOrder }),
    ...(o.ignoreMac === undefined ? {} : { ignoreMac: o.ignoreMac }),
  });
  const target = o.target === undefined ? undefined : absPath(ctx, o.target);
  if (target !== undefined && exists(target)) {
    throw new HushError("WRITE_OUTPUT", "the target path already exists; hush never replaces a file with plaintext", { file: o.target });
  }
  const dir = createPrivateTempDir();
  let fifo: { abort: () => void } | undefined;
  let linked = false;
  const unlinkTarget = (): void => {
    if (!linked || target === undefined) return;
    linked = false;
    try {
      unlinkSync(target);
    } catch {
      // already gone
    }
  };
  process.on("exit", unlinkTarget);
  try {
    const path = join(dir, filename);
    if (o.noFifo === true) {
      writeFileSync(path, plaintext, { mode: 0o600, flag: "wx" });
    } else {
      makeFifo(path);
    }
    if (user !== undefined) {
      chownSync(dir, user.uid, user.gid);
      chownSync(path, user.uid, user.gid);
    }
    if (target !== undefined) {
      try {
        symlinkSync(path, target);
        linked = true;
      } catch (e) {
        throw new HushError("WRITE_OUTPUT", `could not create the target link: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: o.target, cause: e });
      }
    }
    if (o.noFifo !== true) fifo = serveFifo(path, plaintext);
    const env: Record<string, string | undefined> = { ...ctx.env };
    if (user !== undefined) Object.assign(env, userEnv(user));
    const shown = target ?? path;
    return await runChild(argvOf(o.command, shown), { env, cwd: ctx.cwd, ...asUser(user), ...(o.onSpawn === undefined ? {} : { onSpawn: o.onSpawn }) });
  } finally {
    fifo?.abort();
    unlinkTarget();
    process.removeListener("exit", unlinkTarget);
    removePrivateTempDir(dir);
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
