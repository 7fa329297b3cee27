/**
 * The file commands as functions: encrypt, decrypt, rotate, set, unset, filestatus, updatekeys.
 * Each takes a FileCtx and options and returns the bytes to write (the CLI decides where).
 */
import { HushError } from "../../errors.js";
import { newDataKey, openDocument, readEncrypted, rewrapDocument, sealDocument, wrapDataKey, type OpenedDocument } from "../../engine/index.js";
import { keyEntryId, type MasterKey } from "../../keys/master-key.js";
import type { Metadata } from "../../stores/metadata.js";
import type { Store } from "../../stores/store.js";
import { Comment, getPath, isList, isMap, parseTreePath, setPath, Timestamp, unsetPath, type PathPart, type TreeMap, type Value } from "../../tree/index.js";
import { absPath, pickStore, readUserFile, type FileCtx } from "./context.js";
import { extractValue } from "./extract.js";
import { buildKeyring, masterKeyFor } from "./keyring.js";
import { masterKeysForEntries, resolvePlan, storeIndent, type PlanFlags, type Plan } from "./plan.js";
import { HUSH_SOPS_VERSION } from "./version.js";

/** Where the input comes from and how it is typed. */
export interface InputOptions {
  /** The file (its path also picks the store and the creation rule); undefined = stdin. */
  file?: string;
  filenameOverride?: string;
  inputType?: string;
  outputType?: string;
  configPath?: string;
  indent?: number;
}

export interface DecryptOptions extends InputOptions {
  ignoreMac?: boolean;
  extract?: string;
  decryptionOrder?: string;
}

function nameFor(o: InputOptions): string {
  const n = o.filenameOverride ?? o.file;
  if (n === undefined) throw new HushError("CONFLICTING_PARAMETERS", "must specify --filename-override when reading from stdin");
  return n;
}

async function readInput(ctx: FileCtx, o: InputOptions): Promise<Uint8Array> {
  return o.file === undefined ? ctx.readStdin() : readUserFile(ctx, o.file);
}

function stores(o: InputOptions): { input: Store; output: Store } {
  // Only encrypt insists on a name for stdin (nameFor); sops's decrypt reads stdin with the name "", so the
  // stores come from --input-type/--output-type, else binary.
  const name = o.filenameOverride ?? o.file ?? "";
  // sops's outputStore looks only at --output-type, then the path: `--input-type json x.yaml` prints YAML.
  return { input: pickStore(name, o.inputType), output: pickStore(name, o.outputType) };
}

function order(o: DecryptOptions, ctx: FileCtx): ("age" | "pgp")[] | undefined {
  const raw = o.decryptionOrder ?? ctx.env.SOPS_DECRYPTION_ORDER;
  if (raw === undefined || raw === "") return undefined;
  const seen = new Set<string>();
  const out: ("age" | "pgp")[] = [];
  for (const t of raw.split(",").map((s) => s.trim())) {
    if (seen.has(t)) throw new HushError("DUPLICATE_DECRYPTION_KEY_TYPE", `duplicate decryption key type: ${t}`);
    seen.add(t);
    if (t === "age" || t === "pgp") out.push(t);
  }
  return out;
}

/** Opens an encrypted input. */
export async function open(ctx: FileCtx, o: DecryptOptions, how: { keepIvs?: boolean } = {}): Promise<{ doc: OpenedDocument; input: Store; output: Store }> {
  const { input, output } = stores(o);
  const bytes = await readInput(ctx, o);
  const ord = order(o, ctx);
  const doc = await openDocument(bytes, input, buildKeyring(ctx), {
    file: o.file ?? "<stdin>",
    ignoreMac: o.ignoreMac ?? false,
    keepIvs: how.keepIvs ?? true,
    ...(ord === undefined ? {} : { decryptionOrder: ord }),
  });
  return { doc, input, output };
}

