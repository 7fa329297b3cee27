/**
 * Secret files → environment variables, with sops's exec-env rules (cmd/sops/main.go, "exec-env"):
 * only the first document's top-level entries are used; comments are skipped; a nested map or list is an
 * error (sops: "cannot use complex value in environment"), as is a key containing `=`; a non-string
 * scalar becomes text with sops's ValToString (`12`, `true`, `1.5`, `5.0`). Several files merge in order,
 * a later file's key replacing an earlier one's.
 */
import { HushError } from "../../errors.js";
import { Comment, isList, isMap } from "../../tree/index.js";
import { valToString } from "../../tree/go-format.js";
import { open, type FileCtx } from "../files/index.js";

/** One variable taken from a secret file. */
export interface SecretVar {
  name: string;
  value: string;
  /** The file it came from, as the user named it. */
  file: string;
  /** True for a string (or bytes) value; numbers, booleans, null and times are not masked by `run`. */
  textual: boolean;
}

/** A replaced variable: `name` from `file` replaced the one from `over`. Names only, never values. */
export interface Override {
  name: string;
  file: string;
  over: string;
}

/** Options for decrypting the secret files. */
export interface SecretFileOptions {
  decryptionOrder?: string;
  inputType?: string;
  ignoreMac?: boolean;
}

const keyPath = (k: string): string => `[${JSON.stringify(k)}]`;

/**
 * Decrypts one file (MAC verified) and returns its top-level values as variables, in file order.
 * @throws HushError from decryption, or GENERIC for a nested value, a key with `=` or a value with a NUL byte.
 */
export async function loadSecretVars(ctx: FileCtx, file: string, o: SecretFileOptions = {}): Promise<SecretVar[]> {
  const { doc } = await open(ctx, {
    file,
    ...(o.decryptionOrder === undefined ? {} : { decryptionOrder: o.decryptionOrder }),
    ...(o.inputType === undefined ? {} : { inputType: o.inputType }),
    ...(o.ignoreMac === undefined ? {} : { ignoreMac: o.ignoreMac }),
  });
  const out: SecretVar[] = [];
  const branch = doc.branches[0];
  if (branch === undefined) return out;
  for (const item of branch.items) {
    if (item instanceof Comment) continue;
    const { key, value } = item;
    if (isMap(value) || isList(value)) {
      throw new HushError("GENERIC", "cannot use a nested value in the environment", {
        file,
        keyPath: keyPath(key),
        hints: ["only top-level scalar values become variables, as in sops exec-env; move the value to the top level or use exec-file"],
      });
    }
    if (key.includes("=")) throw new HushError("GENERIC", "cannot use a key with '=' in the environment", { file, keyPath: keyPath(key) });
    if (key === "" || key.includes("\0")) throw new HushError("GENERIC", "cannot use an empty key or a key with a NUL byte in the environment", { file, keyPath: keyPath(key) });
    const text = valToString(value);
    if (text.includes("\0")) throw new HushError("GENERIC", "cannot put a value with a NUL byte in the environment", { file, keyPath: keyPath(key) });
    out.push({ name: key, value: text, file, textual: typeof value === "string" || value instanceof Uint8Array });
  }
  return out;
}

/**
 * Decrypts `files` in order and merges their variables (later wins).
 * @returns the merged variables (first-seen order), every variable loaded (overridden ones too: all are
 * masked), and the overrides by name.
 */
export async function loadSecretEnv(ctx: FileCtx, files: readonly string[], o: SecretFileOptions = {}): Promise<{ vars: SecretVar[]; all: SecretVar[]; overrides: Override[] }> {
  const merged = new Map<string, SecretVar>();
  const all: SecretVar[] = [];
  const overrides: Override[] = [];
  for (const file of files) {
    for (const v of await loadSecretVars(ctx, file, o)) {
      all.push(v);
      const prev = merged.get(v.name);
      if (prev !== undefined) overrides.push({ name: v.name, file: v.file, over: prev.file });
      merged.set(v.name, v);
    }
  }
  return { vars: [...merged.values()], all, overrides };
}
