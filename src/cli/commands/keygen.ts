/** `hush keygen [-o FILE]` and `hush keygen -y [FILE]`. */
import { readFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { absPath, type FileCtx } from "../../workflows/files/index.js";
import { newIdentityText, recipientsOf, writeIdentityFile } from "../../workflows/keys/keygen.js";
import { str, type Flags } from "../args.js";
import { writeStderr, writeStdout } from "../output.js";

function readIdentityFile(ctx: FileCtx, src: string): string {
  try {
    return readFileSync(absPath(ctx, src), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unknown error";
    // age-keygen -y exits 1 for an input file it cannot open
    throw new HushError("GENERIC", `failed to open input file: ${code}`, { file: src });
  }
}

/** Runs keygen. */
export async function runKeygen(ctx: FileCtx, f: Flags, args: string[]): Promise<number> {
  if (f.yes === true) {
    const src = args[0];
    const text = src === undefined ? Buffer.from(await ctx.readStdin()).toString("utf8") : readIdentityFile(ctx, src);
    for (const r of recipientsOf(text, src ?? "<stdin>")) writeStdout(r + "\n");
    return 0;
  }
  const { text, recipient } = newIdentityText(ctx.now());
  const out = str(f, "out");
  if (out === undefined) {
    writeStdout(text);
    return 0;
  }
  const warning = writeIdentityFile(absPath(ctx, out), text);
  if (warning !== null) ctx.warn(warning);
  writeStderr(`Public key: ${recipient}`);
  return 0;
}
