/**
 * Is a file's content a sound sops file? Used by the guard (staged blobs), textconv and audit-history.
 * Soundness is checked in two steps: the structure, which needs no key (sops metadata present, a MAC,
 * key groups, every value the file's own selector says is encrypted is an ENC[…] string); then, when a
 * key on this machine opens the file, the MAC over the decrypted values. Plaintext never leaves this
 * module: the result names key paths, not values.
 */
import { HushError } from "../../errors.js";
import { openDocument, readEncrypted, shouldEncryptFor, walkBranches } from "../../engine/index.js";
import { Comment } from "../../tree/index.js";
import { buildKeyring, pickStore, type FileCtx } from "../files/index.js";

/** What {@link checkSopsFile} found. */
export type Integrity =
  | { state: "plain" }
  | { state: "broken"; why: string }
  | { state: "ok"; macChecked: boolean; why?: string };

// The shape of an encrypted value (cipher/aes-gcm.ts parses it fully; here only the shape matters).
const ENC = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;

const keyPath = (path: readonly string[]): string => path.map((k) => `["${k}"]`).join("");

/**
 * Checks the structure of an encrypted file without a key; returns the first problem, or null.
 * @throws HushError METADATA_NOT_FOUND when there is no sops metadata; PARSE_ENCRYPTED, METADATA_INVALID
 */
export function structureProblem(bytes: Uint8Array, name: string): string | null {
  const { branches, metadata } = readEncrypted(bytes, pickStore(name, undefined), name);
  if (metadata.mac === "") return "the sops metadata has no mac";
  if (!ENC.test(metadata.mac)) return "the sops mac is not an ENC[AES256_GCM,…] value";
  if (metadata.keyGroups.length === 0 || metadata.keyGroups.every((g) => g.length === 0)) return "the sops metadata lists no recipients";
  let should: ReturnType<typeof shouldEncryptFor>;
  try {
    should = shouldEncryptFor(metadata.selector);
  } catch {
    return "the sops metadata has a selector regex that does not compile";
  }
  let problem: string | null = null;
  walkBranches(branches, (leaf, path, comments) => {
    if (problem !== null || leaf instanceof Comment || leaf === null) return leaf;
    if (!should(path, comments, false)) return leaf;
    if (typeof leaf === "string" && (leaf === "" || ENC.test(leaf))) return leaf;
    problem = `${keyPath(path)} is not encrypted although the file's selector says it must be`;
    return leaf;
  });
  return problem;
}

/**
 * Classifies `bytes` (the content of the file `name`; the name picks the store): plain (no sops
 * metadata), broken (structure, or the MAC when a key opens it) or ok. `macChecked` is false when no
 * key on this machine opens the file (`why` then says so).
 */
export async function checkSopsFile(ctx: FileCtx, name: string, bytes: Uint8Array): Promise<Integrity> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!b.includes("sops")) return { state: "plain" };
  try {
    const problem = structureProblem(bytes, name);
    if (problem !== null) return { state: "broken", why: problem };
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    if (e.code === "METADATA_NOT_FOUND") return { state: "plain" };
    return { state: "broken", why: e.message };
  }
  try {
    await openDocument(bytes, pickStore(name, undefined), buildKeyring(ctx), { file: name });
    return { state: "ok", macChecked: true };
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    if (e.code === "MAC_MISMATCH") return { state: "broken", why: "MAC mismatch: the values were changed without re-encrypting" };
    if (e.code === "DECRYPT_TREE") return { state: "broken", why: `${e.keyPath === undefined ? "a value" : e.keyPath} does not decrypt: ${e.message}` };
    if (e.code === "NO_DECRYPTION_KEY") return { state: "ok", macChecked: false, why: "no key on this machine opens it" };
    return { state: "ok", macChecked: false, why: `it could not be opened (${e.message})` };
  }
}
