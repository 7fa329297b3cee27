/**
 * Where sops looks for age identities (spec section 9; sops age/keysource.go loadIdentities and
 * loadAgeSSHIdentities), in sops's order, collecting errors instead of stopping at the first one.
 * Every side effect (environment, files, commands, prompts) comes through an injected AgeSourceEnv.
 * The location names returned are the ones sops prints in "Did not find keys in locations …".
 */
import { join } from "node:path";
import { HushError } from "../../errors.js";
import { parseIdentitySource, sshIdentityFromPrivateKey } from "./identities.js";
import type { AgeIdentity } from "./identities.js";
import type { PluginHost } from "./plugin.js";

/** The environment variable names sops reads for age (age/keysource.go). */
export const SOPS_AGE_KEY = "SOPS_AGE_KEY";
export const SOPS_AGE_KEY_FILE = "SOPS_AGE_KEY_FILE";
export const SOPS_AGE_KEY_CMD = "SOPS_AGE_KEY_CMD";
export const SOPS_AGE_SSH_PRIVATE_KEY_FILE = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";
export const SOPS_AGE_SSH_PRIVATE_KEY_CMD = "SOPS_AGE_SSH_PRIVATE_KEY_CMD";
/** Set for the key commands: the recipient whose `enc` is being decrypted. */
export const SOPS_AGE_RECIPIENT = "SOPS_AGE_RECIPIENT";
/** The env form of `--age` (recipients for encryption). */
export const SOPS_AGE_RECIPIENTS = "SOPS_AGE_RECIPIENTS";
export const XDG_CONFIG_HOME = "XDG_CONFIG_HOME";
/** The default keys file, relative to the user config directory. */
export const SOPS_AGE_KEY_USER_CONFIG_PATH = "sops/age/keys.txt";

/** The side effects identity discovery needs, injected so tests can fake them. */
export interface AgeSourceEnv {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** The OS-specific user config directory (see userConfigDir); "" when unknown. */
  configDir: string;
  /** Reads a file; null when it does not exist. May throw for other errors. */
  readFile(path: string): Uint8Array | null;
  /** Runs a command line (shlex-split, no shell) with extra env vars and returns its stdout; throws on failure. */
  runCommand(cmdline: string, extraEnv: Record<string, string>): Uint8Array;
  /** Asks the user for a passphrase (passphrase-protected identity files). */
  promptPassphrase?(message: string): Promise<string>;
  /** Runs age plugins for `AGE-PLUGIN-…` identities; without it they cannot be used. */
  plugins?: PluginHost;
}

/** What loadAgeIdentities found. */
export interface AgeIdentityLoad {
  identities: AgeIdentity[];
  /** Problems met while loading, as sops words them; never key material. */
  errors: string[];
  /** sops's names of the locations where no keys were found. */
  locations: string[];
}

/**
 * sops's user config directory: Go's os.UserConfigDir, except that on macOS a non-empty
 * XDG_CONFIG_HOME wins (sops getUserConfigDir). Returns "" when it cannot be determined.
 */
