/**
 * Files that must not outlive the process (plaintext written for one command, e.g. `deploy --cleanup`):
 * removed when the caller unregisters them (normal path), and at the latest on process exit and on
 * SIGINT, SIGTERM and SIGHUP, after which the signal is re-raised so the process still dies of it
 * (unless another part of the program handles that signal too).
 */
import { rmSync } from "node:fs";

const live = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const handlers = new Map<NodeJS.Signals, () => void>();
let installed = false;

function removeAllNow(): void {
  for (const p of live) {
    try {
      rmSync(p, { force: true });
    } catch {
      // exiting: nothing more to do
    }
    live.delete(p);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", removeAllNow);
  for (const sig of SIGNALS) {
    const h = (): void => {
      removeAllNow();
      if (process.listeners(sig).length === 1) {
        process.removeListener(sig, h);
        process.kill(process.pid, sig);
      }
    };
    handlers.set(sig, h);
    try {
      process.on(sig, h);
    } catch {
      // signal not supported on this platform
    }
  }
}

/** Registers `path` for removal on exit or signal; returns a function that removes it now and unregisters it. */
export function removeOnExit(path: string): () => void {
  install();
  live.add(path);
  return () => {
    rmSync(path, { force: true });
    live.delete(path);
  };
}
