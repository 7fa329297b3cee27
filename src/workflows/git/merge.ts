/**
 * `hush git merge %O %A %B %P`: git's merge driver for sops files. It decrypts base, ours and theirs
 * (MAC verified), merges the trees key by key (tree-merge.ts) and re-encrypts into %A. Only %A is ever
 * written, always encrypted: a clean merge is the merged file; a true conflict is the conflict wrapper
 * (conflict.ts), and the driver reports failure so git marks the path conflicted. When the merge cannot
 * run at all (no key here, a MAC that fails, a side that is not a sops file) %A keeps ours untouched and
 * the path is left conflicted with a message saying why.
 *
 * Keys: the data key and recipients are merged three-way as one unit. Normally ours's are kept (and its
 * IV stash, so values nobody changed keep their ciphertext); when only theirs changed them (updatekeys,
 * rotate) theirs's are taken; when both changed them differently, a new data key is made for the
 * recipients the creation rule names now (a rotation on either side must not be undone by reusing an
 * older data key).
 */
import { readFileSync } from "node:fs";
import { EXIT_CODES, HushError } from "../../errors.js";
import { openDocument, type OpenedDocument } from "../../engine/index.js";
import { keyEntryId } from "../../keys/master-key.js";
import type { Metadata } from "../../stores/metadata.js";
import type { Store } from "../../stores/store.js";
import type { TreeMap } from "../../tree/index.js";
import { sealDocument } from "../../engine/index.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { absPath, buildKeyring, freshKeys, pickStore, resolvePlan, storeIndent, type FileCtx } from "../files/index.js";
import { conflictBranches, markConflicts } from "./conflict.js";
import { mergeBranches } from "./tree-merge.js";

/** What the merge did. `exitCode` is what the driver returns to git (0 = merged). */
export interface MergeOutcome {
  status: "merged" | "took-theirs" | "kept-ours" | "conflict" | "failed";
  exitCode: number;
  /** Key paths in conflict (never values). */
  conflicts: string[];
  /** One line per thing the user should know (to stderr). */
  messages: string[];
}

function keyState(m: Metadata, dataKey: Uint8Array): string {
  const groups = m.keyGroups.map((g) => g.map(keyEntryId).sort().join(",")).join("|");
  return `${m.shamirThreshold};${groups};${Buffer.from(dataKey).toString("hex")}`;
}

const sameSettings = (a: Metadata, b: Metadata): boolean =>
  JSON.stringify(a.selector) === JSON.stringify(b.selector) && a.macOnlyEncrypted === b.macOnlyEncrypted;

async function openSide(ctx: FileCtx, bytes: Uint8Array, store: Store, label: string): Promise<OpenedDocument> {
  return openDocument(bytes, store, buildKeyring(ctx), { file: label });
}

/**
 * Runs the merge driver. `path` is the file's path in the repository (%P): it picks the store and the
 * creation rule. Never writes plaintext anywhere; never throws for a merge that cannot be done (the
 * outcome says why), only for an unwritable %A.
 * @throws HushError WRITE_OUTPUT when %A cannot be written
 */