export function userConfigDir(env: Readonly<Record<string, string | undefined>>, homeDir: string, platform: string): string {
  const xdg = env[XDG_CONFIG_HOME] ?? "";
  if (platform === "win32") return env["AppData"] ?? env["APPDATA"] ?? "";
  if (platform === "darwin") {
    if (xdg !== "") return xdg;
    return homeDir === "" ? "" : join(homeDir, "Library", "Application Support");
  }
  if (xdg !== "") return xdg.startsWith("/") ? xdg : "";
  return homeDir === "" ? "" : join(homeDir, ".config");
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const notFound = (path: string): string => `open ${path}: no such file or directory`;
const text = (b: Uint8Array): string => Buffer.from(b).toString("utf8");

/**
 * Loads every age identity sops would find, from every source (spec section 9), in sops's order:
 * SOPS_AGE_SSH_PRIVATE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_CMD, ~/.ssh/id_ed25519, ~/.ssh/id_rsa
 * (always, when present), SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, and
 * <configDir>/sops/age/keys.txt. Never throws for a bad source: the problem goes to `errors`.
 * @param recipientBeingDecrypted passed to the key commands as SOPS_AGE_RECIPIENT
 */
export async function loadAgeIdentities(src: AgeSourceEnv, recipientBeingDecrypted?: string): Promise<AgeIdentityLoad> {
  const identities: AgeIdentity[] = [];
  const errors: string[] = [];
  const locations: string[] = [];
  const cmdEnv = { [SOPS_AGE_RECIPIENT]: recipientBeingDecrypted ?? "" };
  const prompt = src.promptPassphrase?.bind(src);

  const read = (path: string): Uint8Array | null | Error => {
    try {
      return src.readFile(path);
    } catch (e) {
      return new Error(messageOf(e));
    }
  };
  const addSshFile = (path: string, contents: Uint8Array): void => {
    try {
      const pub = (): string | null => {
        const c = read(`${path}.pub`);
        return c instanceof Uint8Array ? text(c) : null;
      };
      identities.push(sshIdentityFromPrivateKey(text(contents), path, pub, undefined, prompt));
    } catch (e) {
      errors.push(messageOf(e));
    }
  };

  const sshFile = src.env[SOPS_AGE_SSH_PRIVATE_KEY_FILE];
  if (sshFile !== undefined) {
    const c = read(sshFile);
    if (c instanceof Uint8Array) addSshFile(sshFile, c);
    else errors.push(`failed to open file: ${c === null ? notFound(sshFile) : c.message}`);
  } else {
    locations.push(SOPS_AGE_SSH_PRIVATE_KEY_FILE);
  }

  const sshCmd = src.env[SOPS_AGE_SSH_PRIVATE_KEY_CMD];
  if (sshCmd !== undefined) {
    let out: Uint8Array | null = null;
    try {
      out = src.runCommand(sshCmd, cmdEnv);
    } catch (e) {
      errors.push(`failed to execute command ${sshCmd}: ${messageOf(e)}`);
    }
    if (out !== null) {
      try {
        identities.push(sshIdentityFromPrivateKey(text(out), SOPS_AGE_SSH_PRIVATE_KEY_CMD, null,
          `the SSH key returned by running ${SOPS_AGE_SSH_PRIVATE_KEY_CMD} is password protected, which is unsupported`));
      } catch (e) {
        errors.push(messageOf(e));
      }
    }
  } else {
    locations.push(SOPS_AGE_SSH_PRIVATE_KEY_CMD);
  }

  if (src.homeDir !== "") {
    for (const name of ["id_ed25519", "id_rsa"]) {
      const path = join(src.homeDir, ".ssh", name);
      const c = read(path);
      if (c instanceof Uint8Array) addSshFile(path, c);
      else if (c === null) locations.push(path);
      else errors.push(`failed to open file: ${c.message}`);
    }
  }

  // The identity-file sources: [location name, contents, several keys per line allowed].
  const readers: [string, Uint8Array][] = [];
  const ageKey = src.env[SOPS_AGE_KEY];
  if (ageKey !== undefined) readers.push([SOPS_AGE_KEY, Buffer.from(ageKey, "utf8")]);
  else locations.push(SOPS_AGE_KEY);

  const keyFile = src.env[SOPS_AGE_KEY_FILE];
  if (keyFile !== undefined) {
    const c = read(keyFile);
    if (c instanceof Uint8Array) readers.push([SOPS_AGE_KEY_FILE, c]);
    else errors.push(`failed to open ${SOPS_AGE_KEY_FILE} file: ${c === null ? notFound(keyFile) : c.message}`);
  } else {
    locations.push(SOPS_AGE_KEY_FILE);
  }

  const keyCmd = src.env[SOPS_AGE_KEY_CMD];
  if (keyCmd !== undefined) {
    try {
      readers.push([SOPS_AGE_KEY_CMD, src.runCommand(keyCmd, cmdEnv)]);
    } catch (e) {
      errors.push(`failed to execute command ${keyCmd}: ${messageOf(e)}`);
    }
  } else {
    locations.push(SOPS_AGE_KEY_CMD);
  }

  if (src.configDir !== "") {
    const path = join(src.configDir, SOPS_AGE_KEY_USER_CONFIG_PATH);
    const c = read(path);
    if (c instanceof Uint8Array) readers.push([path, c]);
    else if (c !== null) errors.push(`failed to open file: ${c.message}`);
    // sops names the default file only when nothing else was found.
    else if (readers.length === 0 && identities.length === 0) locations.push(path);
  } else if (readers.length === 0 && identities.length === 0) {
    errors.push("user config directory could not be determined");
  }

  for (const [location, contents] of readers) {
    try {
      const ids = parseIdentitySource(contents, location, prompt, src.plugins);
      identities.push(...ids);
      if (ids.length === 0) locations.push(location);
    } catch (e) {
      errors.push(e instanceof HushError ? e.message : `failed to parse '${location}' age identities`);
    }
  }
  return { identities, errors, locations };
}

/**
 * sops's age error text (age/keysource.go formatError): `msg[: cause]`, then
 * `. Errors while loading age identities: a; b` and `. Did not find keys in location(s) 'x', … and 'y'.`
 */
export function formatAgeError(msg: string, cause: string | null, errors: readonly string[], locations: readonly string[]): string {
  let out = cause === null ? msg : `${msg}: ${cause}`;
  if (errors.length > 0) out += `. Errors while loading age identities: ${errors.join("; ")}`;
  const n = locations.length;
  if (n === 1) out += `. Did not find keys in location '${locations[0]}'.`;
  else if (n === 2) out += `. Did not find keys in locations '${locations[0]}' and '${locations[1]}'.`;
  else if (n > 2) out += `. Did not find keys in locations '${locations.slice(0, -1).join("', '")}', and '${locations[n - 1]}'.`;
  return out;
}
