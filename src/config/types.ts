/**
 * Plain data shapes of a parsed `.sops.yaml` (spec 8). Config never builds keys: recipients stay
 * strings and the engine turns them into master keys (STYLE: config does not import keys).
 */

/** One problem in a config file, always with a dot-path such as `creation_rules[2].age`. */
export interface ConfigProblem {
  /** Dot-path of the offending node (`""` for the whole document). */
  path: string;
  /** Lowercase one-line description; never contains a secret. */
  message: string;
  /** 1-based position of the node, when known. */
  line?: number;
  col?: number;
  /**
   * `false` for problems sops only reports when the rule concerned is used for a file (they are also
   * on {@link CreationRule.problems}); absent or `true` for problems that make sops reject the whole
   * file when loading it.
   */
  fatal?: boolean;
}

/** The six selectors of spec 4, with their `.sops.yaml` / metadata spelling. */
export type SelectorKind =
  | "unencrypted_suffix"
  | "encrypted_suffix"
  | "unencrypted_regex"
  | "encrypted_regex"
  | "unencrypted_comment_regex"
  | "encrypted_comment_regex";

export const SELECTOR_KINDS: readonly SelectorKind[] = [
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
];

export interface Selector {
  kind: SelectorKind;
  value: string;
}

/** An AWS KMS key as configured (form A strings become `{ arn }`, `arn` possibly holding `arn+role`). */
export interface KmsKeySpec {
  arn: string;
  role?: string;
  context?: Record<string, string>;
  awsProfile?: string;
}

/** An Azure Key Vault key: a URL (form A) or the three fields of a key group entry. */
export type AzureKeySpec = string | { vaultUrl: string; key: string; version: string };

/** One key group as recipient strings per type, in sops's order within each type. */
export interface KeyGroupSpec {
  age: string[];
  /** Fingerprints with spaces removed (sops NewMasterKeyFromFingerprint). */
  pgp: string[];
  kms: KmsKeySpec[];
  gcpKms: string[];
  azureKeyvault: AzureKeySpec[];
  hcVault: string[];
  hckms: string[];
}

/** A normalized `creation_rules[i]` entry. */
export interface CreationRule {
  /** Position in `creation_rules`. */
  index: number;
  /** `undefined` or `""`: the rule matches every path. */
  pathRegex: string | undefined;
  /**
   * The rule's key groups: form B (`key_groups`) when non-empty, else one group built from the
   * rule's flat keys (form A), which may be empty.
   */
  keyGroups: KeyGroupSpec[];
  /** `shamir_threshold`, 0 when absent. */
  shamirThreshold: number;
  /** Every selector set (non-empty) on the rule, in the schema's order; more than one is an error. */
  selectors: Selector[];
  macOnlyEncrypted: boolean;
  /**
   * Problems sops only reports when this rule is the one used (a wrong key-field type, an invalid
   * `path_regex`, more than one selector). They are also in the load result's `errors`.
   */
  problems: ConfigProblem[];
  line?: number;
}

/** Per-store output options (`stores:`). */
export interface StoresConfig {
  /** 0 = the store's default (4). */
  yamlIndent: number;
  /** -1 = TAB (sops's default). */
  jsonIndent: number;
  jsonBinaryIndent: number;
}

export interface SopsConfig {
  stores: StoresConfig;
  /** `undefined` when the file has no (or a null) `creation_rules`: sops then treats it as no config. */
  creationRules: CreationRule[] | undefined;
  /** Number of `destination_rules` (parsed and otherwise ignored: `sops publish` is not supported). */
  destinationRuleCount: number;
  /** Recipient (age recipient or pgp fingerprint) → YAML anchor name (`- &alice age1…`). */
  recipientNames: Map<string, string>;
}

/** What {@link loadConfig} returns: the config as sops would use it, and everything wrong with it. */
export interface ConfigLoadResult {
  config: SopsConfig;
  errors: ConfigProblem[];
  warnings: string[];
}

/** Formats a problem as `creation_rules[2].age: message`. */
export function formatProblem(p: ConfigProblem): string {
  return p.path === "" ? p.message : `${p.path}: ${p.message}`;
}
