/**
 * `.sops.yaml` text → {@link SopsConfig} (spec 8.2), collecting every problem with its dot-path.
 *
 * Behaviour matches sops's `config/config.go`: unknown keys are ignored (hush warns about each), a
 * missing `path_regex` matches everything, `key_groups` wins over the flat keys when non-empty, and
 * form-A key fields accept a comma-separated string or a list. Problems sops reports while loading
 * (YAML syntax, wrong types of typed fields) and problems sops reports only when the rule is used
 * (form-A field types, invalid regex, two selectors) all go into `errors`; the second kind is also
 * kept on the rule so matching can fail exactly where sops fails.
 */

import type * as YamlLib from "yaml";
import type { Document, LineCounter, Node, Pair } from "yaml";
import { compileRe2, Re2SyntaxError } from "./re2.js";
import { SELECTOR_KINDS } from "./types.js";
import type {
  AzureKeySpec,
  ConfigLoadResult,
  ConfigProblem,
  CreationRule,
  KeyGroupSpec,
  KmsKeySpec,
  Selector,
  SopsConfig,
  StoresConfig,
} from "./types.js";
import { yaml } from "../deps.js";

// the `yaml` package is loaded on first use (src/deps.ts): most runs read no .sops.yaml
const isAlias = ((node: unknown) => yaml().isAlias(node)) as typeof YamlLib.isAlias;
const isMap = ((node: unknown) => yaml().isMap(node)) as typeof YamlLib.isMap;
const isScalar = ((node: unknown) => yaml().isScalar(node)) as typeof YamlLib.isScalar;
const isSeq = ((node: unknown) => yaml().isSeq(node)) as typeof YamlLib.isSeq;

type Entry = { key: string; value: Node | null; keyNode: Node | null };

// `hush:` is hush's own section (hush.admins, read by `hush recipients`); sops ignores unknown top-level keys.
const TOP_KEYS = ["creation_rules", "destination_rules", "stores", "hush"];
const RULE_KEYS = [
  "path_regex",
  "kms",
  "aws_profile",
  "age",
  "pgp",
  "gcp_kms",
  "hckms",
  "azure_keyvault",
  "hc_vault_transit_uri",
  "key_groups",
  "shamir_threshold",
  ...SELECTOR_KINDS,
  "mac_only_encrypted",
];
const GROUP_KEYS = ["merge", "kms", "gcp_kms", "hckms", "azure_keyvault", "hc_vault", "age", "pgp"];
const DEST_KEYS = [
  "path_regex",
  "s3_bucket",
  "s3_prefix",
  "gcs_bucket",
  "gcs_prefix",
  "vault_path",
  "vault_address",
  "vault_kv_mount_name",
  "vault_kv_version",
  "recreation_rule",
  "omit_extensions",
];

function kindOf(node: Node | null): string {
  if (node === null) return "null";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "null";
    if (typeof v === "string") return "a string";
    if (typeof v === "boolean") return "a boolean";
    if (typeof v === "number" || typeof v === "bigint") return Number.isInteger(Number(v)) ? "an integer" : "a float";
  }
  return "an unsupported value";
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

class Loader {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: string[] = [];
  readonly names = new Map<string, string>();
  private readonly doc: Document;
  private readonly lc: LineCounter;

  constructor(doc: Document, lc: LineCounter) {
    this.doc = doc;
    this.lc = lc;
  }

  pos(node: Node | null): { line?: number; col?: number } {
    const off = node?.range?.[0];
    if (off === undefined) return {};
    const p = this.lc.linePos(off);
    return { line: p.line, col: p.col };
  }

  /** Records a problem; with a `sink` (a rule's lazy list) it is one sops only reports on use. */
  problem(path: string, node: Node | null, message: string, sink?: ConfigProblem[]): void {
    const p: ConfigProblem = { path, message, ...this.pos(node), ...(sink ? { fatal: false } : {}) };
    this.errors.push(p);
    sink?.push(p);
  }

