/**
 * Running other programs: the editor (stdio inherited) and key commands such as SOPS_AGE_KEY_CMD or gpg
 * (output captured). Programs run directly, never through a shell; callers split command strings with
 * shlexSplit first. The environment is always passed explicitly so workflows stay testable.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { constants as osConstants } from "node:os";
import { childProcess } from "../deps.js";
import { HushError, type ErrorCode } from "../errors.js";
import type { Env } from "./env-names.js";

/** Options shared by both ways of running a program. */
export interface SpawnOptions {
  /** The child's whole environment (not merged with process.env). Undefined values are dropped. */
  env: Env;
  /** Working directory; the current one when omitted. */
  cwd?: string;
  /** The error code thrown when the program cannot be started (default GENERIC; the editor uses NO_EDITOR). */
  errorCode?: ErrorCode;
}

/** How a child ended. */
export interface ExitStatus {
  /** The exit code; for a child killed by a signal, 128 + the signal number (the shell's convention). */
  exitCode: number;
  /** The signal that killed the child, or null when it exited. */
  signal: NodeJS.Signals | null;
}

/** A finished child with captured output. */
export interface CaptureResult extends ExitStatus {
  stdout: Uint8Array;
  /** stderr decoded as UTF-8 (for error reports; may contain anything the program printed). */
  stderr: string;
}

function cleanEnv(env: Env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function statusOf(code: number | null, signal: NodeJS.Signals | null): ExitStatus {
  if (signal !== null) return { exitCode: 128 + (osConstants.signals[signal] ?? 0), signal };
  return { exitCode: code ?? 1, signal: null };
}

function startError(argv: readonly string[], err: unknown, code: ErrorCode): HushError {
  const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : String((err as Error).message ?? err);
  return new HushError(code, `could not run ${argv[0] ?? "(empty command)"}: ${why}`, { cause: err });
}

/**
 * Runs `argv` with the terminal's stdin, stdout and stderr, and resolves when it ends.
 * @throws HushError (opts.errorCode, default GENERIC) when argv is empty or the program cannot be started.
 */
export function runInherit(argv: readonly string[], opts: SpawnOptions): Promise<ExitStatus> {
  const code = opts.errorCode ?? "GENERIC";
  const [prog, ...args] = argv;
  if (prog === undefined || prog === "") return Promise.reject(new HushError(code, "empty command"));
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(prog, args, { stdio: "inherit", env: cleanEnv(opts.env), cwd: opts.cwd });
    child.once("error", (err) => reject(startError(argv, err, code)));
    child.once("close", (c, s) => resolve(statusOf(c, s)));
  });
}

/**
 * Runs `argv` with `stdin` (default: empty) and captures stdout as bytes and stderr as text.
 * A non-zero exit is not an error here: the caller reads `exitCode`.
 * @throws HushError (opts.errorCode, default GENERIC) when argv is empty or the program cannot be started.
 */
export function runCapture(
  argv: readonly string[],
  opts: SpawnOptions & { stdin?: Uint8Array | string },
): Promise<CaptureResult> {
  const code = opts.errorCode ?? "GENERIC";
  const [prog, ...args] = argv;
  if (prog === undefined || prog === "") return Promise.reject(new HushError(code, "empty command"));
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(prog, args, { stdio: ["pipe", "pipe", "pipe"], env: cleanEnv(opts.env), cwd: opts.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    // A child that exits without reading stdin makes the write fail with EPIPE; its exit status says the rest.
    child.stdin.on("error", () => {});
    child.once("error", (e) => reject(startError(argv, e, code)));
    child.once("close", (c, s) => {
      resolve({ ...statusOf(c, s), stdout: new Uint8Array(Buffer.concat(out)), stderr: Buffer.concat(err).toString("utf8") });
    });
    child.stdin.end(opts.stdin ?? "");
  });
}

/**
 * Finds `name` like Go's exec.LookPath: a name containing a path separator is checked as is; otherwise each
 * `PATH` entry (from `env`) is tried. Returns the path of an executable regular file, or null.
 */
export function lookPath(name: string, env: Env, platform: NodeJS.Platform = process.platform): string | null {
  const isExe = (p: string): boolean => {
    try {
      if (!statSync(p).isFile()) return false;
      if (platform !== "win32") accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes("/") || (platform === "win32" && name.includes("\\")) || isAbsolute(name)) {
    return isExe(name) ? name : null;
  }
  const path = env["PATH"] ?? (platform === "win32" ? env["Path"] : undefined) ?? "";
  const exts = platform === "win32" ? ["", ...(env["PATHEXT"] ?? ".COM;.EXE;.BAT;.CMD").split(";")] : [""];
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    for (const ext of exts) {
      const p = join(dir, name + ext);
      if (isExe(p)) return p;
    }
  }
  return null;
}