/** `decrypt`: the plaintext as `sops decrypt` prints it. */
export async function decryptFile(ctx: FileCtx, o: DecryptOptions): Promise<Uint8Array> {
  // Nothing is re-encrypted after a decrypt: no IVs to keep.
  const { doc, output } = await open(ctx, o, { keepIvs: false });
  const indent = o.indent ?? storeIndent(ctx, output, o.configPath);
  try {
    if (o.extract !== undefined) return extractValue(doc.branches, o.extract, output, indent);
    return output.emitPlain(doc.branches, indent === undefined ? {} : { indent });
  } catch (e) {
    // emit and --extract errors carry a key path but not the file; name it like every other error
    throw e instanceof HushError ? e.withFile(o.file ?? "<stdin>") : e;
  }
}

export interface EncryptOptions extends InputOptions, PlanFlags {}

/** `encrypt`: a plaintext file → a new encrypted file (new data key). */
export async function encryptFile(ctx: FileCtx, o: EncryptOptions): Promise<Uint8Array> {
  const name = nameFor(o);
  const { input, output } = stores(o);
  // sops loads the config and keys (getEncryptConfig) before it reads the file, so a missing rule (1) wins
  // over a malformed (2), empty (92) or already encrypted (203) input.
  const plan = await resolvePlan(ctx, absPath(ctx, name), o, output);
  const bytes = await readInput(ctx, o);
  const branches = input.loadPlain(bytes, { file: o.file ?? name });
  if (branches.length === 0) throw new HushError("EMPTY_DOCUMENT", "file cannot be completely empty, it must contain at least one document", { file: name });
  if (input.hasMetadata(branches[0] as TreeMap)) throw alreadyEncrypted(name);
  const { dataKey, metadata } = await freshKeys(ctx, plan);
  const indent = o.indent ?? storeIndent(ctx, output, o.configPath);
  return sealDocument(output, branches, metadata, dataKey, { now: ctx.now(), randomBytes: ctx.randomBytes, file: name, ...(indent === undefined ? {} : { indent }) });
}

/** A new data key wrapped for a plan's key groups, and the metadata of a new file (sops's version). */
export async function freshKeys(ctx: FileCtx, plan: Plan): Promise<{ dataKey: Uint8Array; metadata: Omit<Metadata, "lastModified" | "mac"> }> {
  const dataKey = newDataKey(ctx.randomBytes);
  const wrapped = await wrapDataKey(dataKey, plan.groups, plan.threshold, ctx.randomBytes);
  return {
    dataKey,
    metadata: {
      keyGroups: wrapped.keyGroups,
      shamirThreshold: wrapped.shamirThreshold,
      selector: plan.selector,
      macOnlyEncrypted: plan.macOnlyEncrypted,
      version: HUSH_SOPS_VERSION,
    },
  };
}

/** The "file already encrypted" error (sops exit 203). */
export function alreadyEncrypted(file: string): HushError {
  return new HushError("ALREADY_ENCRYPTED", "the file already contains sops metadata (a top-level 'sops' entry, or 'sops_' entries in flat formats)", {
    file,
    hints: ["if this is an encrypted file, edit it with: hush edit " + file, "if it is a plain file, rename its 'sops' entry"],
  });
}

/** Re-encrypts an opened document with its own data key and stash (edit/set/unset/updatekeys keep the data key). */
export function reseal(ctx: FileCtx, o: InputOptions, doc: OpenedDocument, branches: readonly TreeMap[], out: Store, meta: Metadata = doc.metadata): Uint8Array {
  const indent = o.indent ?? storeIndent(ctx, out, o.configPath);
  return sealDocument(out, branches, meta, doc.dataKey, {
    now: ctx.now(),
    randomBytes: ctx.randomBytes,
    stash: doc.stash,
    file: o.file ?? "<stdin>",
    ...(indent === undefined ? {} : { indent }),
  });
}

export interface RotateOptions extends DecryptOptions {
  addAge?: string[];
  rmAge?: string[];
  addPgp?: string[];
  rmPgp?: string[];
}