  resolve(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let depth = 0; n && isAlias(n) && depth < 100; depth++) n = n.resolve(this.doc) as Node | undefined;
    return n ?? null;
  }

  isNull(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /** A mapping's entries with `<<` merge keys expanded (yaml.v3 honours them); null for a null node. */
  entries(node: Node | null, path: string, allowed: readonly string[] | null): Entry[] | null {
    if (this.isNull(node)) return null;
    if (!isMap(node)) {
      this.problem(path, node, `expected a mapping, got ${kindOf(node)}`);
      return null;
    }
    const out: Entry[] = [];
    const seen = new Set<string>();
    const add = (pairs: readonly Pair[], merged: boolean): void => {
      for (const pair of pairs) {
        const keyNode = this.resolve(pair.key);
        const key = isScalar(keyNode) ? String(keyNode.value) : "";
        if (key === "<<" && !merged) {
          const src = this.resolve(pair.value);
          const sources = isSeq(src) ? src.items.map((i) => this.resolve(i)) : [src];
          for (const s of sources) if (isMap(s)) add(s.items as Pair[], true);
          continue;
        }
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ key, value: this.resolve(pair.value), keyNode });
      }
    };
    add(node.items as Pair[], false);
    for (const e of out) {
      if (allowed !== null && !allowed.includes(e.key)) {
        const near = allowed.find((a) => editDistance(a, e.key) <= 2);
        const sub = path === "" ? e.key : `${path}.${e.key}`;
        this.warnings.push(`${sub}: unknown key, ignored as sops does${near ? ` (did you mean "${near}"?)` : ""}`);
      }
    }
    return out;
  }

  list(node: Node | null, path: string): (Node | null)[] | null {
    if (this.isNull(node)) return null;
    if (!isSeq(node)) {
      this.problem(path, node, `expected a list, got ${kindOf(node)}`);
      return null;
    }
    return node.items.map((i) => this.resolve(i));
  }

  /** A Go `string` field: any scalar is taken as written; null is absent. */
  str(node: Node | null, path: string, sink?: ConfigProblem[]): string | undefined {
    if (this.isNull(node)) return undefined;
    if (!isScalar(node)) {
      this.problem(path, node, `expected a string, got ${kindOf(node)}`, sink);
      return undefined;
    }
    return typeof node.value === "string" ? node.value : (node.source ?? String(node.value));
  }

  int(node: Node | null, path: string): number {
    if (this.isNull(node)) return 0;
    if (isScalar(node) && (typeof node.value === "number" || typeof node.value === "bigint") && Number.isInteger(Number(node.value))) {
      return Number(node.value);
    }
    this.problem(path, node, `expected an integer, got ${kindOf(node)}`);
    return 0;
  }

  bool(node: Node | null, path: string): boolean {
    if (this.isNull(node)) return false;
    if (isScalar(node)) {
      if (typeof node.value === "boolean") return node.value;
      // yaml.v3 still accepts the YAML 1.1 spellings when the target is a bool.
      if (typeof node.value === "string") {
        if (/^(y|Y|yes|Yes|YES|on|On|ON)$/.test(node.value)) return true;
        if (/^(n|N|no|No|NO|off|Off|OFF)$/.test(node.value)) return false;
      }
    }
    this.problem(path, node, `expected a boolean, got ${kindOf(node)}`);
    return false;
  }

  /** Remembers `&name` anchors on recipient scalars. */
  name(node: Node | null, recipients: readonly string[]): void {
    const anchor = node && isScalar(node) ? node.anchor : undefined;
    if (anchor) for (const r of recipients) this.names.set(r, anchor);
  }

  /** A `[]string` field (key_groups entries, hckms): list of scalars only. */
  strList(node: Node | null, path: string): { node: Node | null; value: string }[] {
    const items = this.list(node, path);
    if (!items) return [];
    const out: { node: Node | null; value: string }[] = [];
    items.forEach((item, i) => {
      const v = this.str(item, `${path}[${i}]`);
      out.push({ node: item, value: v ?? "" });
    });
    return out;
  }

  /**
   * A form-A field typed `interface{}` in sops: a comma-separated string (split, trimmed, empties
   * dropped) or a list of strings. A wrong type is only an error when the rule is used.
   */
  keyField(node: Node | null, path: string, sink: ConfigProblem[]): { node: Node | null; value: string }[] {
    if (this.isNull(node)) return [];
    if (isScalar(node)) {
      if (typeof node.value !== "string") {
        this.problem(path, node, `expected a string or a list of strings, got ${kindOf(node)}`, sink);
        return [];
      }
      return node.value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .map((value) => ({ node, value }));
    }
    if (isSeq(node)) {
      const out: { node: Node | null; value: string }[] = [];
      node.items.forEach((raw, i) => {
        const item = this.resolve(raw);
        if (!isScalar(item) || typeof item.value !== "string") {
          this.problem(`${path}[${i}]`, item, `expected a string, got ${kindOf(item)}`, sink);
          return;
        }
        out.push({ node: item, value: item.value });
      });
      return out;
    }
    this.problem(path, node, `expected a string or a list of strings, got ${kindOf(node)}`, sink);
    return [];
  }
}