export async function mergeDriver(ctx: FileCtx, o: { base: string; ours: string; theirs: string; path: string }): Promise<MergeOutcome> {
  const read = (p: string): Buffer => readFileSync(absPath(ctx, p));
  const [b, a, t] = [read(o.base), read(o.ours), read(o.theirs)];
  if (a.equals(t) || b.equals(t)) return { status: "kept-ours", exitCode: 0, conflicts: [], messages: [] };
  if (b.equals(a)) {
    await writeFileAtomic(absPath(ctx, o.ours), t);
    return { status: "took-theirs", exitCode: 0, conflicts: [], messages: [] };
  }
  const store = pickStore(o.path, undefined);
  let base: OpenedDocument | null;
  let ours: OpenedDocument;
  let theirs: OpenedDocument;
  const messages: string[] = [];
  // the base's tree; null for add/add (git passes an empty base)
  let baseBranches: TreeMap[] | null = null;
  try {
    base = null;
    if (b.length > 0) {
      try {
        base = await openSide(ctx, b, store, `${o.path} (base)`);
        baseBranches = base.branches;
      } catch (e) {
        // a base that was still plaintext (encrypted later, on both sides): its tree is the base of the
        // values; the keys have no common ancestor
        if (!(e instanceof HushError) || e.code !== "METADATA_NOT_FOUND") throw e;
        baseBranches = store.loadPlain(b, { file: `${o.path} (base)` });
        messages.push(`${o.path}: the common ancestor was not sops-encrypted; its values are the base of the merge`);
      }
    }
    ours = await openSide(ctx, a, store, `${o.path} (ours)`);
    theirs = await openSide(ctx, t, store, `${o.path} (theirs)`);
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    const why = `${e.file ?? o.path}: ${e.keyPath === undefined ? "" : e.keyPath + ": "}${e.message}`;
    return {
      status: "failed",
      exitCode: EXIT_CODES.MERGE_CONFLICT,
      conflicts: [],
      messages: [
        `cannot merge ${o.path} key by key: ${why}`,
        `the file is left as ours (encrypted) and marked conflicted; pick a side with git checkout --ours/--theirs -- ${o.path}, or merge on a machine that has a key`,
      ],
    };
  }
  // keys: three-way over (recipients, threshold, data key) as one unit
  const sb = base === null ? null : keyState(base.metadata, base.dataKey);
  const so = keyState(ours.metadata, ours.dataKey);
  const st = keyState(theirs.metadata, theirs.dataKey);
  let keys: { dataKey: Uint8Array; meta: Omit<Metadata, "lastModified" | "mac">; stash?: OpenedDocument["stash"] };
  if (so === st || st === sb) keys = { dataKey: ours.dataKey, meta: ours.metadata, stash: ours.stash };
  else if (so === sb) keys = { dataKey: theirs.dataKey, meta: theirs.metadata, stash: theirs.stash };
  else {
    let plan;
    try {
      plan = await resolvePlan(ctx, absPath(ctx, o.path), { forUpdateKeys: true }, store);
    } catch (e) {
      if (!(e instanceof HushError)) throw e;
      return {
        status: "failed",
        exitCode: EXIT_CODES.MERGE_CONFLICT,
        conflicts: [],
        messages: [`cannot merge ${o.path}: both sides changed its recipients or data key, and no creation rule says which to use (${e.message})`, `the file is left as ours (encrypted) and marked conflicted`],
      };
    }
    const fresh = await freshKeys(ctx, plan);
    keys = { dataKey: fresh.dataKey, meta: { ...fresh.metadata, selector: ours.metadata.selector, macOnlyEncrypted: ours.metadata.macOnlyEncrypted } };
    messages.push(`${o.path}: both sides changed the recipients or data key; the merge has a new data key for the recipients .sops.yaml names now`);
  }
  // encryption settings (selector, mac_only_encrypted): theirs's only when ours left them as in base
  if (base !== null && !sameSettings(theirs.metadata, ours.metadata) && sameSettings(ours.metadata, base.metadata))
    keys = { ...keys, meta: { ...keys.meta, selector: theirs.metadata.selector, macOnlyEncrypted: theirs.metadata.macOnlyEncrypted } };
  const indent = storeIndent(ctx, store, undefined);
  const io = indent === undefined ? {} : { indent };
  const merged = mergeBranches(baseBranches, ours.branches, theirs.branches);
  const version = ours.metadata.version;
  if (merged.conflicts.length === 0) {
    const out = sealDocument(store, merged.ours, { ...keys.meta, version }, keys.dataKey, {
      now: ctx.now(),
      randomBytes: ctx.randomBytes,
      file: o.path,
      ...(keys.stash === undefined ? {} : { stash: keys.stash }),
      ...io,
    });
    await writeFileAtomic(absPath(ctx, o.ours), out);
    return { status: "merged", exitCode: 0, conflicts: [], messages };
  }
  const dec = new TextDecoder();
  const text = markConflicts(dec.decode(store.emitPlain(merged.ours, io)), dec.decode(store.emitPlain(merged.theirs, io)));
  // every wrapper value is encrypted (selector null), whatever the real file's selector leaves in clear
  const out = sealDocument(store, conflictBranches(store, text, { selector: keys.meta.selector, macOnlyEncrypted: keys.meta.macOnlyEncrypted }), { ...keys.meta, selector: null, macOnlyEncrypted: false, version }, keys.dataKey, {
    now: ctx.now(),
    randomBytes: ctx.randomBytes,
    file: o.path,
    ...io,
  });
  await writeFileAtomic(absPath(ctx, o.ours), out);
  return {
    status: "conflict",
    exitCode: EXIT_CODES.MERGE_CONFLICT,
    conflicts: merged.conflicts,
    messages: [
      ...messages,
      `${o.path}: ${merged.conflicts.length} conflicting key${merged.conflicts.length === 1 ? "" : "s"}: ${merged.conflicts.join(", ")}`,
      `resolve with: hush edit ${o.path}   (the conflicts are marked <<<<<<< ours / ======= / >>>>>>> theirs; then git add ${o.path})`,
    ],
  };
}
