/**
 * Atomic file replacement: a user's file is never left half-written.
 *
 * Rules this file enforces:
 * - the bytes go to a temp file in the **same directory** (same file system, so rename is atomic), created
 *   with O_EXCL and a random name, mode 0600 while it is written; then fsync, then rename over the target,
 *   then (best effort) fsync the directory;
 * - an existing target keeps its permission bits, and its owner and group where the process may set them;
 *   a symlink target is followed, so the link stays a link and the file it points to is replaced;
 * - a new file gets what sops gives one (Go os.Create): 0666 less the umask, i.e. 0644 under umask 022;
 * - on any failure the temp file is removed and the target is untouched.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
// fs.promises, not node:fs/promises: a getter that loads the promise API on first use (most runs write nothing)
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { HushError } from "../errors.js";

/** Options for writeFileAtomic. */
export interface WriteFileAtomicOptions {
  /** Mode for a **new** file (default 0666 & ~umask, as sops). An existing file always keeps its own mode. */
  mode?: number;
  /** How errors name the file (default: `path` as given). */
  displayName?: string;
}

/** Test seams. */
export interface _AtomicWriteHooks {
  /** Called right after the temp file is created, before any byte is written. */
  afterOpen?: (tempPath: string) => void | Promise<void>;
  /** Called after the temp file is complete (content, mode, fsync) and before the rename. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

function currentUmask(): number {
  try {
    // process.umask() with no argument is only doc-deprecated; it is unavailable in worker threads.
    return process.umask();
  } catch {
    return 0o022;
  }
}

/** Follows symlinks at `path` (even a dangling final link) to the path the bytes should land at. */
async function resolveTarget(path: string): Promise<string> {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = await fsp.lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return p;
      throw e;
    }
    if (!st.isSymbolicLink()) return p;
    p = resolve(dirname(p), await fsp.readlink(p));
  }
  throw Object.assign(new Error("too many levels of symbolic links"), { code: "ELOOP" });
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "directory does not exist";
    case "ENOSPC":
      return "no space left on device";
    case "EROFS":
      return "read-only file system";
    case "EISDIR":
      return "is a directory";
    case undefined:
      return e instanceof Error ? e.message : String(e);
    default:
      return code;
  }
}

/**
 * Replaces the file at `path` with `data` atomically (see the file header).
 * @throws HushError WRITE_OUTPUT (with `file` set) when the file cannot be written; the target is then unchanged.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, opts: WriteFileAtomicOptions = {}): Promise<void> {
  return _writeFileAtomic(path, data, opts, {});
}

/** writeFileAtomic with test hooks. Not re-exported. */
export async function _writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  opts: WriteFileAtomicOptions,
  hooks: _AtomicWriteHooks,
): Promise<void> {
  const shown = opts.displayName ?? path;
  let tempPath: string | undefined;
  let fh: FileHandle | undefined;
  try {
    const target = await resolveTarget(path);
    let mode = (opts.mode ?? 0o666) & ~currentUmask() & 0o7777;
    let owner: { uid: number; gid: number } | undefined;
    try {
      const st = await fsp.stat(target);
      if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      mode = st.mode & 0o7777;
      owner = { uid: st.uid, gid: st.gid };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    tempPath = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.hush-tmp`);
    fh = await fsp.open(tempPath, "wx", 0o600);
    await hooks.afterOpen?.(tempPath);
    await fh.writeFile(data);
    if (owner !== undefined && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.())) {
      // Only root (or the owner, for the group) may do this; a failure keeps our ownership, as an editor would.
      await fsp.chown(tempPath, owner.uid, owner.gid).catch(() => {});
    }
    await fh.chmod(mode); // after chown, which may clear set-id bits
    await fh.sync();
    await fh.close();
    fh = undefined;
    await hooks.beforeRename?.(tempPath);
    await fsp.rename(tempPath, target);
    tempPath = undefined;
    await syncDir(dirname(target));
  } catch (e) {
    if (fh !== undefined) await fh.close().catch(() => {});
    if (tempPath !== undefined) await fsp.unlink(tempPath).catch(() => {});
    throw new HushError("WRITE_OUTPUT", `could not write file: ${describe(e)}`, { file: shown, cause: e });
  }
}

/** fsync a directory so the rename itself is durable; not supported everywhere (Windows), so best effort. */
async function syncDir(dir: string): Promise<void> {
  let d: FileHandle | undefined;
  try {
    d = await fsp.open(dir, "r");
    await d.sync();
  } catch {
    // best effort
  } finally {
    await d?.close().catch(() => {});
  }
}