/** `rotate`: a new data key, every value re-encrypted, optionally with keys added or removed. */
export async function rotateFile(ctx: FileCtx, o: RotateOptions): Promise<Uint8Array> {
  const { doc, output } = await open(ctx, o);
  const groups = await masterKeysForEntries(ctx, doc.metadata.keyGroups, { addAge: o.addAge ?? [], rmAge: o.rmAge ?? [], addPgp: o.addPgp ?? [], rmPgp: o.rmPgp ?? [] });
  const dataKey = newDataKey(ctx.randomBytes);
  const wrapped = await wrapDataKey(dataKey, groups, doc.metadata.shamirThreshold, ctx.randomBytes);
  const meta = { ...doc.metadata, keyGroups: wrapped.keyGroups, shamirThreshold: wrapped.shamirThreshold };
  const indent = o.indent ?? storeIndent(ctx, output, o.configPath);
  return sealDocument(output, doc.branches, meta, dataKey, { now: ctx.now(), randomBytes: ctx.randomBytes, file: o.file ?? "<stdin>", ...(indent === undefined ? {} : { indent }) });
}

/**
 * `set FILE PATH VALUE`: the value is JSON (a bare number becomes a float, as in sops). With `idempotent`,
 * a value equal to the one already at the path leaves the file as it is (returns null), as sops's `set --idempotent`.
 */
export async function setValue(ctx: FileCtx, o: DecryptOptions & { file: string }, pathText: string, valueJson: string, idempotent = false): Promise<Uint8Array | null> {
  let path;
  try {
    path = parseTreePath(pathText);
  } catch {
    throw new HushError("INVALID_SET_FORMAT", "invalid set index format", { file: o.file });
  }
  const value = parseSetValue(valueJson, o.file);
  const { doc, input } = await open(ctx, o);
  if (idempotent && path.length > 0 && sameAsCurrent(doc.branches[0] as TreeMap, path, value)) return null;
  const first = setPath(doc.branches[0] as TreeMap, path, value);
  return reseal(ctx, o, doc, [first, ...doc.branches.slice(1)], input);
}

/** sops `set` reports "changed" unless the path exists and holds an equal value (sops.go equals: same type and content). */
function sameAsCurrent(branch: TreeMap, path: readonly PathPart[], value: Value): boolean {
  let current: Value;
  try {
    current = getPath(branch, path);
  } catch {
    return false;
  }
  return sameValue(current, value);
}

function sameValue(a: Value | Comment, b: Value | Comment): boolean {
  if (a instanceof Comment || b instanceof Comment) return a instanceof Comment && b instanceof Comment && a.text === b.text;
  if (isMap(a) || isMap(b)) {
    if (!isMap(a) || !isMap(b) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => {
      const y = b.items[i]!;
      if (x instanceof Comment || y instanceof Comment) return sameValue(x instanceof Comment ? x : x.value, y instanceof Comment ? y : y.value);
      return x.key === y.key && sameValue(x.value, y.value);
    });
  }
  if (isList(a) || isList(b)) {
    if (!isList(a) || !isList(b) || a.items.length !== b.items.length) return false;
    return a.items.every((x, i) => sameValue(x, b.items[i]!));
  }
  if (a instanceof Timestamp || b instanceof Timestamp) return a instanceof Timestamp && b instanceof Timestamp && a.text === b.text;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return typeof a === typeof b && a === b;
}

function parseSetValue(text: string, file: string): Value {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HushError("INVALID_SET_FORMAT", "value for set is not valid JSON", { file });
  }
  if (parsed === null || typeof parsed === "string" || typeof parsed === "boolean") return parsed;
  if (typeof parsed === "number") return parsed;
  // Objects and arrays go through the JSON store, so integers inside them stay ints (sops 3.13.2).
  const json = pickStore("x.json", "json");
  const branch = json.loadPlain(new TextEncoder().encode(`{"v":${text}}`), { file })[0] as TreeMap;
  const item = branch.items[0];
  return item !== undefined && "key" in item ? item.value : null;
}

