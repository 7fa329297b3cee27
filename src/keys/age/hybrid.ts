/**
 * The post-quantum hybrid recipient type (age 1.3, sops 3.12+): `age1pq1…` recipients,
 * `AGE-SECRET-KEY-PQ-1…` identities and `mlkem768x25519` stanzas (ML-KEM-768 + X25519 in HPKE).
 *
 * The KEM is delegated to typage (age-encryption), the reference TypeScript implementation, which
 * is loaded with a dynamic import the first time a hybrid stanza is wrapped or unwrapped, so the
 * X25519-only paths never pay for it. Strings are checked here (Bech32, lengths) synchronously, and
 * stanza shapes are checked here before typage sees them, so that malformed headers fail as
 * "header" failures (the CCTV classes) with hush's messages.
 *
 * typage 0.3.1 keeps its HybridRecipient/HybridIdentity classes out of the package's `exports`; they
 * are reached through the public Encrypter.addRecipient/Decrypter.addIdentity, which build them from
 * the key strings. `_typageHybrid` checks that shape at run time, so a typage upgrade that changes it
 * fails loudly instead of silently.
 */
import { HushError } from "../../errors.js";
import { AgeFileError, FILE_KEY_SIZE, bech32Decode, decodeRawBase64 } from "./format.js";
import type { Stanza, StanzaIdentity } from "./format.js";

/** The stanza type of the hybrid recipient. */
export const HYBRID_STANZA = "mlkem768x25519";
const RECIPIENT_PREFIX = "age1pq";
const IDENTITY_PREFIX = "age-secret-key-pq-";
/** ML-KEM-768 encapsulation key (1184) + X25519 point (32). */
const RECIPIENT_SIZE = 1216;
/** ML-KEM-768 ciphertext (1088) + X25519 share (32). */
const ENC_SIZE = 1120;
const SEED_SIZE = 32;
/** A wrapped file key: 16 bytes + the ChaCha20-Poly1305 tag. */
const BODY_SIZE = FILE_KEY_SIZE + 16;

/** True when `s` is a well-formed `age1pq1…` recipient (lowercase Bech32, 1216 bytes). */
export function isHybridRecipient(s: string): boolean {
  const d = s === s.toLowerCase() ? bech32Decode(s) : null;
  return d !== null && d.prefix === RECIPIENT_PREFIX && d.bytes.length === RECIPIENT_SIZE;
}

/** True when `s` is a well-formed `AGE-SECRET-KEY-PQ-1…` identity (uppercase Bech32, 32-byte seed). */
export function isHybridIdentity(s: string): boolean {
  const d = s === s.toUpperCase() ? bech32Decode(s) : null;
  return d !== null && d.prefix === IDENTITY_PREFIX && d.bytes.length === SEED_SIZE;
}

/** The parts of typage that hush uses, as it declares them. */
interface TypageStanza {
  readonly args: string[];
  readonly body: Uint8Array;
}
interface TypageModule {
  Encrypter: new () => { addRecipient(s: string): void };
  Decrypter: new () => { addIdentity(s: string): void };
  Stanza: new (args: string[], body: Uint8Array) => TypageStanza;
  generateHybridIdentity(): Promise<string>;
  identityToRecipient(identity: string): Promise<string>;
}
interface TypageRecipient {
  wrapFileKey(fileKey: Uint8Array): TypageStanza[] | Promise<TypageStanza[]>;
}
interface TypageIdentity {
  unwrapFileKey(stanzas: TypageStanza[]): Uint8Array | null | Promise<Uint8Array | null>;
}

let typage: Promise<TypageModule> | null = null;

/** typage, imported on first use (esbuild keeps the module's top level behind this call). */
function loadTypage(): Promise<TypageModule> {
  typage ??= import("age-encryption") as Promise<unknown> as Promise<TypageModule>;
  return typage;
}

/** The one object typage built from a key string (see the file header). */
function _typageHybrid<T>(holder: object, field: "recipients" | "identities", method: string): T {
  const list = (holder as Record<string, unknown>)[field];
  const obj: unknown = Array.isArray(list) && list.length === 1 ? list[0] : undefined;
  if (typeof obj !== "object" || obj === null || typeof (obj as Record<string, unknown>)[method] !== "function") {
    throw new HushError("KEY_FORMAT", `the installed age-encryption does not expose hybrid ${field} as version 0.3.1 does`);
  }
  return obj as T;
}

