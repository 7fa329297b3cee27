/**
 * In-memory file systems for secrets (sops-nix MountSecretFs): the mount point gets a ramfs (never
 * swapped), or with `tmpfs` a tmpfs with noswap, unless one of that type is already mounted there.
 * Linux only; mounting needs root (CAP_SYS_ADMIN).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { childProcess } from "../deps.js";
import { HushError } from "../errors.js";

/** /proc/self/mountinfo escapes space, tab, newline and backslash as octal. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The file system type mounted exactly at `dir`, or null when `dir` is not a mount point (the last mount wins). */
export function mountedType(dir: string, mountinfo?: string): string | null {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/mountinfo", "utf8");
    } catch {
      return null;
    }
  }
  const want = resolve(dir);
  let type: string | null = null;
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    if (left === undefined || right === undefined) continue;
    if (unescape(left.split(" ")[4] ?? "") === want) type = right.split(" ")[0] ?? null;
  }
  return type;
}

/**
 * Mounts a ramfs (or, with `tmpfs`, a tmpfs with noswap, falling back to plain tmpfs on a kernel that
 * lacks noswap) at `dir` with nodev, nosuid, noexec and mode 0751, unless one is mounted there already.
 * @returns true when it mounted one
 * @throws HushError GENERIC when mount fails (not root, no CAP_SYS_ADMIN, no such file system)
 */
export function mountSecretFs(dir: string, tmpfs: boolean): boolean {
  const type = tmpfs ? "tmpfs" : "ramfs";
  if (mountedType(dir) === type) return false;
  const mount = (opts: string) => childProcess().spawnSync("mount", ["-t", type, "-o", opts, "none", dir], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  let r = mount(`nodev,nosuid,noexec,mode=0751${tmpfs ? ",noswap" : ""}`);
  if (r.status !== 0 && tmpfs) r = mount("nodev,nosuid,noexec,mode=0751");
  if (r.status !== 0) {
    const why = r.error !== undefined ? (r.error as NodeJS.ErrnoException).code ?? "error" : (r.stderr ?? "").trim().split("\n")[0] ?? "";
    throw new HushError("GENERIC", `cannot mount a ${type} for the secrets: ${why}`, {
      file: dir,
      hints: ["run as root, mount one there yourself, or use --root for a directory tree (nothing is mounted then)"],
    });
  }
  return true;
}
