/**
 * Every environment variable hush reads, named once (sops keeps its names in age/keysource.go and
 * cmd/sops/main.go; these are the same strings so `alias sops=hush` keeps working).
 */

/** age identities inline, one or more per line (sops 3.13). */
export const SOPS_AGE_KEY = "SOPS_AGE_KEY";
/** Path of an age identity file. */
export const SOPS_AGE_KEY_FILE = "SOPS_AGE_KEY_FILE";
/** Command (shlex-split, no shell) whose stdout is an age identity file. */
export const SOPS_AGE_KEY_CMD = "SOPS_AGE_KEY_CMD";
/** Set *for* SOPS_AGE_KEY_CMD / SOPS_AGE_SSH_PRIVATE_KEY_CMD: the recipient being decrypted. */
export const SOPS_AGE_RECIPIENT = "SOPS_AGE_RECIPIENT";
/** Path of an OpenSSH private key used as an age identity. */
export const SOPS_AGE_SSH_PRIVATE_KEY_FILE = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";
/** Command (shlex-split, no shell) whose stdout is an OpenSSH private key. */
export const SOPS_AGE_SSH_PRIVATE_KEY_CMD = "SOPS_AGE_SSH_PRIVATE_KEY_CMD";
/** Comma-separated age recipients: the env form of `--age`. */
export const SOPS_AGE_RECIPIENTS = "SOPS_AGE_RECIPIENTS";
/** Comma-separated PGP fingerprints: the env form of `--pgp`. */
export const SOPS_PGP_FP = "SOPS_PGP_FP";
/** The gpg binary to run instead of `gpg`. */
export const SOPS_GPG_EXEC = "SOPS_GPG_EXEC";
/** gpg's home directory (read by gpg itself; passed through). */
export const GNUPGHOME = "GNUPGHOME";
export const SOPS_KMS_ARN = "SOPS_KMS_ARN";
export const SOPS_GCP_KMS_IDS = "SOPS_GCP_KMS_IDS";
export const SOPS_AZURE_KEYVAULT_URLS = "SOPS_AZURE_KEYVAULT_URLS";
export const SOPS_VAULT_URIS = "SOPS_VAULT_URIS";
export const SOPS_HUAWEICLOUD_KMS_IDS = "SOPS_HUAWEICLOUD_KMS_IDS";
/** Explicit path of the `.sops.yaml` config file. */
export const SOPS_CONFIG = "SOPS_CONFIG";
/** Editor command for `edit`, tried before EDITOR. */
export const SOPS_EDITOR = "SOPS_EDITOR";
export const EDITOR = "EDITOR";
/** Comma-separated key types to try first when decrypting (e.g. `age,pgp`). */
export const SOPS_DECRYPTION_ORDER = "SOPS_DECRYPTION_ORDER";
export const SOPS_ENABLE_LOCAL_KEYSERVICE = "SOPS_ENABLE_LOCAL_KEYSERVICE";
export const SOPS_KEYSERVICE = "SOPS_KEYSERVICE";
export const SOPS_DISABLE_VERSION_CHECK = "SOPS_DISABLE_VERSION_CHECK";
/** Base of the user config dir on Unix (Go os.UserConfigDir); also honoured on macOS by sops's age key lookup. */
export const XDG_CONFIG_HOME = "XDG_CONFIG_HOME";
export const HOME = "HOME";
/** Windows config base (Go os.UserConfigDir). */
export const APPDATA = "AppData";
/** Windows home (Go os.UserHomeDir). */
export const USERPROFILE = "USERPROFILE";

/**
 * `1` switches on the test-only hooks below. Without it HUSH_TEST_NOW and HUSH_TEST_SEED are
 * ignored, so a stray variable in a user's shell can never make hush's output predictable.
 */
export const HUSH_TEST_MODE = "HUSH_TEST_MODE";
/** Test mode only: an RFC 3339 time that `now()` returns (fixes `lastmodified` and so the MAC). */
export const HUSH_TEST_NOW = "HUSH_TEST_NOW";
/** Test mode only: a seed string; `randomBytes()` then returns a deterministic SHA-256 counter stream. */
export const HUSH_TEST_SEED = "HUSH_TEST_SEED";

/** Every SOPS_* name above (for scrubbing a test environment or `--pristine` style filtering). */
export const SOPS_ENV_NAMES: readonly string[] = [
  SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, SOPS_AGE_RECIPIENT, SOPS_AGE_SSH_PRIVATE_KEY_FILE,
  SOPS_AGE_SSH_PRIVATE_KEY_CMD, SOPS_AGE_RECIPIENTS, SOPS_PGP_FP, SOPS_GPG_EXEC, SOPS_KMS_ARN,
  SOPS_GCP_KMS_IDS, SOPS_AZURE_KEYVAULT_URLS, SOPS_VAULT_URIS, SOPS_HUAWEICLOUD_KMS_IDS, SOPS_CONFIG,
  SOPS_EDITOR, SOPS_DECRYPTION_ORDER, SOPS_ENABLE_LOCAL_KEYSERVICE, SOPS_KEYSERVICE, SOPS_DISABLE_VERSION_CHECK,
];

/** An environment as hush sees it: a plain name → value map (process.env has this shape). */
export type Env = Readonly<Record<string, string | undefined>>;

/** True when the test-only hooks are switched on in `env`. */
export function isTestMode(env: Env): boolean {
  return env[HUSH_TEST_MODE] === "1";
}
