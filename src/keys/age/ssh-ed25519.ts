/**
 * The ssh-ed25519 age recipient type (FiloSottile/age agessh): X25519 with the Ed25519 key mapped
 * to Montgomery form, a tweak derived from the SSH public key, and a tag (sshTag) so identities
 * can skip stanzas that are not theirs. The identity needs only node:crypto (SHA-512 of the seed
 * gives the X25519 scalar); the recipient's Edwards→Montgomery map comes from @noble/curves,
 * imported only when a file key is wrapped for an ssh-ed25519 recipient.
 */
import { createHash, randomBytes } from "node:crypto";
import { HushError } from "../../errors.js";
import { AgeFileError, decodeRawBase64, encodeRawBase64, hkdf32, unwrapFileKey, wrapFileKey } from "./format.js";
import type { Stanza, StanzaIdentity } from "./format.js";
import { sshTag } from "./openssh.js";
import type { SshPublicKey } from "./openssh.js";
import { x25519, x25519Base } from "./x25519.js";

const LABEL = "age-encryption.org/v1/ssh-ed25519";

type Ed25519Public = Extract<SshPublicKey, { type: "ssh-ed25519" }>;

function tweakOf(pk: SshPublicKey): Uint8Array {
  return hkdf32(new Uint8Array(0), pk.wire, LABEL);
}

/** Wraps a file key for an ssh-ed25519 public key: one `ssh-ed25519 <tag> <share>` stanza. */
export async function sshEd25519Wrap(pk: Ed25519Public, fileKey: Uint8Array): Promise<Stanza> {
  const theirs = await x25519PointFromEd25519(pk);
  const ephemeral = new Uint8Array(randomBytes(32));
  const share = x25519Base(ephemeral);
  const shared = x25519(ephemeral, theirs);
  const tweaked = shared === null ? null : x25519(tweakOf(pk), shared);
  if (tweaked === null) throw new HushError("KEY_FORMAT", "invalid ssh-ed25519 recipient: low-order point");
  const wrapKey = hkdf32(tweaked, Buffer.concat([share, theirs]), LABEL);
  return { type: "ssh-ed25519", args: [sshTag(pk), encodeRawBase64(share)], body: wrapFileKey(wrapKey, fileKey) };
}

/** An ssh-ed25519 identity built from an OpenSSH Ed25519 private key seed. */
export class SshEd25519Identity implements StanzaIdentity {
  readonly kind: "ssh-ed25519" = "ssh-ed25519";
  readonly #pk: SshPublicKey;
  readonly #tag: string;
  readonly #scalar: Uint8Array;
  readonly #ours: Uint8Array;
  readonly #source: string;

  constructor(pk: Ed25519Public, seed: Uint8Array, source: string) {
    this.#pk = pk;
    this.#tag = sshTag(pk);
    this.#scalar = x25519ScalarFromEd25519Seed(seed);
    this.#ours = x25519Base(this.#scalar);
    this.#source = source;
  }

  describe(): string {
    return `ssh key ${this.#source}`;
  }

  unwrapStanza(s: Stanza): Uint8Array | null {
    if (s.type !== "ssh-ed25519") return null;
    if (s.args.length !== 2) throw new AgeFileError("header", "invalid ssh-ed25519 stanza");
    const share = decodeRawBase64(s.args[1] ?? "");
    if (share === null || share.length !== 32) throw new AgeFileError("header", "invalid ssh-ed25519 stanza share");
    if (s.args[0] !== this.#tag) return null;
    const shared = x25519(this.#scalar, share);
    const tweaked = shared === null ? null : x25519(tweakOf(this.#pk), shared);
    if (tweaked === null) throw new AgeFileError("header", "invalid ssh-ed25519 stanza: low-order share");
    const wrapKey = hkdf32(tweaked, Buffer.concat([share, this.#ours]), LABEL);
    const fileKey = unwrapFileKey(wrapKey, s.body);
    if (fileKey === null) throw new AgeFileError("header", "failed to decrypt the ssh-ed25519 stanza addressed to this key");
    return fileKey;
  }
}

/**
 * ssh-to-age, as sops-nix uses it: the X25519 scalar of an Ed25519 seed (SHA-512 of the seed,
 * first 32 bytes, not clamped; X25519 clamps when it uses it).
 */
export function x25519ScalarFromEd25519Seed(seed: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha512").update(seed).digest().subarray(0, 32));
}

/** ssh-to-age for a public key: the X25519 point (Montgomery u) of an Ed25519 public key. */
export async function x25519PointFromEd25519(pk: Ed25519Public): Promise<Uint8Array> {
  const { ed25519 } = await import("@noble/curves/ed25519.js");
  try {
    return ed25519.utils.toMontgomery(pk.ed25519);
  } catch {
    throw new HushError("KEY_FORMAT", "invalid ssh-ed25519 key: not a curve point");
  }
}