function emptyGroup(): KeyGroupSpec {
  return { age: [], pgp: [], kms: [], gcpKms: [], azureKeyvault: [], hcVault: [], hckms: [] };
}

/** age entries may hold several comma-separated recipients, each trimmed (age.MasterKeysFromRecipients). */
function ageRecipients(L: Loader, items: { node: Node | null; value: string }[], path: string, sink: ConfigProblem[]): string[] {
  const out: string[] = [];
  for (const { node, value } of items) {
    if (value === "") continue;
    const rs = value.split(",").map((s) => s.trim());
    if (rs.some((r) => r === "")) L.problem(path, node, "empty age recipient in a comma-separated list", sink);
    const ok = rs.filter((r) => r !== "");
    L.name(node, ok);
    out.push(...ok);
  }
  return out;
}

function pgpFingerprints(L: Loader, items: { node: Node | null; value: string }[], split: boolean): string[] {
  const out: string[] = [];
  for (const { node, value } of items) {
    const fps = (split ? value.split(",") : [value]).map((s) => s.replaceAll(" ", ""));
    L.name(node, fps);
    out.push(...fps);
  }
  return out;
}

function dedupe(g: KeyGroupSpec): KeyGroupSpec {
  const uniq = <T>(xs: T[]): T[] => {
    const seen = new Set<string>();
    return xs.filter((x) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  return {
    age: uniq(g.age),
    pgp: uniq(g.pgp),
    kms: uniq(g.kms),
    gcpKms: uniq(g.gcpKms),
    azureKeyvault: uniq(g.azureKeyvault),
    hcVault: uniq(g.hcVault),
    hckms: uniq(g.hckms),
  };
}

function keyGroup(L: Loader, node: Node | null, path: string, sink: ConfigProblem[], depth: number): KeyGroupSpec {
  const g = emptyGroup();
  const es = L.entries(node, path, GROUP_KEYS) ?? [];
  const get = (k: string): Node | null => es.find((e) => e.key === k)?.value ?? null;
  const merge = L.list(get("merge"), `${path}.merge`) ?? [];
  merge.forEach((m, i) => {
    if (depth > 50) return L.problem(`${path}.merge[${i}]`, m, "merge nesting is too deep");
    const sub = keyGroup(L, m, `${path}.merge[${i}]`, sink, depth + 1);
    for (const k of Object.keys(g) as (keyof KeyGroupSpec)[]) (g[k] as unknown[]).push(...sub[k]);
  });
  g.age.push(...ageRecipients(L, L.strList(get("age"), `${path}.age`), `${path}.age`, sink));
  g.pgp.push(...pgpFingerprints(L, L.strList(get("pgp"), `${path}.pgp`), false));
  (L.list(get("kms"), `${path}.kms`) ?? []).forEach((k, i) => {
    const p = `${path}.kms[${i}]`;
    const ke = L.entries(k, p, ["arn", "role", "context", "aws_profile"]) ?? [];
    const f = (n: string): Node | null => ke.find((e) => e.key === n)?.value ?? null;
    const spec: KmsKeySpec = { arn: L.str(f("arn"), `${p}.arn`) ?? "" };
    const role = L.str(f("role"), `${p}.role`);
    if (role) spec.role = role;
    const ctxEntries = L.entries(f("context"), `${p}.context`, null);
    if (ctxEntries && ctxEntries.length > 0) {
      spec.context = {};
      for (const e of ctxEntries) spec.context[e.key] = L.str(e.value, `${p}.context.${e.key}`) ?? "";
    }
    const profile = L.str(f("aws_profile"), `${p}.aws_profile`);
    if (profile) spec.awsProfile = profile;
    g.kms.push(spec);
  });
  (L.list(get("gcp_kms"), `${path}.gcp_kms`) ?? []).forEach((k, i) => {
    const ke = L.entries(k, `${path}.gcp_kms[${i}]`, ["resource_id"]) ?? [];
    g.gcpKms.push(L.str(ke.find((e) => e.key === "resource_id")?.value ?? null, `${path}.gcp_kms[${i}].resource_id`) ?? "");
  });
  (L.list(get("hckms"), `${path}.hckms`) ?? []).forEach((k, i) => {
    const ke = L.entries(k, `${path}.hckms[${i}]`, ["key_id"]) ?? [];
    g.hckms.push(L.str(ke.find((e) => e.key === "key_id")?.value ?? null, `${path}.hckms[${i}].key_id`) ?? "");
  });
  (L.list(get("azure_keyvault"), `${path}.azure_keyvault`) ?? []).forEach((k, i) => {
    const p = `${path}.azure_keyvault[${i}]`;
    const ke = L.entries(k, p, ["vaultUrl", "key", "version"]) ?? [];
    const f = (n: string): string => L.str(ke.find((e) => e.key === n)?.value ?? null, `${p}.${n}`) ?? "";
    g.azureKeyvault.push({ vaultUrl: f("vaultUrl"), key: f("key"), version: f("version") });
  });
  g.hcVault.push(...L.strList(get("hc_vault"), `${path}.hc_vault`).map((x) => x.value));
  return dedupe(g);
}

function creationRule(L: Loader, node: Node | null, index: number, path: string): CreationRule {
  const problems: ConfigProblem[] = [];
  const es = L.entries(node, path, RULE_KEYS) ?? [];
  const get = (k: string): Node | null => es.find((e) => e.key === k)?.value ?? null;
  const pathRegex = L.str(get("path_regex"), `${path}.path_regex`);
  if (pathRegex) {
    try {
      compileRe2(pathRegex);
    } catch (e) {
      if (!(e instanceof Re2SyntaxError)) throw e;
      L.problem(`${path}.path_regex`, get("path_regex"), `can not compile regexp: ${e.message}`, problems);
    }
  }

  // Form B; parsed even when empty so its type errors are reported.
  const groupNodes = L.list(get("key_groups"), `${path}.key_groups`) ?? [];
  const groupsB = groupNodes.map((g, i) => keyGroup(L, g, `${path}.key_groups[${i}]`, problems, 0));

  // Form A.
  const a = emptyGroup();
  a.age = ageRecipients(L, L.keyField(get("age"), `${path}.age`, problems), `${path}.age`, problems);
  a.pgp = pgpFingerprints(L, L.keyField(get("pgp"), `${path}.pgp`, problems), true);
  const awsProfile = L.str(get("aws_profile"), `${path}.aws_profile`);
  a.kms = L.keyField(get("kms"), `${path}.kms`, problems).map(({ value }) => ({ arn: value, ...(awsProfile ? { awsProfile } : {}) }));
  a.gcpKms = L.keyField(get("gcp_kms"), `${path}.gcp_kms`, problems).map((x) => x.value);
  a.hckms = L.strList(get("hckms"), `${path}.hckms`).map((x) => x.value);
  a.azureKeyvault = L.keyField(get("azure_keyvault"), `${path}.azure_keyvault`, problems).map((x): AzureKeySpec => x.value);
  a.hcVault = L.keyField(get("hc_vault_transit_uri"), `${path}.hc_vault_transit_uri`, problems).map((x) => x.value);

  const selectors: Selector[] = [];
  for (const kind of SELECTOR_KINDS) {
    const v = L.str(get(kind), `${path}.${kind}`);
    if (v) selectors.push({ kind, value: v });
  }
  if (selectors.length > 1) {
    L.problem(
      path,
      node,
      "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex for the same rule",
      problems,
    );
  }
  for (const s of selectors) {
    if (!s.kind.endsWith("_regex")) continue;
    try {
      compileRe2(s.value);
    } catch (e) {
      if (!(e instanceof Re2SyntaxError)) throw e;
      // sops compiles selector regexes only when encrypting; report it here, where the dot-path is known.
      L.problem(`${path}.${s.kind}`, get(s.kind), e.message, problems);
    }
  }

  return {
    index,
    pathRegex,
    keyGroups: groupsB.length > 0 ? groupsB : [a],
    shamirThreshold: L.int(get("shamir_threshold"), `${path}.shamir_threshold`),
    selectors,
    macOnlyEncrypted: L.bool(get("mac_only_encrypted"), `${path}.mac_only_encrypted`),
    problems,
    ...L.pos(node),
  };
}

/**
 * Parses, normalizes and validates the text of a `.sops.yaml`. Never throws for bad input: every
 * problem is returned in `errors` (with its dot-path and line) and every ignored key in `warnings`.
 * The returned `config` is what sops would use, as far as it could be read.
 */
export function loadConfig(text: string): ConfigLoadResult {
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: true, prettyErrors: false });
  const L = new Loader(doc, lc);
  const stores: StoresConfig = { yamlIndent: 0, jsonIndent: -1, jsonBinaryIndent: -1 };
  const config: SopsConfig = { stores, creationRules: undefined, destinationRuleCount: 0, recipientNames: L.names };
  for (const e of doc.errors) {
    const p = e.linePos?.[0];
    L.errors.push({ path: "", message: `could not parse config file: ${e.message.split("\n")[0]!.toLowerCase()}`, ...(p ? { line: p.line, col: p.col } : {}) });
  }
  if (doc.errors.length > 0) return { config, errors: L.errors, warnings: L.warnings };

  const top = L.entries(L.resolve(doc.contents), "", TOP_KEYS) ?? [];
  const get = (k: string): Node | null => top.find((e) => e.key === k)?.value ?? null;

  const st = L.entries(get("stores"), "stores", ["yaml", "json", "json_binary", "dotenv", "ini"]) ?? [];
  const indent = (name: string): number | undefined => {
    const s = st.find((e) => e.key === name);
    if (!s) return undefined;
    const es = L.entries(s.value, `stores.${name}`, name === "dotenv" || name === "ini" ? [] : ["indent"]) ?? [];
    const n = es.find((e) => e.key === "indent");
    return n ? L.int(n.value, `stores.${name}.indent`) : undefined;
  };
  stores.yamlIndent = indent("yaml") ?? 0;
  stores.jsonIndent = indent("json") ?? -1;
  stores.jsonBinaryIndent = indent("json_binary") ?? -1;
  indent("dotenv");
  indent("ini");

  const rulesNode = get("creation_rules");
  const rules = L.list(rulesNode, "creation_rules");
  if (rules) {
    config.creationRules = rules.map((r, i) => creationRule(L, r, i, `creation_rules[${i}]`));
    const catchAll = config.creationRules.findIndex((r) => !r.pathRegex);
    if (catchAll !== -1 && catchAll < config.creationRules.length - 1) {
      L.warnings.push(`creation_rules[${catchAll + 1}]: unreachable, creation_rules[${catchAll}] has no path_regex and matches every file first`);
    }
  }

  const dests = L.list(get("destination_rules"), "destination_rules") ?? [];
  config.destinationRuleCount = dests.length;
  dests.forEach((d, i) => {
    const es = L.entries(d, `destination_rules[${i}]`, DEST_KEYS) ?? [];
    const rr = es.find((e) => e.key === "recreation_rule");
    if (rr) creationRule(L, rr.value, -1, `destination_rules[${i}].recreation_rule`);
  });

  const at = (p: ConfigProblem): number => (p.line ?? 0) * 1e6 + (p.col ?? 0);
  return { config, errors: L.errors.sort((a, b) => at(a) - at(b)), warnings: L.warnings };
}
