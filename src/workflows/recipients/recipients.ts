/**
 * Recipients as named people and machines: who can open which file (`hush recipients`), joining
 * (`recipients add`: rule edited, data keys re-wrapped) and leaving (`recipients remove`: rule edited,
 * data keys rotated, and the list of secrets the leaver could have read).
 *
 * Invariants: nothing is written before every affected file has been re-encrypted in memory, so a
 * key that cannot open one file stops the whole change; each file is then written atomically.
 * The lock-out guard refuses a change that would leave a file with no recipient named in
 * `hush.admins` (unless forced), and always refuses one that leaves a file with no recipient at all.
 */
import { readFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { loadConfig, type SopsConfig } from "../../config/index.js";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { loadConfigFor, rotateFile, updateKeys, type FileCtx } from "../files/index.js";
import { encryptedKeyPaths, entryRecipient, findEncryptedFiles, lastChange, ruleFor, type EncryptedFile, type RecipientRef } from "./scan.js";
import { addRecipientToConfig, adminNames, recipientType, removeRecipientFromConfig, type RecipientType } from "./sops-yaml-edit.js";

/** One file a recipient appears in, by its metadata (what it can open today) and by its rule. */
export interface RecipientFile {
  /** Relative to the config's directory. */
  file: string;
  /** The creation rule that matches the file now; null when none does. */
  rule: { index: number; pathRegex: string | null } | null;
  /** 0-based indexes of the file's key groups that hold the recipient (empty: it cannot open the file). */
  fileGroups: number[];
  /** 0-based indexes of the matching rule's key groups that list the recipient. */
  ruleGroups: number[];
  /** True when file and rule disagree (run `hush updatekeys` to bring the file in line). */
  drift: boolean;
}

/** A recipient named in `.sops.yaml` or found in a file's metadata. */
export interface RecipientInfo {
  /** The YAML anchor naming it, else the recipient shortened (`age1abcd…wxyz`, pgp: last 16 hex digits). */
  name: string;
  named: boolean;
  type: RecipientType;
  recipient: string;
  /** Named in `hush.admins`. */
  admin: boolean;
  /** Listed by at least one creation rule. */
  inConfig: boolean;
  files: RecipientFile[];
}

/** What `hush recipients --json` prints (version 1 of the shape; documented in docs/recipients.md). */
export interface RecipientsReport {
  version: 1;
  config: string;
  git: boolean;
  admins: string[];
  recipients: RecipientInfo[];
}

/** Shortens a recipient for display when it has no name. */
export function shortRecipient(r: string): string {
  if (recipientType(r) === "pgp") return r.slice(-16);
  return r.length > 16 ? `${r.slice(0, 8)}…${r.slice(-4)}` : r;
}

interface Loaded {
  path: string;
  root: string;
  text: string;
  config: SopsConfig;
}

function load(ctx: FileCtx, configPath: string | undefined): Loaded {
  const found = loadConfigFor(ctx, configPath);
  if (found === null) throw new HushError("CONFIG", "config file not found: recipients are read from .sops.yaml", { hints: ["create a .sops.yaml with creation_rules, or pass --config"] });
  if (found.config.creationRules === undefined) throw new HushError("CONFIG", "the config has no creation_rules", { file: found.path });
  return { path: found.path, root: dirname(found.path), text: readFileSync(found.path, "utf8"), config: found.config };
}

const refKey = (r: RecipientRef): string => `${r.type}:${r.id}`;

function ruleRefs(config: SopsConfig, index: number): RecipientRef[][] {
  const rule = config.creationRules?.[index];
  if (!rule) return [];
  return rule.keyGroups.map((g) => [...g.age.map((id): RecipientRef => ({ type: "age", id })), ...g.pgp.map((id): RecipientRef => ({ type: "pgp", id }))]);
}

function fileRefs(f: EncryptedFile): RecipientRef[][] {
  return f.metadata.keyGroups.map((g) => g.map(entryRecipient).filter((r): r is RecipientRef => r !== null));
}

function groupsHolding(groups: RecipientRef[][], key: string): number[] {
  return groups.flatMap((g, i) => (g.some((r) => refKey(r) === key) ? [i] : []));
}

/** `hush recipients`: every recipient, its name, and the files it can open. @throws HushError CONFIG_NOT_FOUND, CONFIG */
export function listRecipients(ctx: FileCtx, o: { configPath?: string } = {}): RecipientsReport {
  const L = load(ctx, o.configPath);
  const admins = adminNames(L.text);
  const { files, git } = findEncryptedFiles(L.root);
  const all = new Map<string, RecipientRef>();
  const inConfig = new Set<string>();
  for (const rule of L.config.creationRules ?? []) {
    for (const g of ruleRefs(L.config, rule.index)) for (const r of g) (all.set(refKey(r), r), inConfig.add(refKey(r)));
  }
  const rules = new Map(files.map((f) => [f.path, ruleFor(L.config, L.path, f.abs)]));
  for (const f of files) for (const g of fileRefs(f)) for (const r of g) all.set(refKey(r), r);
  const recipients: RecipientInfo[] = [...all.values()].map((r) => {
    const key = refKey(r);
    const anchor = L.config.recipientNames.get(r.id);
    const out: RecipientFile[] = [];
    for (const f of files) {
      const rule = rules.get(f.path) ?? null;
      const fileGroups = groupsHolding(fileRefs(f), key);
      const ruleGroups = rule === null ? [] : groupsHolding(ruleRefs(L.config, rule.index), key);
      if (fileGroups.length === 0 && ruleGroups.length === 0) continue;
      out.push({ file: f.path, rule, fileGroups, ruleGroups, drift: fileGroups.join() !== ruleGroups.join() });
    }
    return { name: anchor ?? shortRecipient(r.id), named: anchor !== undefined, type: r.type, recipient: r.id, admin: anchor !== undefined && admins.includes(anchor), inConfig: inConfig.has(key), files: out };
  });
  recipients.sort((a, b) => Number(b.named) - Number(a.named) || a.name.localeCompare(b.name));
  return { version: 1, config: relative(ctx.cwd, L.path) || L.path, git, admins, recipients };
}

/** Options shared by add and remove. */
export interface ChangeOptions {
  configPath?: string;
  /** Plan and report; write nothing. */
  dryRun?: boolean;
  /** Override the admin lock-out guard. */
  force?: boolean;
}

/** One file a change touches. */
export interface FileChange {
  file: string;
  /** `rewrap`: same data key wrapped for more recipients; `rotate`: new data key, every value re-encrypted. */
  action: "rewrap" | "rotate";
}

/** A secret the removed recipient could have read: rotate it at its source. */
export interface ExposedSecret {
  file: string;
  keyPath: string;
  /** `%h %ad` of the file's last commit; null outside git or when never committed. */
  lastChange: string | null;
}

/** What add/remove did (or, with dryRun, would do). */
export interface ChangeResult {
  name: string;
  recipient: string;
  config: string;
  /** Indexes of the creation rules edited. */
  rules: number[];
  files: FileChange[];
  dryRun: boolean;
  /** Files left without an admin recipient that --force let through. */
  forced: string[];
  git: boolean;
  /** remove only: the encrypted values of every file the recipient could open. */
  exposed: ExposedSecret[];
}

/** The lock-out guard: files whose recipients after the change include no admin. */
function lockedOut(after: Map<string, RecipientRef[][]>, names: Map<string, string>, admins: readonly string[]): string[] {
  if (admins.length === 0) return [];
  const out: string[] = [];
  for (const [file, groups] of after) {
    const ok = groups.some((g) => g.some((r) => admins.includes(names.get(r.id) ?? "")));
    if (!ok) out.push(file);
  }
  return out;
}

function guard(after: Map<string, RecipientRef[][]>, L: { path: string }, names: Map<string, string>, admins: readonly string[], force: boolean): string[] {
  const empty = [...after].filter(([, g]) => g.every((x) => x.length === 0)).map(([f]) => f);
  if (empty.length > 0)
    throw new HushError("GENERIC", `refusing to leave ${empty.join(", ")} with no recipient at all`, { file: L.path, hints: ["add another recipient first: hush recipients add NAME KEY"] });
  const locked = lockedOut(after, names, admins);
  if (locked.length > 0 && !force)
    throw new HushError("GENERIC", `refusing a change that leaves no admin able to open ${locked.join(", ")}`, {
      file: L.path,
      hints: [`admins (hush.admins): ${admins.join(", ")}`, "add an admin to those files first, or pass --force"],
    });
  return locked;
}

function validated(text: string, file: string): SopsConfig {
  const r = loadConfig(text);
  const fatal = r.errors.filter((p) => p.fatal !== false);
  if (fatal.length > 0) throw new HushError("CONFIG", "the edited config would not load; nothing was written", { file, hints: ["edit .sops.yaml by hand for this change"] });
  return r.config;
}

const rel = (ctx: FileCtx, abs: string): string => relative(ctx.cwd, abs) || abs;

/**
 * `hush recipients add NAME KEY`: adds KEY (named NAME) to the creation rules (all, or those whose
 * path_regex is in `rules`), then re-wraps the data key of every file whose rule now lists KEY and
 * whose metadata does not, as `hush updatekeys` does (the file gets its rule's key groups).
 * @throws HushError CONFIG, USAGE, NO_DECRYPTION_KEY (the operator must be able to open every affected file)
 */
export async function addRecipient(ctx: FileCtx, name: string, key: string, o: ChangeOptions & { rules?: string[] } = {}): Promise<ChangeResult> {
  const L = load(ctx, o.configPath);
  const type = recipientType(key);
  const id = type === "pgp" ? key.replaceAll(" ", "") : key;
  const known = L.config.recipientNames.get(id);
  if (known !== undefined && known !== name)
    throw new HushError("USAGE", `that key is already in the config as ${known}`, { file: L.path, hints: [`to give it to more rules: hush recipients add ${known} KEY --rule PATH_REGEX`] });
  const edit = addRecipientToConfig(L.text, name, id, o.rules, L.path);
  const config = validated(edit.text, L.path);
  const { files, git } = findEncryptedFiles(L.root);
  const want = `${type}:${id}`;
  const affected = files.filter((f) => {
    const rule = ruleFor(config, L.path, f.abs);
    return rule !== null && groupsHolding(ruleRefs(config, rule.index), want).length > 0 && groupsHolding(fileRefs(f), want).length === 0;
  });
  const after = new Map(affected.map((f) => [f.path, ruleRefs(config, ruleFor(config, L.path, f.abs)!.index)]));
  const forced = guard(after, L, config.recipientNames, adminNames(edit.text), o.force ?? false);
  const result: ChangeResult = { name, recipient: id, config: rel(ctx, L.path), rules: edit.rules, files: affected.map((f) => ({ file: f.path, action: "rewrap" })), dryRun: o.dryRun ?? false, forced, git, exposed: [] };
  if (o.dryRun) return result;
  // updatekeys reads the rule from disk: write the config, re-wrap everything in memory, and put the
  // old config back if any file cannot be re-wrapped, so a failure changes nothing.
  if (edit.text !== L.text) await writeFileAtomic(L.path, edit.text);
  const out: [string, Uint8Array][] = [];
  try {
    for (const f of affected) {
      const bytes = await updateKeys(ctx, { file: f.abs, configPath: L.path }, async () => true);
      if (bytes !== null) out.push([f.abs, bytes]);
    }
  } catch (e) {
    if (edit.text !== L.text) await writeFileAtomic(L.path, L.text);
    throw e;
  }
  for (const [abs, bytes] of out) await writeFileAtomic(abs, bytes, { displayName: rel(ctx, abs) });
  return result;
}

/** Resolves NAME (an anchor in the config) or a literal recipient to the recipient string. */
function resolveName(name: string, L: Loaded, files: EncryptedFile[]): { id: string; type: RecipientType } {
  for (const [r, n] of L.config.recipientNames) if (n === name) return { id: r, type: recipientType(r) };
  const known = new Set(files.flatMap((f) => fileRefs(f).flat().map((r) => r.id)));
  const id = recipientType(name) === "pgp" ? name.replaceAll(" ", "") : name;
  if (known.has(id) || (L.config.creationRules ?? []).some((r) => r.keyGroups.some((g) => g.age.includes(id) || g.pgp.includes(id)))) return { id, type: recipientType(id) };
  throw new HushError("USAGE", `no recipient named ${name} in the config or in any encrypted file`, { file: L.path, hints: ["hush recipients lists the names"] });
}

/**
 * `hush recipients remove NAME`: removes the recipient from every creation rule and from every file
 * it could open, rotating each such file's data key (the holder may have kept the old one), and lists
 * the encrypted values (file, key path, last commit) to rotate at their source.
 * @throws HushError USAGE (unknown name), GENERIC (lock-out guard), NO_DECRYPTION_KEY
 */
export async function removeRecipient(ctx: FileCtx, name: string, o: ChangeOptions = {}): Promise<ChangeResult> {
  const L = load(ctx, o.configPath);
  const { files, git } = findEncryptedFiles(L.root);
  const { id, type } = resolveName(name, L, files);
  const edit = removeRecipientFromConfig(L.text, id, L.path);
  validated(edit.text, L.path);
  const key = `${type}:${id}`;
  const affected = files.filter((f) => groupsHolding(fileRefs(f), key).length > 0);
  const after = new Map(affected.map((f) => [f.path, fileRefs(f).map((g) => g.filter((r) => refKey(r) !== key))]));
  // admin names come from the config as it is now: removing alice's anchor must not hide that she was an admin
  const forced = guard(after, L, L.config.recipientNames, adminNames(L.text), o.force ?? false);
  const exposed = affected.flatMap((f) => {
    const last = git ? lastChange(L.root, f.path) : null;
    return encryptedKeyPaths(f.branches).map((keyPath) => ({ file: f.path, keyPath, lastChange: last }));
  });
  const result: ChangeResult = { name, recipient: id, config: rel(ctx, L.path), rules: edit.rules, files: affected.map((f) => ({ file: f.path, action: "rotate" })), dryRun: o.dryRun ?? false, forced, git, exposed };
  if (o.dryRun) return result;
  const rm = type === "age" ? { rmAge: [id] } : { rmPgp: [id] };
  const out: [string, Uint8Array][] = [];
  for (const f of affected) out.push([f.abs, await rotateFile(ctx, { file: f.abs, configPath: L.path, ...rm })]);
  if (edit.text !== L.text) await writeFileAtomic(L.path, edit.text);
  for (const [abs, bytes] of out) await writeFileAtomic(abs, bytes, { displayName: rel(ctx, abs) });
  return result;
}