/** `unset FILE PATH`. With `idempotent`, a missing path leaves the file as it is (returns null). */
export async function unsetValue(ctx: FileCtx, o: DecryptOptions & { file: string }, pathText: string, idempotent: boolean): Promise<Uint8Array | null> {
  let path;
  try {
    path = parseTreePath(pathText);
  } catch {
    throw new HushError("INVALID_SET_FORMAT", "invalid unset index format", { file: o.file });
  }
  const { doc, input } = await open(ctx, o);
  let first: TreeMap;
  try {
    first = unsetPath(doc.branches[0] as TreeMap, path);
  } catch (e) {
    if (idempotent && e instanceof HushError && e.code === "GENERIC") return null;
    throw e instanceof HushError ? e.withFile(o.file) : e;
  }
  return reseal(ctx, o, doc, [first, ...doc.branches.slice(1)], input);
}

/** `filestatus`: `{"encrypted":true}` when the file has sops metadata with a version and a MAC. */
export function fileStatus(ctx: FileCtx, o: InputOptions & { file: string }): string {
  const { input } = stores(o);
  let encrypted = false;
  try {
    const { metadata } = readEncrypted(readUserFile(ctx, o.file), input, o.file);
    encrypted = metadata.version !== "" && metadata.mac !== "";
  } catch (e) {
    // sops (subcommand/filestatus) answers false only for "metadata not found"; a file it cannot read or
    // parse is an error, exit 1 ("cannot check file status: …").
    if (!(e instanceof HushError)) throw e;
    if (e.code !== "METADATA_NOT_FOUND") {
      throw new HushError("GENERIC", `cannot check file status: ${e.message}`, { file: e.file ?? o.file, hints: e.hints, cause: e, ...(e.line === undefined ? {} : { line: e.line }) });
    }
  }
  return JSON.stringify({ encrypted }) + "\n";
}

/** `updatekeys`: the key groups the creation rule names now, same data key, values untouched. Null when nothing changes. */
export async function updateKeys(
  ctx: FileCtx,
  o: DecryptOptions & { file: string; shamirThreshold?: number },
  confirm: (summary: string[]) => Promise<boolean>,
): Promise<Uint8Array | null> {
  const { input } = stores(o);
  const parsed = readEncrypted(readUserFile(ctx, o.file), input, o.file);
  const plan = await resolvePlan(ctx, absPath(ctx, o.filenameOverride ?? o.file), { configPath: o.configPath, forUpdateKeys: true }, input);
  const want = plan.groups.map((g) => g.map((k) => `${k.type}:${k.id}`));
  const have = parsed.metadata.keyGroups.map((g) => g.map(keyEntryId));
  // The summary is sops's (common.DiffKeyGroups + PrettyPrintShamirDiff + PrettyPrintDiffs): the threshold,
  // then every group with its kept keys indented, added keys `+++`, removed keys `---`.
  const bare = (x: string): string => x.replace(/^\w+:/, "");
  const groupLines: string[] = [];
  let keysChange = false;
  for (let i = 0; i < Math.max(want.length, have.length); i++) {
    const w = want[i] ?? [];
    const h = have[i] ?? [];
    const common = w.filter((x) => h.includes(x));
    const added = w.filter((x) => !h.includes(x));
    const removed = h.filter((x) => !w.includes(x));
    if (added.length + removed.length > 0) keysChange = true;
    groupLines.push(`Group ${i + 1}`, ...common.map((x) => `    ${bare(x)}`), ...added.map((x) => `+++ ${bare(x)}`), ...removed.map((x) => `--- ${bare(x)}`));
  }
  const old = parsed.metadata.shamirThreshold;
  const threshold = Math.min(o.shamirThreshold ?? old, plan.groups.length);
  if (!keysChange && threshold === old) return null;
  const summary: string[] = [];
  if (old > 0 && old === threshold) summary.push(`shamir_threshold: ${threshold}`);
  else {
    if (threshold > 0) summary.push(`+++ shamir_threshold: ${threshold}`);
    if (old > 0) summary.push(`--- shamir_threshold: ${old}`);
  }
  summary.push(...groupLines);
  if (!(await confirm(summary))) return null;
  const ord = order(o, ctx);
  const indent = o.indent ?? storeIndent(ctx, input, o.configPath);
  return rewrapDocument(input, parsed, buildKeyring(ctx), plan.groups, threshold, {
    randomBytes: ctx.randomBytes,
    file: o.file,
    ...(indent === undefined ? {} : { indent }),
    ...(ord === undefined ? {} : { decryptionOrder: ord }),
  });
}

