/**
 * Running a child that stands in for hush (`exec-env`, `exec-file`, `run`): its exit status and the
 * signals sent to hush pass through.
 *
 * Rules this file enforces:
 * - While the child runs, SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to hush are forwarded to the child and
 *   do not end hush; hush ends when the child ends, with the child's status (the caller re-raises a
 *   child's fatal signal on itself, see ExitStatus.signal).
 * - A terminal delivers Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) to the whole foreground process group, so a
 *   child in hush's group has already received them: forwarding would deliver them twice (and many
 *   programs treat a second Ctrl-C as "force quit"). Those two are therefore not forwarded while hush is
 *   in its terminal's foreground process group and the child shares hush's group (Linux: /proc/self/stat;
 *   elsewhere they are always forwarded). SIGTERM and SIGHUP are always forwarded.
 * - With piped output, hush keeps relaying after the child exits until both pipes reach end of file, or
 *   until no data has come for IDLE_MS (a daemon the child left behind holding the pipe must not keep hush
 *   waiting forever: Go's exec.Cmd.WaitDelay idea).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { HushError } from "../errors.js";
import type { Env } from "./env-names.js";
import type { ExitStatus } from "./spawn.js";

export type { ExitStatus } from "./spawn.js";

/** Signals forwarded to the child. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
const TERMINAL_SIGNALS = new Set<NodeJS.Signals>(["SIGINT", "SIGQUIT"]);
const IDLE_MS = 250;

/** Where the child's output goes when it is piped through hush. */
export interface OutputRelay {
  /** Called with each chunk of the child's stdout; return false when the reader is gone (EPIPE). */
  stdout(chunk: Uint8Array): boolean;
  stderr(chunk: Uint8Array): boolean;
  /** Called once per stream at its end (flush held-back bytes). */
  endStdout(): void;
  endStderr(): void;
}

export interface ChildOptions {
  /** The child's whole environment. */
  env: Env;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Pipe stdout and stderr through `relay`; without it all three stdio streams are inherited. */
  relay?: OutputRelay;
  /**
   * The process that should receive forwarded signals, when `argv` is a wrapper (util-linux `script`):
   * called with the wrapper's pid, returns the pid to signal or null (then the wrapper is signalled).
   */
  signalTarget?: (pid: number) => number | null;
  /** True when the child runs in a session of its own (under `script`), so no terminal signal reaches it twice. */
  ownSession?: boolean;
  /** Called once the child has started (tests use it to find the pid). */
  onSpawn?: (pid: number) => void;
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

/** The error for a command that could not be started, with the shell's exit codes (127 not found, 126 not executable). */
function startError(prog: string, err: NodeJS.ErrnoException): HushError {
  if (err.code === "ENOENT") return new HushError("COMMAND_NOT_FOUND", `${prog}: command not found`, { cause: err });
  if (err.code === "EACCES" || err.code === "EISDIR" || err.code === "ENOEXEC") {
    return new HushError("COMMAND_NOT_EXECUTABLE", `${prog}: cannot execute: ${err.code}`, { cause: err });
  }
  return new HushError("GENERIC", `could not run ${prog}: ${err.code ?? err.message}`, { cause: err });
}

/** True when this process is in the foreground process group of its controlling terminal (Linux only; false elsewhere). */
export function inForegroundGroup(): boolean {
  try {
    const stat = readFileSync("/proc/self/stat", "latin1");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // after the command name: state ppid pgrp session tty_nr tpgid
    const pgrp = Number(f[2]);
    const tpgid = Number(f[5]);
    return tpgid > 0 && tpgid === pgrp;
  } catch {
    return false;
  }
}

/** The first child of `pid` (Linux /proc; null when unknown). */
export function firstChildPid(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "latin1").trim();
    const first = Number(text.split(" ")[0]);
    return Number.isInteger(first) && first > 0 ? first : null;
  } catch {
    return null;
  }
}

/**
 * Runs `argv` directly (no shell) and resolves with its exit status once it has ended and its output has
 * been relayed. Signals are forwarded as described in the file header.
 * @throws HushError COMMAND_NOT_FOUND (127), COMMAND_NOT_EXECUTABLE (126) or GENERIC when it cannot start.
 */
