/**
 * `hush validate`: every encrypted file decrypts with the identities at hand (MAC verified) and holds
 * a data key for exactly the recipients its creation rule names now (drift: missing / extra per group).
 * Nothing is written; no value is ever returned.
 */
import { readEncrypted } from "../../engine/index.js";
import { HushError } from "../../errors.js";
import { keyEntryId } from "../../keys/master-key.js";
import { absPath, open, pickStore, readUserFile, resolvePlan, type FileCtx } from "../files/index.js";
import { DEFAULT_CONCURRENCY } from "./bulk.js";
import { runPool } from "./pool.js";
import { findRepoEncryptedFiles } from "./select.js";

/** Recipients that differ from the rule in one key group (1-based, as sops's summaries number them). */
export interface GroupDrift {
  group: number;
  /** Named by the rule, absent from the file. */
  missing: string[];
  /** In the file, not named by the rule. */
  extra: string[];
}

/** The verdict on one file. */
export interface ValidateResult {
  file: string;
  /** Null when the file decrypted and its MAC matched; else why not. */
  decryptError: HushError | null;
  /** False when no creation rule matches the file (drift then cannot be judged). */
  ruled: boolean;
  /** A rule problem that stopped the drift check (e.g. a rule naming only cloud KMS keys). */
  ruleError: HushError | null;
  drift: GroupDrift[];
  /** True when it decrypts and has no drift (a file no rule matches is ok when it decrypts). */
  ok: boolean;
}

const bare = (id: string): string => id.replace(/^\w+:/, "");

/** Drift between the key groups a file holds and those a rule names (ids as `type:id`). */
export function keyGroupDrift(have: readonly (readonly string[])[], want: readonly (readonly string[])[]): GroupDrift[] {
  const out: GroupDrift[] = [];
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const h = have[i] ?? [];
    const w = want[i] ?? [];
    const missing = w.filter((x) => !h.includes(x)).map(bare);
    const extra = h.filter((x) => !w.includes(x)).map(bare);
    if (missing.length + extra.length > 0) out.push({ group: i + 1, missing, extra });
  }
  return out;
}

async function validateOne(ctx: FileCtx, file: string, configPath: string | undefined): Promise<ValidateResult> {
  const r: ValidateResult = { file, decryptError: null, ruled: true, ruleError: null, drift: [], ok: false };
  const store = pickStore(file, undefined);
  try {
    await open(ctx, { file, ...(configPath === undefined ? {} : { configPath }) });
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    r.decryptError = e;
  }
  let have: string[][] = [];
  try {
    have = readEncrypted(readUserFile(ctx, file), store, file).metadata.keyGroups.map((g) => g.map(keyEntryId));
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    r.decryptError ??= e;
    r.ruled = false;
    return r;
  }
  try {
    const plan = await resolvePlan(ctx, absPath(ctx, file), { configPath, forUpdateKeys: true }, store);
    r.drift = keyGroupDrift(have, plan.groups.map((g) => g.map((k) => `${k.type}:${k.id}`)));
  } catch (e) {
    if (!(e instanceof HushError)) throw e;
    if (e.code === "NO_MATCHING_RULE" || (e.code === "NO_KEYS" && e.file === undefined)) r.ruled = false;
    else r.ruleError = e;
  }
  r.ok = r.decryptError === null && r.ruleError === null && r.drift.length === 0;
  return r;
}

/**
 * Validates the given files, or with none every sops-encrypted file of the repository.
 * @throws HushError CONFIG for a malformed .sops.yaml, NO_FILE when there is no encrypted file at all
 */
export async function validateFiles(
  ctx: FileCtx,
  paths: readonly string[],
  o: { configPath?: string | undefined; onResult?: (r: ValidateResult, done: number, total: number) => void } = {},
): Promise<ValidateResult[]> {
  const files = paths.length > 0 ? [...paths] : findRepoEncryptedFiles(ctx, o.configPath).map((f) => f.path);
  if (files.length === 0) throw new HushError("NO_FILE", "no sops-encrypted file found", { hints: ["name the files to validate: hush validate FILE…"] });
  let done = 0;
  const out = await runPool(
    files,
    async (file) => {
      const r = await validateOne(ctx, file, o.configPath);
      o.onResult?.(r, ++done, files.length);
      return r;
    },
    { concurrency: DEFAULT_CONCURRENCY },
  );
  return out.filter((r): r is ValidateResult => r !== undefined);
}
