/**
 * The age plugin host (keys/age/plugin.ts speaks the protocol): runs `age-plugin-<name>
 * --age-plugin=<protocol>` from PATH in an empty directory, as age does, with hush's environment (plugins
 * read their own variables, e.g. AGE_PASSPHRASE or a PIN cache), its stderr on hush's stderr, and the
 * plugin's questions asked on the terminal.
 */
import { tmpdir } from "node:os";
import { childProcess } from "../../deps.js";
import { HushError } from "../../errors.js";
import type { PluginHost, PluginIO } from "../../keys/age/index.js";
import type { FileCtx } from "./context.js";

const NAME_RE = /^[A-Za-z0-9+\-._]+$/;
/** How long a plugin may take to exit after it was interrupted at the end of a conversation. */
const EXIT_GRACE_MS = 5_000;
/** After this long without a word from the plugin, say that hush is waiting on it (a token to touch?), once. */
const WAIT_NOTICE_MS = 5_000;

function start(ctx: FileCtx, name: string, protocol: string): PluginIO {
  if (!NAME_RE.test(name)) throw new HushError("KEY_FORMAT", `invalid plugin name: ${JSON.stringify(name)}`);
  const program = `age-plugin-${name}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  const child = childProcess().spawn(program, [`--age-plugin=${protocol}`], { cwd: tmpdir(), env, stdio: ["pipe", "pipe", "inherit"] });
  let buf = "";
  let ended = false;
  let failure: HushError | null = null;
  let waiting: (() => void) | null = null;
  let noticed = false;
  const wake = (): void => {
    const w = waiting;
    waiting = null;
    w?.();
  };
  const closed = new Promise<void>((res) => child.once("close", () => res()));
  child.stdout.setEncoding("latin1");
  child.stdout.on("data", (d: string) => {
    buf += d;
    wake();
  });
  child.stdout.on("end", () => {
    ended = true;
    wake();
  });
  child.on("error", (e: NodeJS.ErrnoException) => {
    failure =
      e.code === "ENOENT"
        ? new HushError("KEY_FORMAT", `"${name}" plugin not found: ${program} is not on PATH`, { hints: [`install ${program}, or remove the ${name} key`] })
        : new HushError("KEY_FORMAT", `${name} plugin: cannot start ${program}: ${e.code ?? "error"}`);
    ended = true;
    wake();
  });
  // a plugin may exit before reading all it was sent; what it printed says why
  child.stdin.on("error", () => {});
  return {
    write(text: string): void {
      if (!child.stdin.destroyed && failure === null) child.stdin.write(text, "latin1");
    },
    async readLine(): Promise<string | null> {
      for (;;) {
        const nl = buf.indexOf("\n");
        if (nl !== -1) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          return line;
        }
        if (failure !== null) throw failure;
        if (ended) return null;
        const notice = noticed ? null : setTimeout(() => {
          noticed = true;
          (ctx.note ?? ctx.warn)(`waiting on ${name} plugin...`);
        }, WAIT_NOTICE_MS);
        await new Promise<void>((res) => (waiting = res));
        if (notice !== null) clearTimeout(notice);
      }
    },
    async close(): Promise<void> {
      child.stdin.end();
      if (failure !== null) return;
      // as age: stdin closed, then SIGINT, then wait for the plugin to clean up and exit
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** The plugin host of a run: processes from PATH, messages on stderr, questions on the terminal. */
export function agePluginHost(ctx: FileCtx): PluginHost {
  return {
    start: (name, protocol) => start(ctx, name, protocol),
    message(name, text) {
      (ctx.note ?? ctx.warn)(`${name} plugin: ${text}`);
    },
    async requestValue(name, prompt, secret) {
      return ctx.prompt(`${name} plugin: ${prompt} `, { secret });
    },
    async confirm(name, prompt, yes, no) {
      const answer = await ctx.prompt(no === undefined ? `${name} plugin: ${prompt} [${yes}] ` : `${name} plugin: ${prompt} [1: ${yes}, 2: ${no}] `);
      if (answer === null) return null;
      const a = answer.trim();
      if (no === undefined || a === "1" || a === yes) return true;
      if (a === "2" || a === no) return false;
      return null;
    },
  };
}
