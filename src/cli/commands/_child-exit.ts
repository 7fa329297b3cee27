/**
 * Ending hush the way its child ended: the same exit code, or death by the same signal so that the
 * caller's wait status says "killed by SIGTERM" (a shell prints 143) exactly as it would for the child.
 */
import type { ExitStatus } from "../../sys/child.js";

/**
 * Signals hush re-raises on itself. Others become the number 128 + n: SIGQUIT, SIGSEGV, SIGABRT … would
 * make Node dump core, Node ignores SIGPIPE, and SIGUSR1 starts Node's inspector.
 */
const RERAISE = new Set<NodeJS.Signals>(["SIGHUP", "SIGINT", "SIGTERM", "SIGKILL", "SIGALRM", "SIGUSR2"]);

/**
 * The exit code for a finished child. For a child killed by a re-raisable signal this does not return
 * in practice: every handler of that signal is removed (temp dirs are already gone by then) and the signal
 * is sent to hush itself; the returned 128 + n is only the fallback.
 */
export function exitLikeChild(st: ExitStatus): number {
  if (st.signal !== null && RERAISE.has(st.signal)) {
    process.removeAllListeners(st.signal);
    process.kill(process.pid, st.signal);
  }
  return st.exitCode;
}
