/**
 * The age master key: the public API of src/keys/age. Everything runs natively on node:crypto
 * (plus @noble/curves for the ssh-ed25519 recipient map and @scure/base for Bech32), except the
 * post-quantum hybrid KEM (`mlkem768x25519`), which is delegated to typage (age-encryption),
 * imported lazily the first time a hybrid stanza is wrapped or unwrapped (hybrid.ts). typage is
 * also the test oracle.
 */
import { randomBytes } from "node:crypto";
import { HushError } from "../../errors.js";
import type { AgeKeyEntry, KeyEntry, MasterKey, Unwrapper } from "../master-key.js";
import { armorDecode, armorEncode } from "./armor.js";
import { decryptAgeFile, encodeAgeFile, newFileKey, type Stanza } from "./format.js";
import { isInternalIdentity } from "./identities.js";
import type { AgeIdentity } from "./identities.js";
import { parseAuthorizedKey, parseSshPrivateKey } from "./openssh.js";
import { parseAgeRecipient } from "./recipients.js";
import type { PluginHost } from "./plugin.js";
import type { AgeRecipient } from "./recipients.js";
import { x25519PointFromEd25519, x25519ScalarFromEd25519Seed } from "./ssh-ed25519.js";
import { SOPS_AGE_KEY_CMD, SOPS_AGE_SSH_PRIVATE_KEY_CMD, formatAgeError, loadAgeIdentities } from "./sources.js";
import type { AgeIdentityLoad, AgeSourceEnv } from "./sources.js";
import { decodeX25519Identity, encodeX25519Identity, encodeX25519Recipient, x25519Base } from "./x25519.js";

export { generateHybridIdentity, hybridRecipientOf } from "./hybrid.js";
export type { AgeIdentity } from "./identities.js";
export { parseAgeIdentities, sshIdentityFromPrivateKey } from "./identities.js";
export type { AgeRecipient } from "./recipients.js";
export type { PluginHost, PluginIO } from "./plugin.js";
export { parseAgeRecipient } from "./recipients.js";
export type { AgeIdentityLoad, AgeSourceEnv } from "./sources.js";
export {
  SOPS_AGE_KEY,
  SOPS_AGE_KEY_CMD,
  SOPS_AGE_KEY_FILE,
  SOPS_AGE_KEY_USER_CONFIG_PATH,
  SOPS_AGE_RECIPIENT,
  SOPS_AGE_RECIPIENTS,
  SOPS_AGE_SSH_PRIVATE_KEY_CMD,
  SOPS_AGE_SSH_PRIVATE_KEY_FILE,
  XDG_CONFIG_HOME,
  formatAgeError,
  loadAgeIdentities,
  userConfigDir,
} from "./sources.js";

/**
 * Encrypts `payload` (a data key or Shamir share) to one recipient as an armored age file: one
 * stanza, 64-column base64, ending in "-----END AGE ENCRYPTED FILE-----\n" (spec 2.4).
 */
export async function ageEncryptArmored(recipient: AgeRecipient, payload: Uint8Array): Promise<string> {
  const fileKey = newFileKey();
  const wrapped = await recipient.wrap(fileKey);
  return armorEncode(encodeAgeFile(fileKey, Array.isArray(wrapped) ? wrapped : [wrapped as Stanza], payload));
}

/**
 * Decrypts an armored age file (LF or CRLF armor) with the given identities.
 * @returns the payload, or `null` when no identity matches a stanza
 * @throws HushError KEY_FORMAT for a malformed file, a bad header MAC or payload, or a stanza
 * addressed to an identity that cannot open it (e.g. a passphrase-protected SSH key)
 */
export async function ageDecryptArmored(armored: string, identities: readonly AgeIdentity[]): Promise<Uint8Array | null> {
  const file = armorDecode(armored);
  const usable = identities.map((id) => {
    if (!isInternalIdentity(id)) throw new HushError("KEY_FORMAT", "unsupported age identity object");
    return id;
  });
  return decryptAgeFile(file, usable);
}

/** A fresh X25519 identity and its recipient (what age-keygen prints). */
export function generateX25519Identity(): { identity: string; recipient: string } {
  const scalar = new Uint8Array(randomBytes(32));
  return { identity: encodeX25519Identity(scalar), recipient: encodeX25519Recipient(x25519Base(scalar)) };
}

/**
 * The `age1…` recipient of an `AGE-SECRET-KEY-1…` identity.
 * @throws HushError KEY_FORMAT when the identity is malformed (the message does not repeat it)
 */
