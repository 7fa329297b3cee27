/** `encrypt`, `decrypt` and `rotate`: read one file (or stdin), write stdout, -i or --output. */
import { HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { decryptFile, encryptFile, rotateFile, type InputOptions, type PlanFlags } from "../../workflows/files/index.js";
import { int, list, selectorFlag, str, unsupportedKeyFlag, type Flags } from "../args.js";
import { checkIo, emit } from "./io.js";

/** The input options every file command shares. */
export function inputOptions(f: Flags, file: string | undefined): InputOptions {
  const o: InputOptions = {};
  if (file !== undefined) o.file = file;
  const set = (k: keyof InputOptions, v: string | undefined): void => {
    if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  };
  set("filenameOverride", str(f, "filename-override"));
  set("inputType", str(f, "input-type"));
  set("outputType", str(f, "output-type"));
  set("configPath", str(f, "config"));
  const indent = int(f, "indent");
  if (indent !== undefined) {
    if (indent < 0) throw new HushError("USAGE", "--indent must not be negative");
    o.indent = indent;
  }
  return o;
}

function decryptOptions(f: Flags, file: string | undefined): ReturnType<typeof inputOptions> & { ignoreMac: boolean; decryptionOrder?: string } {
  const order = str(f, "decryption-order");
  return { ...inputOptions(f, file), ignoreMac: f["ignore-mac"] === true, ...(order === undefined ? {} : { decryptionOrder: order }) };
}

/** Runs `decrypt`. */
export async function runDecrypt(ctx: FileCtx, f: Flags, file: string | undefined): Promise<number> {
  checkIo(ctx, f, file);
  const extract = str(f, "extract");
  const bytes = await decryptFile(ctx, { ...decryptOptions(f, file), ...(extract === undefined ? {} : { extract }) });
  await emit(ctx, f, file, bytes);
  return 0;
}

/** The key and selector flags of commands that may create a file (encrypt, edit). */
export function planFlags(f: Flags): PlanFlags {
  return {
    age: str(f, "age"),
    pgp: str(f, "pgp"),
    otherKeyFlag: unsupportedKeyFlag(f),
    selector: selectorFlag(f),
    macOnlyEncrypted: f["mac-only-encrypted"] === true ? true : undefined,
    shamirThreshold: int(f, "shamir-secret-sharing-threshold"),
  };
}

/** Runs `encrypt`. */
export async function runEncrypt(ctx: FileCtx, f: Flags, file: string | undefined): Promise<number> {
  checkIo(ctx, f, file);
  const bytes = await encryptFile(ctx, {
    ...inputOptions(f, file),
    ...planFlags(f),
  });
  await emit(ctx, f, file, bytes);
  return 0;
}

/**
 * Runs `rotate`. `legacy` is sops's `-r` form, which refuses a missing file up front (exit 100); the
 * `rotate` command reports it while reading (exit 2), as sops does.
 */
export async function runRotate(ctx: FileCtx, f: Flags, file: string | undefined, legacy = false): Promise<number> {
  checkIo(ctx, f, file, legacy);
  const bytes = await rotateFile(ctx, {
    ...decryptOptions(f, file),
    addAge: list(f, "add-age"),
    rmAge: list(f, "rm-age"),
    addPgp: list(f, "add-pgp"),
    rmPgp: list(f, "rm-pgp"),
  });
  await emit(ctx, f, file, bytes);
  return 0;
}
