/**
 * The ssh-rsa age recipient type (FiloSottile/age agessh): RSA-OAEP with SHA-256 and the label
 * "age-encryption.org/v1/ssh-rsa", on node:crypto, tagged with sshTag.
 */
import { constants, privateDecrypt, publicEncrypt } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { AgeFileError } from "./format.js";
import type { Stanza, StanzaIdentity } from "./format.js";
import { sshTag } from "./openssh.js";
import type { SshPublicKey } from "./openssh.js";

const LABEL = Buffer.from("age-encryption.org/v1/ssh-rsa");

type RsaPublic = Extract<SshPublicKey, { type: "ssh-rsa" }>;

/** Wraps a file key for an ssh-rsa public key: one `ssh-rsa <tag>` stanza. */
export function sshRsaWrap(pk: RsaPublic, fileKey: Uint8Array): Stanza {
  const body = publicEncrypt({ key: pk.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: LABEL }, fileKey);
  return { type: "ssh-rsa", args: [sshTag(pk)], body: new Uint8Array(body) };
}

/** An ssh-rsa identity from an RSA private key. */
export class SshRsaIdentity implements StanzaIdentity {
  readonly kind: "ssh-rsa" = "ssh-rsa";
  readonly #tag: string;
  readonly #key: KeyObject;
  readonly #source: string;

  constructor(pk: RsaPublic, key: KeyObject, source: string) {
    this.#tag = sshTag(pk);
    this.#key = key;
    this.#source = source;
  }

  describe(): string {
    return `ssh key ${this.#source}`;
  }

  unwrapStanza(s: Stanza): Uint8Array | null {
    if (s.type !== "ssh-rsa") return null;
    if (s.args.length !== 1) throw new AgeFileError("header", "invalid ssh-rsa stanza");
    if (s.args[0] !== this.#tag) return null;
    try {
      const k = privateDecrypt({ key: this.#key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: LABEL }, s.body);
      return new Uint8Array(k);
    } catch {
      throw new AgeFileError("header", "failed to decrypt the ssh-rsa stanza addressed to this key");
    }
  }
}