export function x25519RecipientOf(identity: string): string {
  const scalar = decodeX25519Identity(identity.trim());
  if (scalar === null) throw new HushError("KEY_FORMAT", "malformed age secret key");
  return encodeX25519Recipient(x25519Base(scalar));
}

/**
 * The age master key for one recipient (age1…, age1pq1…, ssh-ed25519 …, ssh-rsa …), trimmed as sops does.
 * @throws HushError KEY_FORMAT for a recipient sops would reject (see parseAgeRecipient)
 */
export function ageMasterKey(recipient: string, plugins?: PluginHost): MasterKey {
  const parsed = parseAgeRecipient(recipient, plugins);
  return {
    type: "age",
    id: parsed.recipient,
    async wrap(dataKey: Uint8Array): Promise<AgeKeyEntry> {
      return { type: "age", recipient: parsed.recipient, enc: await ageEncryptArmored(parsed, dataKey) };
    },
  };
}

/** The age unwrapper, with the outcome of identity loading for error reports. */
export interface AgeUnwrapper extends Unwrapper {
  /** The last identity load (null before the first unwrap). */
  lastLoad(): AgeIdentityLoad | null;
}

/**
 * Unwraps age entries with the identities found through `src` (spec section 9). Identities are
 * loaded lazily, once; when a key command is configured (SOPS_AGE_KEY_CMD or
 * SOPS_AGE_SSH_PRIVATE_KEY_CMD) they are loaded once per recipient, because sops passes the
 * recipient to the command. `unwrap` returns null when no identity matches or none was found;
 * `describeSources()` then gives sops's explanation (locations tried, loading errors).
 */
export function ageUnwrapper(src: AgeSourceEnv): AgeUnwrapper {
  const perRecipient = src.env[SOPS_AGE_KEY_CMD] !== undefined || src.env[SOPS_AGE_SSH_PRIVATE_KEY_CMD] !== undefined;
  const cache = new Map<string, Promise<AgeIdentityLoad>>();
  let last: AgeIdentityLoad | null = null;
  const load = (recipient: string): Promise<AgeIdentityLoad> => {
    const key = perRecipient ? recipient : "";
    let p = cache.get(key);
    if (p === undefined) {
      p = loadAgeIdentities(src, recipient);
      cache.set(key, p);
    }
    return p;
  };
  return {
    type: "age",
    async unwrap(entry: KeyEntry): Promise<Uint8Array | null> {
      if (entry.type !== "age") return null;
      const loaded = await load(entry.recipient);
      last = loaded;
      if (loaded.identities.length === 0) return null;
      return ageDecryptArmored(entry.enc, loaded.identities);
    },
    describeSources(): string[] {
      if (last === null) return [];
      const { identities, errors, locations } = last;
      if (identities.length === 0) return [formatAgeError("failed to load age identities", null, errors, locations)];
      return [
        formatAgeError("failed to create reader for decrypting sops data key with age", "no identity matched any of the recipients", errors, locations),
        ...identities.map((id) => `tried ${id.describe()}`),
      ];
    },
    lastLoad: () => last,
  };
}

/**
 * ssh-to-age (what sops-nix does with host keys): the `AGE-SECRET-KEY-1…` identity derived from an
 * OpenSSH Ed25519 private key — unencrypted, or encrypted when its `passphrase` is given.
 * @throws HushError KEY_FORMAT for any other key or a wrong passphrase (the message never contains key material)
 */
export function x25519IdentityFromSshKey(privateKeyText: string, passphrase?: string): string {
  const parsed = parseSshPrivateKey(privateKeyText, passphrase);
  if (parsed.encrypted || parsed.key.type !== "ssh-ed25519") {
    throw new HushError("KEY_FORMAT", "ssh-to-age needs an unencrypted ssh-ed25519 private key");
  }
  return encodeX25519Identity(x25519ScalarFromEd25519Seed(parsed.key.seed));
}

/**
 * ssh-to-age for a public key: the `age1…` recipient of an `ssh-ed25519 AAAA…` line.
 * @throws HushError KEY_FORMAT for any other key
 */
export async function x25519RecipientFromSshKey(publicKeyLine: string): Promise<string> {
  const pk = parseAuthorizedKey(publicKeyLine);
  if (pk.type !== "ssh-ed25519") throw new HushError("KEY_FORMAT", "ssh-to-age needs an ssh-ed25519 public key");
  return encodeX25519Recipient(await x25519PointFromEd25519(pk));
}
