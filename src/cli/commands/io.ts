/** Where a command's result goes: stdout, the input file (-i), or --output (cmd/sops/main.go). */
import { existsSync } from "node:fs";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { absPath, type FileCtx } from "../../workflows/files/index.js";
import { str, type Flags } from "../args.js";
import { writeStdout } from "../output.js";

/** Checks the output flags and that the input exists before any work. @throws HushError CONFLICTING_PARAMETERS, NO_FILE */
export function checkIo(ctx: FileCtx, f: Flags, file: string | undefined, mustExist = true): void {
  if (f["in-place"] === true && str(f, "output") !== undefined)
    throw new HushError("CONFLICTING_PARAMETERS", "cannot operate on both --output and --in-place");
  if (file === undefined && f["in-place"] === true) throw new HushError("CONFLICTING_PARAMETERS", "cannot use --in-place when reading from stdin");
  if (mustExist && file !== undefined && !existsSync(absPath(ctx, file)))
    throw new HushError("NO_FILE", `cannot operate on non-existent file`, { file });
}

/** Writes the result where the flags say; writes to files are atomic and keep the file's mode. */
export async function emit(ctx: FileCtx, f: Flags, file: string | undefined, bytes: Uint8Array): Promise<void> {
  const out = str(f, "output");
  if (f["in-place"] === true && file !== undefined) await writeFileAtomic(absPath(ctx, file), bytes);
  else if (out !== undefined) await writeFileAtomic(absPath(ctx, out), bytes);
  else writeStdout(bytes);
}
