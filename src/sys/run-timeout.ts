/**
 * Runs a program with the terminal's stdout/stderr, no stdin, a working directory and a time limit:
 * after `timeoutMs` it gets SIGTERM, and SIGKILL 5 s later. Never through a shell.
 */
import { spawn } from "node:child_process";
import { constants as osConstants } from "node:os";
import { HushError } from "../errors.js";
import type { Env } from "./env-names.js";

/** How a time-limited child ended. */
export interface TimedExit {
  exitCode: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/**
 * @throws HushError GENERIC when the program cannot be started (names the program only)
 */
export function runWithTimeout(argv: readonly string[], opts: { env: Env; cwd: string; timeoutMs: number }): Promise<TimedExit> {
  const [prog, ...args] = argv;
  if (prog === undefined || prog === "") return Promise.reject(new HushError("GENERIC", "empty command"));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(prog, args, { stdio: ["ignore", "inherit", "inherit"], env, cwd: opts.cwd });
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    }, opts.timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (err as NodeJS.ErrnoException).code ?? "cannot start";
      reject(new HushError("GENERIC", `could not run ${prog}: ${why}`, { cause: err }));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (kill !== undefined) clearTimeout(kill);
      resolve({ exitCode: signal !== null ? 128 + (osConstants.signals[signal] ?? 0) : (code ?? 1), signal, timedOut });
    });
  });
}
