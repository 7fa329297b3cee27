/**
 * User and group names to ids, from /etc/passwd and /etc/group (Node has no getpwnam). A name that is
 * all digits is taken as the id itself. `etc` points at another root's /etc for tests and containers.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HushError } from "../errors.js";

function lookup(file: string, name: string, what: "user" | "group"): number {
  if (/^\d+$/.test(name)) return Number(name);
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    // no database: only numeric ids work
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f[2] !== undefined && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  throw new HushError("CONFIG", `unknown ${what} ${JSON.stringify(name)}`, { hints: [`no such ${what} in ${file}; give a name that exists or a numeric id`] });
}

/**
 * The uid of a user name or numeric id.
 * @throws HushError CONFIG for an unknown name
 */
export function lookupUid(name: string, etc = "/etc"): number {
  return lookup(join(etc, "passwd"), name, "user");
}

/**
 * The gid of a group name or numeric id.
 * @throws HushError CONFIG for an unknown name
 */
export function lookupGid(name: string, etc = "/etc"): number {
  return lookup(join(etc, "group"), name, "group");
}

/** The primary gid of a uid (from /etc/passwd), or undefined. */
export function primaryGid(uid: number, etc = "/etc"): number | undefined {
  let text = "";
  try {
    text = readFileSync(join(etc, "passwd"), "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f[2] === String(uid) && f[3] !== undefined && /^\d+$/.test(f[3])) return Number(f[3]);
  }
  return undefined;
}

/** A user account (for `exec-env`/`exec-file --user`). */
export interface UserAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function parsePasswd(text: string, who: string): UserAccount | null {
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 7) continue;
    if (f[0] === who || f[2] === who) return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! };
  }
  return null;
}

/**
 * A user's account by name or uid, as sops's `--user` finds it (os/user.Lookup): /etc/passwd, then
 * `getent passwd` for NSS sources other than files (LDAP, systemd-homed).
 * @throws HushError USAGE when there is no such user.
 */
export function lookupUser(who: string, passwdFile: string = "/etc/passwd"): UserAccount {
  let found: UserAccount | null = null;
  try {
    found = parsePasswd(readFileSync(passwdFile, "utf8"), who);
  } catch {
    // no readable passwd file: try getent
  }
  if (found === null && passwdFile === "/etc/passwd") {
    const r = spawnSync("getent", ["passwd", who], { encoding: "utf8" });
    if (r.status === 0 && typeof r.stdout === "string") found = parsePasswd(r.stdout, who);
  }
  if (found === null) throw new HushError("USAGE", `unknown user ${JSON.stringify(who)}`);
  return found;
}