export function runChild(argv: readonly string[], opts: ChildOptions): Promise<ExitStatus> {
  const [prog, ...args] = argv;
  if (prog === undefined || prog === "") return Promise.reject(new HushError("USAGE", "empty command"));
  return new Promise((resolve, reject) => {
    // The handlers go in BEFORE the spawn: once the child has exec'd it may print (straight to an inherited
    // stdout) before spawn() returns here, and a SIGTERM sent in answer must not find hush without a
    // handler (it would die of it and orphan the child). A signal that comes before the child exists is
    // delivered to it as soon as it does.
    let child: ChildProcess | undefined;
    const pending: NodeJS.Signals[] = [];
    const handlers = new Map<NodeJS.Signals, () => void>();
    const forward = (sig: NodeJS.Signals): void => {
      if (child === undefined) {
        pending.push(sig);
        return;
      }
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      if (opts.ownSession !== true && TERMINAL_SIGNALS.has(sig) && inForegroundGroup()) return;
      const target = opts.signalTarget?.(child.pid) ?? child.pid;
      try {
        process.kill(target, sig);
      } catch {
        // gone already
      }
    };
    for (const sig of FORWARDED_SIGNALS) {
      const h = (): void => forward(sig);
      handlers.set(sig, h);
      process.on(sig, h);
    }
    const unhook = (): void => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
      handlers.clear();
    };
    const relay = opts.relay;
    try {
      child = spawn(prog, args, {
        stdio: relay === undefined ? "inherit" : ["inherit", "pipe", "pipe"],
        env: cleanEnv(opts.env),
        cwd: opts.cwd,
        ...(opts.uid === undefined ? {} : { uid: opts.uid }),
        ...(opts.gid === undefined ? {} : { gid: opts.gid }),
      });
    } catch (e) {
      unhook();
      reject(startError(prog, e as NodeJS.ErrnoException));
      return;
    }
    for (const sig of pending.splice(0)) forward(sig);
    let exited: ExitStatus | null = null;
    let open = relay === undefined ? 0 : 2;
    let idle: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (): void => {
      if (done || exited === null || open > 0) return;
      done = true;
      if (idle !== undefined) clearTimeout(idle);
      unhook();
      resolve(exited);
    };
    const armIdle = (): void => {
      if (exited === null) return;
      if (idle !== undefined) clearTimeout(idle);
      idle = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, IDLE_MS);
    };
    if (relay !== undefined) {
      const wire = (stream: NodeJS.ReadableStream & { destroy(): void }, write: (b: Uint8Array) => boolean, end: () => void): void => {
        let ended = false;
        const close = (): void => {
          if (ended) return;
          ended = true;
          end();
          open--;
          finish();
        };
        stream.on("data", (b: Buffer) => {
          armIdle();
          // The reader of hush's output has gone: stop reading so the child gets EPIPE/SIGPIPE as it would without hush.
          if (!write(b)) stream.destroy();
        });
        stream.on("end", close);
        stream.on("close", close);
        stream.on("error", close);
      };
      wire(child.stdout!, (b) => relay.stdout(b), () => relay.endStdout());
      wire(child.stderr!, (b) => relay.stderr(b), () => relay.endStderr());
    }
    child.once("spawn", () => {
      if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    });
    child.once("error", (err) => {
      if (done) return;
      done = true;
      unhook();
      reject(startError(prog, err as NodeJS.ErrnoException));
    });
    child.once("exit", (code, signal) => {
      exited = statusOf(code, signal);
      armIdle();
      finish();
    });
  });
}

/**
 * Starts `argv` detached in the background with inherited stdio and does not wait (sops's deprecated
 * `--background`).
 * @throws HushError as runChild when it cannot start.
 */
export function startBackground(argv: readonly string[], opts: ChildOptions): Promise<void> {
  const [prog, ...args] = argv;
  if (prog === undefined || prog === "") return Promise.reject(new HushError("USAGE", "empty command"));
  return new Promise((resolve, reject) => {
    const child = spawn(prog, args, {
      stdio: "inherit",
      detached: true,
      env: cleanEnv(opts.env),
      cwd: opts.cwd,
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    });
    child.once("error", (err) => reject(startError(prog, err as NodeJS.ErrnoException)));
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}
