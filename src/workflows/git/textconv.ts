/**
 * `hush git textconv FILE`: the diff driver's text conversion. With a key the file's plaintext (MAC
 * verified), so `git diff` and `git log -p` show real changes; without one the file's layout with every
 * encrypted value shown as `<encrypted: no key 1a2b3c4d>` (a tag of its ciphertext) under a one-line
 * notice naming the recipients, so a diff still shows which keys changed. It never fails: git diff must not break on one file, so anything
 * unexpected prints the input as it is under a notice. Never configure `diff.sops.cachetextconv`: git
 * would store the plaintext in the repository (refs/notes/textconv).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { openDocument, readEncrypted, walkBranches } from "../../engine/index.js";
import { keyEntryId } from "../../keys/master-key.js";
import { Comment } from "../../tree/index.js";
import { absPath, buildKeyring, pickStore, storeIndent, type FileCtx } from "../files/index.js";

export const NO_KEY_PLACEHOLDER = "<encrypted: no key>";

/**
 * A value without a key: the placeholder plus 8 hex digits of SHA-256 of its ciphertext (public in the
 * repository anyway), so a diff still shows which values changed: unchanged values keep their
 * ciphertext (IV stash) and so their tag.
 */
function hiddenValue(ciphertext: string): string {
  return `${NO_KEY_PLACEHOLDER.slice(0, -1)} ${createHash("sha256").update(ciphertext).digest("hex").slice(0, 8)}>`;
}
const ENC = /^ENC\[AES256_GCM,/;

function notice(line: string): Uint8Array {
  return new TextEncoder().encode(`# hush: ${line}\n`);
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => Buffer.concat([a, b]);

/** The bytes textconv prints for the file at `file`; `name` (default `file`) picks the store. */
export async function textconv(ctx: FileCtx, file: string, name: string = file): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath(ctx, file));
  } catch {
    return notice("the file could not be read");
  }
  if (!bytes.includes("sops")) return bytes;
  const store = pickStore(name, undefined);
  let parsed;
  try {
    parsed = readEncrypted(bytes, store, name);
  } catch (e) {
    // not sops at all (no metadata, or not even the store's syntax): shown as it is
    if (e instanceof HushError && (e.code === "METADATA_NOT_FOUND" || e.code === "PARSE_ENCRYPTED")) return bytes;
    return concat(notice(`not a readable sops file (${e instanceof HushError ? e.message : "parse error"}); shown as stored`), bytes);
  }
  const indent = (() => {
    try {
      return storeIndent(ctx, store, undefined);
    } catch {
      return undefined;
    }
  })();
  const io = indent === undefined ? {} : { indent };
  let why: string;
  try {
    const doc = await openDocument(bytes, store, buildKeyring(ctx), { file: name });
    return store.emitPlain(doc.branches, io);
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    why =
      e.code === "NO_DECRYPTION_KEY" ? "no key on this machine opens this file; values hidden"
      : e.code === "MAC_MISMATCH" ? "MAC mismatch: the file was changed outside sops/hush; values hidden"
      : `cannot decrypt (${e.message}); values hidden`;
  }
  const recipients = parsed.metadata.keyGroups.flat().map((k) => keyEntryId(k).replace(/^age:|^pgp:/, "")).join(", ");
  const hidden = walkBranches(parsed.branches, (leaf) => {
    if (leaf instanceof Comment) return ENC.test(leaf.text) ? new Comment(" <encrypted comment>", leaf.inline) : leaf;
    return typeof leaf === "string" && ENC.test(leaf) ? hiddenValue(leaf) : leaf;
  });
  const head = notice(`${why} (recipients: ${recipients}; lastmodified ${parsed.metadata.lastModified})`);
  try {
    return concat(head, store.emitPlain(hidden, io));
  } catch {
    return concat(head, bytes);
  }
}
