/**
 * Which keys, selector and options a new encryption uses: key flags and SOPS_* variables first,
 * else the first matching creation rule of `.sops.yaml` (cmd/sops/main.go getEncryptConfig).
 */
import { readFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { findConfig, loadConfig, matchCreationRule, formatProblem, type SopsConfig } from "../../config/index.js";
import type { KeyEntry, MasterKey } from "../../keys/master-key.js";
import type { Selector } from "../../stores/metadata.js";
import type { Store } from "../../stores/store.js";
import type { FileCtx } from "./context.js";
import { masterKeyFor } from "./keyring.js";

/** Key and selector flags of encrypt/edit. */
export interface PlanFlags {
  configPath?: string | undefined;
  age?: string | undefined;
  pgp?: string | undefined;
  otherKeyFlag?: string | undefined;
  selector?: Selector | undefined;
  macOnlyEncrypted?: boolean | undefined;
  shamirThreshold?: number | undefined;
  forUpdateKeys?: boolean | undefined;
}

export interface Plan {
  groups: MasterKey[][];
  threshold: number;
  selector: Selector | null;
  macOnlyEncrypted: boolean;
}

const splitList = (s: string | undefined): string[] => (s ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "");

interface LoadedConfig {
  path: string;
  config: SopsConfig;
}

/**
 * Parsed configs of this process by path, with the text they came from. A command asks for the config
 * more than once (the store's indent, then the creation rule), and a bulk run once or twice per file:
 * the same text is parsed once, and its warnings are printed once.
 */
const parsed = new Map<string, { text: string; result: ReturnType<typeof loadConfig> }>();

/** Finds and loads `.sops.yaml` (or --config / SOPS_CONFIG). Null when there is none. @throws HushError CONFIG */
export function loadConfigFor(ctx: FileCtx, configPath: string | undefined): LoadedConfig | null {
  const found = findConfig(ctx.cwd, ctx.env, configPath);
  if (found.path !== null && found.explicit) {
    try {
      readFileSync(found.path);
    } catch {
      throw new HushError("CONFIG", "error loading config: cannot read the config file", { file: found.displayPath ?? found.path });
    }
  }
  if (found.path === null) {
    for (const w of found.warnings) ctx.warn(w);
    return null;
  }
  let text: string;
  try {
    text = readFileSync(found.path, "utf8");
  } catch {
    throw new HushError("CONFIG", "error loading config: cannot read the file", { file: found.path });
  }
  let hit = parsed.get(found.path);
  if (hit === undefined || hit.text !== text) {
    hit = { text, result: loadConfig(text) };
    parsed.set(found.path, hit);
    for (const w of found.warnings) ctx.warn(w);
    for (const w of hit.result.warnings) ctx.warn(`${found.path}: ${w}`);
  }
  const r = hit.result;
  const fatal = r.errors.filter((p) => p.fatal !== false);
  if (fatal.length > 0)
    throw new HushError("CONFIG", `error loading config: ${formatProblem(fatal[0]!)}`, {
      file: found.path,
      ...(fatal[0]!.line === undefined ? {} : { line: fatal[0]!.line }),
      hints: fatal.slice(1).map(formatProblem),
    });
  return { path: found.path, config: r.config };
}

/** The indent the config's `stores:` section sets for a store (undefined = the store's default). */
export function storeIndent(ctx: FileCtx, store: Store, configPath: string | undefined): number | undefined {
  let c: LoadedConfig | null;
  try {
    c = loadConfigFor(ctx, configPath);
  } catch {
    return undefined;
  }
  if (c === null) return undefined;
  const s = c.config.stores;
  if (store.name === "yaml") return s.yamlIndent === 0 ? undefined : s.yamlIndent;
  if (store.name === "json") return s.jsonIndent;
  if (store.name === "binary") return s.jsonBinaryIndent;
  return undefined;
}

/**
 * Resolves the keys and options for encrypting `absFile`.
 * @throws HushError NO_MATCHING_RULE, NO_KEYS, CONFIG, CONFLICTING_PARAMETERS
 */
export async function resolvePlan(ctx: FileCtx, absFile: string, flags: PlanFlags, store: Store): Promise<Plan> {
  if (flags.otherKeyFlag !== undefined)
    throw new HushError("NO_KEYS", `${flags.otherKeyFlag} keys are not supported by hush yet`, { hints: ["use age or pgp recipients"] });
  const loaded = loadConfigFor(ctx, flags.configPath);
  const rules = loaded?.config.creationRules;
  const rule = loaded !== null && rules !== undefined ? matchCreationRule(loaded.config, loaded.path, absFile) : null;
  if (loaded !== null && rules !== undefined && rule === null)
    throw new HushError("NO_MATCHING_RULE", "error loading config: no matching creation rules found", {
      file: loaded.path,
      hints: [`no path_regex in ${loaded.path} matches ${absFile}`],
    });
  if (rule !== null && rule.problems.length > 0) throw new HushError("CONFIG", `error loading config: ${formatProblem(rule.problems[0]!)}`, { file: loaded!.path });
  const age = flags.forUpdateKeys ? undefined : flags.age ?? ctx.env.SOPS_AGE_RECIPIENTS;
  const pgp = flags.forUpdateKeys ? undefined : flags.pgp ?? ctx.env.SOPS_PGP_FP;
  let groups: MasterKey[][];
  if (splitList(age).length > 0 || splitList(pgp).length > 0) {
    groups = [[...splitList(age).map((r) => masterKeyFor(ctx, "age", r)), ...splitList(pgp).map((f) => masterKeyFor(ctx, "pgp", f.replace(/\s/g, "")))]];
  } else if (rule !== null && rule.keyGroups.some((g) => g.age.length + g.pgp.length > 0)) {
    groups = rule.keyGroups.map((g) => [...g.pgp.map((f) => masterKeyFor(ctx, "pgp", f)), ...g.age.map((r) => masterKeyFor(ctx, "age", r))]);
  } else if (rule !== null && rule.keyGroups.some((g) => g.kms.length + g.gcpKms.length + g.azureKeyvault.length + g.hcVault.length + g.hckms.length > 0)) {
    throw new HushError("NO_KEYS", "the matching creation rule names only cloud KMS or Vault keys, which hush does not support yet", { file: loaded!.path });
  } else if (rule !== null) {
    // sops: "Could not generate data key: [empty key group provided]"
    throw new HushError("NO_KEYS", "the matching creation rule names no keys (empty key group)", {
      file: loaded!.path,
      hints: ["add age recipients to the rule, or pass --age age1…"],
    });
  } else {
    throw new HushError("NO_KEYS", "config file not found, or has no creation rules, and no keys provided through command line options", {
      hints: ["pass --age age1… or add a creation rule with age recipients to .sops.yaml"],
    });
  }
  const selector = store.name === "binary" ? null : flags.selector ?? rule?.selectors[0] ?? { kind: "unencrypted_suffix", value: "_unencrypted" };
  const threshold = flags.shamirThreshold ?? rule?.shamirThreshold ?? 0;
  // sops 3.13.2 ignores selectors and mac_only_encrypted for the binary store (its one `data` value is always
  // encrypted) and writes no `mac_only_encrypted` key for it.
  const macOnlyEncrypted = store.name === "binary" ? false : flags.macOnlyEncrypted ?? rule?.macOnlyEncrypted ?? false;
  return { groups, threshold, selector, macOnlyEncrypted };
}

/** Master keys for an existing file's key groups, with rotate's --add-… and --rm-… flags applied to every group. */
export async function masterKeysForEntries(
  ctx: FileCtx,
  groups: readonly KeyEntry[][],
  change: { addAge: string[]; rmAge: string[]; addPgp: string[]; rmPgp: string[] },
): Promise<MasterKey[][]> {
  const rmAge = new Set(change.rmAge.flatMap((s) => splitList(s)));
  const rmPgp = new Set(change.rmPgp.flatMap((s) => splitList(s)));
  const out = groups.map((g) => {
    const keys: MasterKey[] = [];
    for (const e of g) {
      if (e.type === "age" && !rmAge.has(e.recipient)) keys.push(masterKeyFor(ctx, "age", e.recipient));
      else if (e.type === "pgp" && !rmPgp.has(e.fp)) keys.push(masterKeyFor(ctx, "pgp", e.fp));
      else if (e.type !== "age" && e.type !== "pgp") throw new HushError("NO_KEYS", `the file has ${e.type} keys, which hush cannot re-wrap yet`);
    }
    return keys;
  });
  if (out.length > 0) {
    const last = out[out.length - 1] as MasterKey[];
    for (const r of change.addAge.flatMap((s) => splitList(s))) last.push(masterKeyFor(ctx, "age", r));
    for (const f of change.addPgp.flatMap((s) => splitList(s))) last.push(masterKeyFor(ctx, "pgp", f));
  }
  return out;
}
