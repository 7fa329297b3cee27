/** `hush keygen [-o FILE]` and `hush keygen -y [FILE]`: age X25519 identities, as age-keygen writes them. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { generateX25519Identity, x25519RecipientOf } from "../../keys/age/index.js";
import { absPath, type FileCtx } from "../../workflows/files/context.js";
import { str, type Flags } from "../args.js";
import { writeStderr, writeStdout } from "../output.js";

function localRfc3339(d: Date): string {
  const off = -d.getTimezoneOffset();
  const pad = (n: number): string => String(Math.abs(Math.trunc(n))).padStart(2, "0");
  const zone = off === 0 ? "Z" : `${off > 0 ? "+" : "-"}${pad(off / 60)}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/** Runs keygen. An existing output file is appended to, never overwritten. */
export async function runKeygen(ctx: FileCtx, f: Flags, args: string[]): Promise<number> {
  if (f.yes === true) {
    const src = args[0];
    const text = src === undefined ? Buffer.from(await ctx.readStdin()).toString("utf8") : readFileSync(absPath(ctx, src), "utf8");
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
    if (lines.length === 0) throw new HushError("KEY_FORMAT", "no identities found", src === undefined ? {} : { file: src });
    for (const l of lines) writeStdout(x25519RecipientOf(l) + "\n");
    return 0;
  }
  const { identity, recipient } = generateX25519Identity();
  const text = `# created: ${localRfc3339(ctx.now())}\n# public key: ${recipient}\n${identity}\n`;
  const out = str(f, "out");
  if (out === undefined) {
    writeStdout(text);
    return 0;
  }
  const p = absPath(ctx, out);
  if (existsSync(p)) appendFileSync(p, text, { mode: 0o600 });
  else writeFileSync(p, text, { mode: 0o600, flag: "wx" });
  writeStderr(`Public key: ${recipient}`);
  return 0;
}
