/** `set`, `unset`, `edit`, `updatekeys` and `filestatus`: commands that work on a file in place. */
import { existsSync, readFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { editFile } from "../../workflows/edit/edit.js";
import { absPath, type FileCtx } from "../../workflows/files/index.js";
import { fileStatus, setValue, unsetValue, updateKeys } from "../../workflows/files/index.js";
import { int, type Flags } from "../args.js";
import { writeStdout } from "../output.js";
import { inputOptions, planFlags } from "./crypt.js";

function need(file: string | undefined): string {
  if (file === undefined) throw new HushError("NO_FILE", "no file specified");
  return file;
}

/** Runs `set FILE PATH [VALUE]` (value from the argument, --value-file or --value-stdin). */
export async function runSet(ctx: FileCtx, f: Flags, args: string[]): Promise<number> {
  const file = need(args[0]);
  const path = args[1];
  if (path === undefined) throw new HushError("INVALID_SET_FORMAT", "set needs a FILE, an index and a value");
  let value: string;
  if (f["value-stdin"] === true) value = Buffer.from(await ctx.readStdin()).toString("utf8");
  else if (f["value-file"] === true) value = readFileSync(absPath(ctx, need(args[2])), "utf8");
  else if (args[2] !== undefined) value = args[2];
  else throw new HushError("INVALID_SET_FORMAT", "set needs a value (or --value-file / --value-stdin)");
  const bytes = await setValue(ctx, { ...inputOptions(f, file), file, ignoreMac: f["ignore-mac"] === true }, path, value, f.idempotent === true);
  if (bytes !== null) await writeFileAtomic(absPath(ctx, file), bytes);
  return 0;
}

/** Runs `unset FILE PATH`. */
export async function runUnset(ctx: FileCtx, f: Flags, args: string[]): Promise<number> {
  const file = need(args[0]);
  const path = args[1];
  if (path === undefined) throw new HushError("INVALID_SET_FORMAT", "unset needs a FILE and an index");
  const bytes = await unsetValue(ctx, { ...inputOptions(f, file), file, ignoreMac: f["ignore-mac"] === true }, path, f.idempotent === true);
  if (bytes !== null) await writeFileAtomic(absPath(ctx, file), bytes);
  return 0;
}

/** Runs `edit FILE`. */
export async function runEdit(ctx: FileCtx, f: Flags, file: string | undefined): Promise<number> {
  const name = need(file);
  if (f["show-master-keys"] === true) throw new HushError("USAGE", "--show-master-keys is not supported by hush");
  const bytes = await editFile(ctx, {
    ...inputOptions(f, name),
    file: name,
    ignoreMac: f["ignore-mac"] === true,
    ...planFlags(f),
  });
  await writeFileAtomic(absPath(ctx, name), bytes);
  return 0;
}

/** Runs `updatekeys FILE…`. */
export async function runUpdateKeys(ctx: FileCtx, f: Flags, files: string[]): Promise<number> {
  if (files.length === 0) throw new HushError("NO_FILE", "no file specified");
  for (const file of files) {
    // sops's updatekeys fails on a missing file with a plain error (exit 1)
    if (!existsSync(absPath(ctx, file))) throw new HushError("GENERIC", "error reading file: no such file or directory", { file });
    const threshold = int(f, "shamir-secret-sharing-threshold");
    const bytes = await updateKeys(ctx, { ...inputOptions(f, file), file, ...(threshold === undefined ? {} : { shamirThreshold: threshold }) }, async (summary) => {
      writeStdout(`The following changes will be made to the file's groups:\n${summary.join("\n")}\n`);
      if (f.yes === true) return true;
      for (;;) {
        const a = await ctx.prompt("Is this okay? (y/n):");
        if (a === null) throw new HushError("USAGE", "updatekeys needs confirmation: answer on a terminal or pass -y");
        if (a.trim() === "y") return true;
        if (a.trim() === "n") return false;
      }
    });
    if (bytes === null) ctx.warn(`file ${file} already up to date`);
    else {
      await writeFileAtomic(absPath(ctx, file), bytes);
      ctx.warn(`file ${file} synced with new keys`);
    }
  }
  return 0;
}

/** Runs `filestatus FILE`. */
export async function runFileStatus(ctx: FileCtx, f: Flags, file: string | undefined): Promise<number> {
  const name = need(file);
  // no existence check here: sops reports a missing file through filestatus's own error (exit 1, not 100)
  writeStdout(fileStatus(ctx, { ...inputOptions(f, name), file: name }));
  return 0;
}
