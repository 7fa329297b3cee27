/**
 * The deploy state file (`.hush/deploy-state.json` beside hush.yaml, mode 0600): for each target, the
 * keyed hash of the content last deployed successfully. It never holds plaintext, nor a plain or merely
 * salted hash of it: the hash is HMAC-SHA256 under a key derived (HKDF-SHA256) from the sources' data keys
 * and a random salt made once per state file, so guessing a short secret from it needs the data key.
 */
import { createHmac, hkdfSync } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../sys/atomic-write.js";

/** What the state file holds. */
export interface DeployState {
  version: 1;
  /** 32 random bytes, hex. */
  salt: string;
  targets: Record<string, { path: string; hash: string }>;
}

/** Where the state of a hush.yaml lives. */
export function statePath(configDir: string): string {
  return join(configDir, ".hush", "deploy-state.json");
}

/**
 * Reads the state; a missing or unreadable file gives a fresh state with a new salt (and `warn` says so
 * for an unreadable one: every target then counts as changed once).
 */
export function loadState(path: string, randomBytes: (n: number) => Uint8Array, warn: (l: string) => void): DeployState {
  const fresh = (): DeployState => ({ version: 1, salt: Buffer.from(randomBytes(32)).toString("hex"), targets: {} });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return fresh();
  }
  try {
    const s = JSON.parse(text) as DeployState;
    if (s.version === 1 && typeof s.salt === "string" && /^[0-9a-f]{64}$/.test(s.salt) && typeof s.targets === "object" && s.targets !== null) return s;
  } catch {
    // fall through
  }
  warn(`${path}: unreadable deploy state; every target counts as changed once`);
  return fresh();
}

/** Writes the state atomically, mode 0600, in a 0700 `.hush` directory. */
export async function saveState(path: string, s: DeployState): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify(s, null, 2) + "\n", { mode: 0o600 });
}

/** The keyed hash of a target's content (see the file header). */
export function contentHash(s: DeployState, dataKeys: readonly Uint8Array[], content: Uint8Array): string {
  const ikm = Buffer.concat(dataKeys.map((k) => Buffer.from(k)));
  const key = Buffer.from(hkdfSync("sha256", ikm, Buffer.from(s.salt, "hex"), "hush deploy state v1", 32));
  return createHmac("sha256", key).update(content).digest("hex");
}
