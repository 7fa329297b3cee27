/**
 * Encrypts and decrypts every leaf of a document and computes its MAC (sops.go Tree.Encrypt/Decrypt,
 * cmd/sops/common EncryptTree/DecryptTree). Pure: data key, clock and randomness come in as arguments.
 */
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { HushError } from "../errors.js";
import { MacBuilder, NONCE_SIZE, openValue, sealValue } from "../cipher/index.js";
import type { Metadata } from "../stores/metadata.js";
import { Comment, formatKeyPath, type TreeMap } from "../tree/index.js";
import { compileRe2 } from "../config/re2.js";
import { shouldEncryptFor } from "./selector.js";
import { leafBytes, leafFromBytes, typeTag, type Leaf } from "./values.js";
import { walkBranches } from "./walk.js";

export type RandomBytes = (n: number) => Uint8Array;

/**
 * The IV stash (aes/cipher.go): a value decrypted earlier in this run with the same path, type and
 * bytes is re-encrypted with its old IV, so unchanged values keep their ciphertext after an edit.
 */
export class IvStash {
  #m: Map<string, Uint8Array> | null = null;
  // Entries recorded but not yet keyed: a plain decrypt never asks for an IV, so the key strings
  // (the whole value's bytes) are only built when the first get() needs them.
  #pending: { aad: string; type: string; bytes: Uint8Array; iv: Uint8Array }[] = [];
  static #key(aad: string, type: string, bytes: Uint8Array): string {
    return `${aad}\u0000${type}\u0000${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")}`;
  }
  /** Remembers the IV a value was encrypted with (`bytes` must not change afterwards). */
  set(aad: string, type: string, bytes: Uint8Array, iv: Uint8Array): void {
    if (this.#m === null) this.#pending.push({ aad, type, bytes, iv });
    else this.#m.set(IvStash.#key(aad, type, bytes), iv);
  }
  /** The IV to reuse, if any. */
  get(aad: string, type: string, bytes: Uint8Array): Uint8Array | undefined {
    if (this.#m === null) {
      this.#m = new Map();
      for (const e of this.#pending) this.#m.set(IvStash.#key(e.aad, e.type, e.bytes), e.iv);
      this.#pending = [];
    }
    return this.#m.get(IvStash.#key(aad, type, bytes));
  }
}

function isEmptyLeaf(v: Leaf): boolean {
  if (v instanceof Comment) return v.text === "";
  if (typeof v === "string") return v === "";
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

/** A `str` value's bytes are its leaf's bytes (strict UTF-8 decode, then encode) unless a BOM was dropped. */
function startsWithBom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

const aadOf = (path: readonly string[]): string => path.join(":") + ":";

/** What encryption needs besides the tree. */
export interface SealOptions {
  now: Date;
  randomBytes?: RandomBytes;
  stash?: IvStash;
}

/**
 * Encrypts the plaintext branches under `metadata`'s selector and returns the encrypted branches,
 * the MAC string and the encrypted MAC (AAD = lastmodified).
 * @throws HushError ENCRYPT_TREE
 */
export function encryptBranches(
  branches: readonly TreeMap[],
  metadata: Pick<Metadata, "selector" | "macOnlyEncrypted">,
  dataKey: Uint8Array,
  opts: { randomBytes?: RandomBytes; stash?: IvStash },
): { branches: TreeMap[]; mac: string } {
  const rng = opts.randomBytes ?? nodeRandomBytes;
  const should = shouldEncryptFor(metadata.selector);
  const mac = new MacBuilder(metadata.macOnlyEncrypted);
  const unencCommentRe = metadata.selector?.kind === "unencrypted_comment_regex" ? metadata.selector.value : null;
  const out = walkBranches(branches, (leaf, path, comments) => {
    const isComment = leaf instanceof Comment;
    const enc = should(path, comments, isComment);
    const bytes = leafBytes(leaf);
    if (!isComment && (!metadata.macOnlyEncrypted || enc)) mac.add(bytes);
    if (!enc) return leaf;
    if (isEmptyLeaf(leaf)) return isComment ? new Comment("", leaf.inline) : "";
    const aad = aadOf(path);
    const type = typeTag(leaf);
    const iv = opts.stash?.get(aad, type, bytes) ?? rng(NONCE_SIZE);
    const sealed = sealValue(bytes, dataKey, iv, aad, type);
    if (isComment) {
      if (unencCommentRe !== null && compileRe2(unencCommentRe).test(sealed))
        throw new HushError("ENCRYPT_TREE", "an encrypted comment matches unencrypted_comment_regex; make sure that regex cannot match an encrypted comment", {
          keyPath: formatKeyPath(path),
        });
      return new Comment(sealed, leaf.inline);
    }
    return sealed;
  });
  return { branches: out, mac: mac.digest() };
}

/** Encrypts the MAC string as sops does (type str, AAD = the lastmodified string). */
export function sealMac(mac: string, dataKey: Uint8Array, lastModified: string, opts: { randomBytes?: RandomBytes; stash?: IvStash }): string {
  const bytes = Buffer.from(mac, "utf8");
  const iv = opts.stash?.get(lastModified, "str", bytes) ?? (opts.randomBytes ?? nodeRandomBytes)(NONCE_SIZE);
  return sealValue(bytes, dataKey, iv, lastModified, "str");
}

/**
 * Decrypts every encrypted leaf and verifies the MAC unless `ignoreMac`.
 * Comments that do not decrypt stay as they are (sops: files from before comment encryption).
 * @throws HushError DECRYPT_TREE for a bad value (with its key path), MAC_MISMATCH for a failed MAC.
 */
export function decryptBranches(
  branches: readonly TreeMap[],
  metadata: Metadata,
  dataKey: Uint8Array,
  opts: { ignoreMac?: boolean; stash?: IvStash } = {},
): TreeMap[] {
  const should = shouldEncryptFor(metadata.selector);
  const mac = new MacBuilder(metadata.macOnlyEncrypted);
  // No stash given: nothing will re-encrypt these values, so no IV is recorded.
  const stash = opts.stash ?? null;
  const out = walkBranches(branches, (leaf, path, comments) => {
    const isComment = leaf instanceof Comment;
    const enc = should(path, comments, isComment);
    let v: Leaf = leaf;
    if (enc) {
      if (leaf instanceof Comment) v = decryptComment(leaf, path, dataKey, stash);
      else if (typeof leaf === "string") {
        if (leaf !== "") {
          const aad = aadOf(path);
          let opened: ReturnType<typeof openValue>;
          try {
            opened = openValue(leaf, dataKey, aad);
            v = leafFromBytes(opened.type, opened.plain, false);
          } catch (e) {
            if (e instanceof HushError) e.keyPath ??= formatKeyPath(path);
            throw e;
          }
          const bytes = opened.type === "str" && typeof v === "string" && !startsWithBom(opened.plain) ? opened.plain : leafBytes(v);
          stash?.set(aad, typeTag(v), bytes, opened.iv);
          if (!metadata.macOnlyEncrypted || enc) mac.add(bytes);
          return v;
        }
      } else {
        throw new HushError("DECRYPT_TREE", `expected encrypted value as string, but got ${typeTag(leaf) === "str" ? "bytes" : typeTag(leaf)}`, {
          keyPath: formatKeyPath(path),
        });
      }
    }
    if (!isComment && (!metadata.macOnlyEncrypted || enc)) mac.add(leafBytes(v));
    return v;
  });
  if (!opts.ignoreMac) verifyMac(mac.digest(), metadata, dataKey, stash);
  return out;
}

function decryptComment(c: Comment, path: readonly string[], dataKey: Uint8Array, stash: IvStash | null): Comment {
  if (c.text === "") return c;
  // sops uses the containing path; a YAML parser may attach a comment one level off, so ancestors are tried too.
  for (let n = path.length; n >= 0; n--) {
    const aad = aadOf(path.slice(0, n));
    try {
      const opened = openValue(c.text, dataKey, aad);
      if (opened.type !== "comment") continue;
      const text = Buffer.from(opened.plain).toString("utf8");
      stash?.set(aadOf(path), "comment", opened.plain, opened.iv);
      // sops's cipher returns a fresh Comment, so a decrypted comment loses its inline flag and
      // `sops decrypt` prints it on its own line above the key; hush prints the same bytes.
      return new Comment(text, false);
    } catch {
      // not encrypted, or not with this path: try the next
    }
  }
  return c;
}

function verifyMac(computed: string, metadata: Metadata, dataKey: Uint8Array, stash: IvStash | null): void {
  if (metadata.mac === "") {
    throw new HushError("MAC_MISMATCH", "MAC mismatch: file has no MAC", {
      hints: ["the file was changed by hand or by a tool that does not write a sops MAC; --ignore-mac decrypts it anyway"],
    });
  }
  let stored: string;
  try {
    const opened = openValue(metadata.mac, dataKey, metadata.lastModified);
    stored = Buffer.from(opened.plain).toString("utf8");
    stash?.set(metadata.lastModified, "str", opened.plain, opened.iv);
  } catch {
    throw new HushError("MAC_MISMATCH", "cannot decrypt MAC", {
      hints: ["the mac or lastmodified entry of the sops metadata was changed; --ignore-mac skips the check"],
    });
  }
  if (stored !== computed) {
    throw new HushError("MAC_MISMATCH", "MAC mismatch", {
      hints: ["a value of the file was changed outside sops/hush (tampering, or a hand edit); --ignore-mac skips the check"],
    });
  }
}
