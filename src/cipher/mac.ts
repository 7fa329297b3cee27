/**
 * The sops MAC (sops.go Encrypt/Decrypt): SHA-512 over the bytes of the leaf values in file order,
 * uppercase hex, itself encrypted as a `str` value with the `lastmodified` string as additional data.
 */
import { createHash, type Hash } from "node:crypto";

/** SHA-256("sops"): fed first when `mac_only_encrypted` is set, so the two MAC kinds never collide. */
export const MAC_ONLY_ENCRYPTED_INIT: Uint8Array = Buffer.from(
  "8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69",
  "hex",
);

/** An incremental MAC computation. */
export class MacBuilder {
  readonly #h: Hash;
  constructor(macOnlyEncrypted: boolean) {
    this.#h = createHash("sha512");
    if (macOnlyEncrypted) this.#h.update(MAC_ONLY_ENCRYPTED_INIT);
  }
  /** Adds one leaf's bytes (no separator, as sops). */
  add(bytes: Uint8Array): void {
    this.#h.update(bytes);
  }
  /** The MAC string: 128 uppercase hex characters. */
  digest(): string {
    return this.#h.digest("hex").toUpperCase();
  }
}
