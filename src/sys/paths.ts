/**
 * Where the user's home and config directories are, decided the way Go decides them (os.UserHomeDir,
 * os.UserConfigDir), so hush finds the same `sops/age/keys.txt` that sops does. Everything is a pure
 * function of `env` and `platform`; nothing touches the file system. A directory that cannot be
 * determined is `null` (Go returns an error; sops then skips that key source).
 */
import { posix, win32 } from "node:path";
import { APPDATA, HOME, USERPROFILE, XDG_CONFIG_HOME, type Env } from "./env-names.js";

/** Go's os.UserHomeDir: `%USERPROFILE%` on Windows, else `$HOME`; `null` when unset or empty. */
export function homeDir(env: Env, platform: NodeJS.Platform = process.platform): string | null {
  const v = platform === "win32" ? env[USERPROFILE] : env[HOME];
  return v === undefined || v === "" ? null : v;
}

/**
 * Go's os.UserConfigDir. Windows: `%AppData%`. macOS: `$HOME/Library/Application Support` (Go ignores
 * XDG_CONFIG_HOME there). Other Unix: `$XDG_CONFIG_HOME` if set (it must be absolute, else `null`), else
 * `$HOME/.config`. Returns `null` when the needed variable is unset.
 */
export function userConfigDir(env: Env, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === "win32") {
    // Go reads "AppData"; Windows env names are case-insensitive but a plain object here is not.
    const v = env[APPDATA] ?? env["APPDATA"];
    return v === undefined || v === "" ? null : v;
  }
  if (platform === "darwin") {
    const home = homeDir(env, platform);
    return home === null ? null : posix.join(home, "Library", "Application Support");
  }
  const xdg = env[XDG_CONFIG_HOME];
  if (xdg !== undefined && xdg !== "") return posix.isAbsolute(xdg) ? xdg : null;
  const home = homeDir(env, platform);
  return home === null ? null : posix.join(home, ".config");
}

/**
 * sops's own variant (age/keysource.go getUserConfigDir): like userConfigDir, but on macOS a non-empty
 * `$XDG_CONFIG_HOME` wins, as sops documents.
 */
export function sopsUserConfigDir(env: Env, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === "darwin") {
    const xdg = env[XDG_CONFIG_HOME];
    if (xdg !== undefined && xdg !== "") return xdg;
  }
  return userConfigDir(env, platform);
}

/** The default age identity file sops reads: `<sopsUserConfigDir>/sops/age/keys.txt`, or `null`. */
export function defaultAgeKeyFile(env: Env, platform: NodeJS.Platform = process.platform): string | null {
  const dir = sopsUserConfigDir(env, platform);
  if (dir === null) return null;
  return (platform === "win32" ? win32 : posix).join(dir, "sops", "age", "keys.txt");
}