/** What `groups add` / `groups delete` change: one group appended, or the group at an index removed. */
export type GroupChange = { add: { age: readonly string[]; pgp: readonly string[] } } | { deleteIndex: number };

/**
 * `groups add` / `groups delete` (sops cmd/sops/subcommand/groups): the data key, re-wrapped for the
 * file's key groups with one group added or removed. Every key in every group is wrapped again (with
 * several groups, each gets a new Shamir share); values, MAC and lastmodified stay as they are.
 * `shamirThreshold` (when given and not 0) replaces the file's; 0 with several groups means all of them.
 * @throws HushError NO_DECRYPTION_KEY, KEY_GROUPS, NO_KEYS (kms & co. entries), GENERIC (no such group,
 *   or a threshold the remaining groups cannot meet)
 */
export async function changeGroups(ctx: FileCtx, o: InputOptions & { file: string; change: GroupChange; shamirThreshold?: number; decryptionOrder?: string }): Promise<Uint8Array> {
  const { input, output } = stores(o);
  const parsed = readEncrypted(readUserFile(ctx, o.file), input, o.file);
  const groups = await masterKeysForEntries(ctx, parsed.metadata.keyGroups, { addAge: [], rmAge: [], addPgp: [], rmPgp: [] });
  const c = o.change;
  if ("add" in c) {
    const split = (xs: readonly string[]): string[] => xs.flatMap((x) => x.split(",")).map((x) => x.trim()).filter((x) => x !== "");
    // sops builds the new group pgp first, then age (and the cloud key types in between)
    groups.push([...split(c.add.pgp).map((f) => masterKeyFor(ctx, "pgp", f.replace(/\s/g, ""))), ...split(c.add.age).map((r) => masterKeyFor(ctx, "age", r))]);
    if ((groups.at(-1) as MasterKey[]).length === 0) throw new HushError("KEY_GROUPS", "the new key group has no keys", { file: o.file, hints: ["name them with --age and/or --pgp"] });
  } else {
    if (c.deleteIndex >= groups.length)
      throw new HushError("GENERIC", `there is no key group ${c.deleteIndex}: the file has ${groups.length} (numbered from 0)`, { file: o.file });
    groups.splice(c.deleteIndex, 1);
  }
  const threshold = o.shamirThreshold !== undefined && o.shamirThreshold !== 0 ? o.shamirThreshold : parsed.metadata.shamirThreshold;
  if ("deleteIndex" in c && groups.length < threshold)
    throw new HushError(
      "GENERIC",
      `removing this key group will make the Shamir threshold impossible to satisfy: Shamir threshold is ${threshold}, but we only have ${groups.length} key groups`,
      { file: o.file, hints: ["lower it in the same step with --shamir-secret-sharing-threshold"] },
    );
  if (groups.length > 1 && threshold > groups.length)
    throw new HushError("KEY_GROUPS", `a Shamir threshold of ${threshold} needs at least ${threshold} key groups; the file would have ${groups.length}`, { file: o.file });
  const ord = order(o, ctx);
  const indent = o.indent ?? storeIndent(ctx, output, o.configPath);
  return rewrapDocument(output, parsed, buildKeyring(ctx), groups, threshold, {
    randomBytes: ctx.randomBytes,
    file: o.file,
    ...(indent === undefined ? {} : { indent }),
    ...(ord === undefined ? {} : { decryptionOrder: ord }),
  });
}
