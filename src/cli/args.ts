/**
 * Command-line flags, named and shaped as sops's (urfave/cli) so `alias sops=hush` works.
 * node:util parseArgs does the parsing; this file only declares the flags and reads them back.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HushError } from "../errors.js";
import type { Selector } from "../stores/metadata.js";

const S = { type: "string" } as const;
const B = { type: "boolean" } as const;
const M = { type: "string", multiple: true } as const;

export const OPTIONS: ParseArgsConfig["options"] & Record<string, unknown> = {
  // modes (legacy form) and global flags
  encrypt: { ...B, short: "e" },
  decrypt: { ...B, short: "d" },
  rotate: { ...B, short: "r" },
  set: S,
  version: { ...B, short: "v" },
  help: { ...B, short: "h" },
  config: S,
  indent: S,
  verbose: B,
  "disable-version-check": B,
  "check-for-updates": B,
  "enable-local-keyservice": B,
  keyservice: M,
  // input/output
  "in-place": { ...B, short: "i" },
  output: S,
  "input-type": S,
  "output-type": S,
  "filename-override": S,
  extract: S,
  "ignore-mac": B,
  "decryption-order": S,
  // keys
  age: { ...S, short: "a" },
  pgp: { ...S, short: "p" },
  kms: { ...S, short: "k" },
  "aws-profile": S,
  "gcp-kms": S,
  hckms: S,
  "azure-kv": S,
  "hc-vault-transit": S,
  "encryption-context": S,
  "shamir-secret-sharing-threshold": S,
  "add-age": M,
  "rm-age": M,
  "add-pgp": M,
  "rm-pgp": M,
  // selectors
  "unencrypted-suffix": S,
  "encrypted-suffix": S,
  "unencrypted-regex": S,
  "encrypted-regex": S,
  "unencrypted-comment-regex": S,
  "encrypted-comment-regex": S,
  "mac-only-encrypted": B,
  // set/unset/updatekeys/edit/keygen
  "value-file": B,
  "value-stdin": B,
  idempotent: B,
  yes: { ...B, short: "y" },
  "show-master-keys": { ...B, short: "s" },
  out: { ...S, short: "o" },
  // recipients
  json: B,
  rule: M,
  "dry-run": B,
  force: B,
  compromised: B,
  // bulk updatekeys/rotate
  all: B,
} satisfies ParseArgsConfig["options"];

export type Flags = Partial<Record<keyof typeof OPTIONS, string | boolean | string[]>>;

/** Parses argv into flags and positionals. @throws HushError USAGE for unknown flags */
export function parseFlags(argv: string[]): { flags: Flags; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { flags: r.values as Flags, positionals: r.positionals };
  } catch (e) {
    throw new HushError("USAGE", `incorrect usage: ${(e as Error).message.split("\n")[0]}`, { hints: ["run hush --help for the list of commands and flags"] });
  }
}

/** A string flag's value. */
export function str(f: Flags, k: keyof typeof OPTIONS): string | undefined {
  const v = f[k];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable flag's values. */
export function list(f: Flags, k: keyof typeof OPTIONS): string[] {
  const v = f[k];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

/** An integer flag. @throws HushError USAGE */
export function int(f: Flags, k: keyof typeof OPTIONS): number | undefined {
  const v = str(f, k);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new HushError("USAGE", `--${k} must be an integer`);
  return Number(v);
}

const SELECTOR_FLAGS = [
  ["unencrypted-suffix", "unencrypted_suffix"],
  ["encrypted-suffix", "encrypted_suffix"],
  ["unencrypted-regex", "unencrypted_regex"],
  ["encrypted-regex", "encrypted_regex"],
  ["unencrypted-comment-regex", "unencrypted_comment_regex"],
  ["encrypted-comment-regex", "encrypted_comment_regex"],
] as const;

/** The selector flag, if one was given. @throws HushError CONFLICTING_PARAMETERS for more than one (sops exit 8) */
export function selectorFlag(f: Flags): Selector | undefined {
  const set = SELECTOR_FLAGS.filter(([flag]) => str(f, flag) !== undefined && str(f, flag) !== "");
  if (set.length > 1)
    throw new HushError("CONFLICTING_PARAMETERS", "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex");
  const first = set[0];
  return first === undefined ? undefined : { kind: first[1], value: str(f, first[0]) as string };
}

/** The key flag hush does not support yet, if one was given. */
export function unsupportedKeyFlag(f: Flags): string | undefined {
  for (const k of ["kms", "gcp-kms", "hckms", "azure-kv", "hc-vault-transit"] as const) if (str(f, k)) return `--${k}`;
  return undefined;
}
