/**
 * The age scrypt recipient type (c2sp.org/age), read-only: what protects a passphrase-protected
 * identity file. scrypt comes from node:crypto: at age's work factor 2^18 it takes about as long
 * as typage's (~0.9 s here) but needs no 100 ms import; typage remains the test oracle. The stanza rules (canonical 16-byte salt, decimal work factor
 * without leading zeros, at most 2^22, 32-byte body) are checked by the CCTV scrypt vectors.
 */
import { scryptSync } from "node:crypto";
import { AgeFileError, decodeRawBase64, unwrapFileKey } from "./format.js";
import type { Stanza, StanzaIdentity } from "./format.js";

const LABEL = "age-encryption.org/v1/scrypt";
/** age's limit for decryption: 2^22 (a 4 GiB scrypt); files made by age use 2^18. */
const MAX_WORK_FACTOR = 22;

/** A passphrase as an age identity for `scrypt` stanzas. */
export class ScryptIdentity implements StanzaIdentity {
  readonly #passphrase: string;
  constructor(passphrase: string) {
    this.#passphrase = passphrase;
  }

  unwrapStanza(s: Stanza): Uint8Array | null {
    if (s.type !== "scrypt") return null;
    if (s.args.length !== 2) throw new AgeFileError("header", "invalid scrypt stanza");
    const salt = decodeRawBase64(s.args[0] ?? "");
    if (salt === null || salt.length !== 16) throw new AgeFileError("header", "invalid scrypt stanza salt");
    const w = s.args[1] ?? "";
    if (!/^[1-9][0-9]*$/.test(w)) throw new AgeFileError("header", "invalid scrypt stanza work factor");
    const logN = Number(w);
    if (logN > MAX_WORK_FACTOR) throw new AgeFileError("header", "scrypt work factor too large");
    if (s.body.length !== 32) throw new AgeFileError("header", "invalid scrypt stanza body length");
    const N = 2 ** logN;
    const key = scryptSync(this.#passphrase, Buffer.concat([Buffer.from(LABEL), salt]), 32, { N, r: 8, p: 1, maxmem: 128 * N * 8 + 2 ** 24 });
    return unwrapFileKey(new Uint8Array(key), s.body);
  }
}
