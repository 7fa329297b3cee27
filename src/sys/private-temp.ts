/**
 * Private temporary directories for plaintext (the `edit` buffer, `exec-file` files).
 *
 * Rules this file enforces:
 * - the directory is created with mode 0700 by mkdtemp (random name, fails rather than reuse), in
 *   /dev/shm when that is a writable directory (memory, never swapped to a disk file system by itself),
 *   else in os.tmpdir();
 * - it is removed on every exit path: the normal return and a throw of `withPrivateTempDir`, process
 *   exit, and SIGINT, SIGTERM and SIGHUP. The signal handlers are installed once, remove every live
 *   directory synchronously, and then re-raise the signal so the process still dies of it (a shell sees
 *   128 + signal, e.g. 130 for SIGINT), unless some other part of the program also handles that signal.
 */
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HushError } from "../errors.js";

const live = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;
const handlers = new Map<NodeJS.Signals, () => void>();

function removeAllNow(): void {
  for (const dir of live) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while exiting; the directory is private (0700) at least.
    }
    live.delete(dir);
  }
}

function onSignal(sig: NodeJS.Signals): void {
  removeAllNow();
  const handler = handlers.get(sig);
  if (handler !== undefined && process.listeners(sig).length === 1) {
    // We were the only handler: restore the default action and die of the same signal.
    process.removeListener(sig, handler);
    process.kill(process.pid, sig);
  }
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", removeAllNow);
  for (const sig of SIGNALS) {
    const h = (): void => onSignal(sig);
    handlers.set(sig, h);
    try {
      process.on(sig, h);
    } catch {
      // Some platforms (Windows: SIGHUP is emulated, others absent) refuse a signal; skip it.
    }
  }
}

/** The directory new private temp dirs go in: /dev/shm if it is a writable directory, else os.tmpdir(). */
export function privateTempBase(): string {
  try {
    if (statSync("/dev/shm").isDirectory()) {
      accessSync("/dev/shm", constants.W_OK | constants.X_OK);
      return "/dev/shm";
    }
  } catch {
    // No usable /dev/shm (macOS, Windows, some containers).
  }
  return tmpdir();
}

/**
 * Creates a 0700 directory that is removed at process exit or on SIGINT/SIGTERM/SIGHUP at the latest.
 * Call `removePrivateTempDir` as soon as it is no longer needed.
 * @param base parent directory (default privateTempBase()).
 * @throws HushError WRITE_OUTPUT when the directory cannot be created.
 */
export function createPrivateTempDir(base: string = privateTempBase(), prefix: string = "hush-"): string {
  installHandlers();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, prefix));
    live.add(dir);
    chmodSync(dir, 0o700); // mkdtemp already uses 0700; this also holds under an unusual umask-less FS
  } catch (e) {
    throw new HushError("WRITE_OUTPUT", "could not create a private temporary directory", { file: base, cause: e });
  }
  return dir;
}

/** Removes a directory made by createPrivateTempDir, with everything in it. Safe to call twice. */
export function removePrivateTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

/**
 * Runs `fn` with a fresh private temp directory and removes the directory when `fn` settles, whether it
 * returns or throws (and on exit or signal, via createPrivateTempDir).
 */
export async function withPrivateTempDir<T>(fn: (dir: string) => T | Promise<T>, base?: string): Promise<T> {
  const dir = createPrivateTempDir(base);
  try {
    return await fn(dir);
  } finally {
    removePrivateTempDir(dir);
  }
}

/** Directories created and not yet removed (for tests and diagnostics). */
export function livePrivateTempDirs(): readonly string[] {
  return [...live];
}