/**
 * Wraps a file key for an `age1pq1…` recipient: one `mlkem768x25519` stanza.
 * @throws HushError KEY_FORMAT for a malformed recipient (the recipient is public and may be named)
 */
export async function hybridWrap(recipient: string, fileKey: Uint8Array): Promise<Stanza> {
  if (!isHybridRecipient(recipient)) {
    throw new HushError("KEY_FORMAT", "failed to parse input as Bech32-encoded age public key: malformed post-quantum recipient");
  }
  const t = await loadTypage();
  const enc = new t.Encrypter();
  enc.addRecipient(recipient);
  const stanzas = await _typageHybrid<TypageRecipient>(enc, "recipients", "wrapFileKey").wrapFileKey(fileKey);
  const s = stanzas[0];
  if (stanzas.length !== 1 || s === undefined || s.args[0] !== HYBRID_STANZA) {
    throw new HushError("KEY_FORMAT", "age-encryption returned an unexpected hybrid stanza");
  }
  return { type: HYBRID_STANZA, args: s.args.slice(1), body: s.body };
}

/**
 * An `AGE-SECRET-KEY-PQ-1…` identity that unwraps `mlkem768x25519` stanzas. Other stanza types
 * return null without loading typage. Its recipient is known once typage has been loaded (after
 * the first hybrid stanza it was offered, or after `recipient()`).
 */
export class HybridIdentity implements StanzaIdentity {
  readonly kind: "mlkem768x25519" = "mlkem768x25519";
  readonly #identity: string;
  #typageIdentity: Promise<TypageIdentity> | null = null;
  #recipient: string | null = null;

  /** @throws HushError KEY_FORMAT when `identity` is not a well-formed hybrid identity (not repeated in the message) */
  constructor(identity: string) {
    if (!isHybridIdentity(identity)) throw new HushError("KEY_FORMAT", "malformed post-quantum age secret key");
    this.#identity = identity;
  }

  /** The `age1pq1…` recipient (loads typage). */
  async recipient(): Promise<string> {
    this.#recipient ??= await (await loadTypage()).identityToRecipient(this.#identity);
    return this.#recipient;
  }

  /** The recipient when already computed, otherwise a placeholder; never key material. */
  describe(): string {
    return this.#recipient ?? "post-quantum identity (age1pq1…)";
  }

  async #typage(): Promise<TypageIdentity> {
    this.#typageIdentity ??= (async () => {
      const t = await loadTypage();
      const dec = new t.Decrypter();
      dec.addIdentity(this.#identity);
      await this.recipient();
      return _typageHybrid<TypageIdentity>(dec, "identities", "unwrapFileKey");
    })();
    return this.#typageIdentity;
  }

  async unwrapStanza(s: Stanza): Promise<Uint8Array | null> {
    if (s.type !== HYBRID_STANZA) return null;
    if (s.args.length !== 1) throw new AgeFileError("header", `invalid ${HYBRID_STANZA} stanza`);
    const enc = decodeRawBase64(s.args[0] ?? "");
    if (enc === null || enc.length !== ENC_SIZE) throw new AgeFileError("header", `invalid ${HYBRID_STANZA} stanza share`);
    if (s.body.length !== BODY_SIZE) throw new AgeFileError("header", `invalid ${HYBRID_STANZA} stanza body length`);
    const id = await this.#typage();
    const { Stanza: TStanza } = await loadTypage();
    try {
      return await id.unwrapFileKey([new TStanza([HYBRID_STANZA, ...s.args], s.body)]);
    } catch {
      // typage throws only for a stanza addressed to this identity type that it cannot use, e.g. an
      // X25519 share that yields the all-zero secret.
      throw new AgeFileError("header", `invalid ${HYBRID_STANZA} stanza`);
    }
  }
}

/** A fresh post-quantum hybrid identity and its recipient (what `age-keygen -pq` prints). */
export async function generateHybridIdentity(): Promise<{ identity: string; recipient: string }> {
  const t = await loadTypage();
  const identity = await t.generateHybridIdentity();
  return { identity, recipient: await t.identityToRecipient(identity) };
}

/**
 * The `age1pq1…` recipient of an `AGE-SECRET-KEY-PQ-1…` identity.
 * @throws HushError KEY_FORMAT when the identity is malformed (the message does not repeat it)
 */
export function hybridRecipientOf(identity: string): Promise<string> {
  return new HybridIdentity(identity.trim()).recipient();
}
