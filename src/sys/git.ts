/**
 * Running git: plumbing commands with captured output, and `git cat-file --batch` to read many blobs in
 * one process. Every call passes the environment explicitly and never goes through a shell. Output
 * that git quotes (paths in patches) is unquoted here, so callers see real paths.
 */
import { HushError } from "../errors.js";
import type { Env } from "./env-names.js";
import { childProcess } from "../deps.js";

/** Where and how git runs. */
export interface GitOptions {
  cwd: string;
  env: Env;
}

function cleanEnv(env: Env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** A finished git command. */
export interface GitResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `git ARGS` and returns its status and output; a non-zero status is not an error here.
 * @throws HushError GENERIC when git cannot be started
 */
export function gitRun(o: GitOptions, args: readonly string[], input?: Uint8Array | string): GitResult {
  const r = childProcess().spawnSync("git", ["-c", "core.quotepath=off", ...args], {
    cwd: o.cwd,
    env: cleanEnv(o.env),
    input: input ?? "",
    maxBuffer: 1 << 30,
  });
  if (r.error !== undefined) {
    const why = (r.error as NodeJS.ErrnoException).code === "ENOENT" ? "git is not installed (not found on PATH)" : r.error.message;
    throw new HushError("GENERIC", `could not run git: ${why}`, { cause: r.error });
  }
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

/**
 * Runs `git ARGS` and returns stdout; a non-zero exit throws.
 * @throws HushError GENERIC naming the git command and its first stderr line
 */
export function git(o: GitOptions, args: readonly string[], input?: Uint8Array | string): Buffer {
  const r = gitRun(o, args, input);
  if (r.status !== 0) {
    const first = r.stderr.split("\n").find((l) => l.trim() !== "") ?? `exit ${r.status}`;
    throw new HushError("GENERIC", `git ${args[0] ?? ""} failed: ${first.replace(/^(fatal|error): /, "")}`);
  }
  return r.stdout;
}

/** `git rev-parse --show-toplevel`, or null outside a work tree. */
export function gitTopLevel(o: GitOptions): string | null {
  const r = gitRun(o, ["rev-parse", "--show-toplevel"]);
  return r.status === 0 ? r.stdout.toString("utf8").trim() : null;
}

/** One object read by {@link catFileBatch}: null when git says it is missing. */
export type BatchObject = { oid: string; type: string; content: Buffer } | null;

/**
 * Reads many objects in one `git cat-file --batch` process. `names` are anything git accepts there
 * (`<oid>`, `:<path>` for the index, `<commit>:<path>`); a name with a newline cannot be sent on the
 * batch protocol and is read with `git cat-file blob` on its own.
 */
export function catFileBatch(o: GitOptions, names: readonly string[]): BatchObject[] {
  const out: BatchObject[] = new Array<BatchObject>(names.length).fill(null);
  const batchIdx: number[] = [];
  names.forEach((n, i) => {
    if (n.includes("\n")) {
      const r = gitRun(o, ["cat-file", "blob", n]);
      out[i] = r.status === 0 ? { oid: "", type: "blob", content: r.stdout } : null;
    } else batchIdx.push(i);
  });
  if (batchIdx.length === 0) return out;
  const buf = git(o, ["cat-file", "--batch"], batchIdx.map((i) => names[i]).join("\n") + "\n");
  let pos = 0;
  for (const i of batchIdx) {
    const nl = buf.indexOf(10, pos);
    if (nl === -1) throw new HushError("GENERIC", "git cat-file --batch: truncated output");
    const header = buf.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    // "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous"
    const m = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
    if (m === null) continue;
    const size = Number(m[3]);
    out[i] = { oid: m[1]!, type: m[2]!, content: buf.subarray(pos, pos + size) };
    pos += size + 1;
  }
  return out;
}

/**
 * Undoes git's C-style path quoting (`"a\tb\303\251"`): a path that does not start with a double quote
 * is returned as it is.
 */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = Buffer.from(s.slice(1, -1), "utf8");
  const esc: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, "\\": 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 92) {
      bytes.push(c);
      continue;
    }
    const next = String.fromCharCode(body[i + 1] ?? 0);
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.subarray(i + 1, i + 4).toString("latin1"), 8));
      i += 3;
    } else {
      bytes.push(esc[next] ?? body[i + 1]!);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
