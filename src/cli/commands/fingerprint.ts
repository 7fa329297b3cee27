/**
 * `hush fingerprint FILE [KEYPATH] [--stdin [--strip-newline]]`: keyed fingerprints of values (never the
 * values). Without --stdin: `<fingerprint>  <key path>` per leaf. With --stdin: the fingerprint of the
 * bytes read, under FILE's key; with a KEYPATH too, says whether they match the file's value (exit 0) or
 * not (exit 1).
 */
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { fingerprintFile } from "../../workflows/fingerprint/index.js";
import { writeStderr, writeStdout } from "../output.js";

const OPTIONS = {
  stdin: { type: "boolean" },
  "strip-newline": { type: "boolean", short: "n" },
} as const;

/** Runs `hush fingerprint` with the arguments after the command name. */
export async function runFingerprint(ctx: FileCtx, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/\.$/, "").toLowerCase(), { hints: ["usage: hush fingerprint FILE [KEYPATH] [--stdin [-n]]"] });
  }
  const { values: v, positionals } = parsed;
  const [file, keyPath, ...rest] = positionals;
  if (file === undefined) throw new HushError("NO_FILE", "no file specified");
  if (rest.length > 0) throw new HushError("USAGE", "too many arguments", { hints: ["usage: hush fingerprint FILE [KEYPATH] [--stdin [-n]]"] });
  if (v["strip-newline"] === true && v.stdin !== true) throw new HushError("USAGE", "--strip-newline only applies to --stdin");
  let value: Uint8Array | undefined;
  if (v.stdin === true) {
    value = await ctx.readStdin();
    if (v["strip-newline"] === true) {
      const s = Buffer.from(value);
      const cut = s.length >= 2 && s[s.length - 2] === 13 && s[s.length - 1] === 10 ? 2 : s.length >= 1 && s[s.length - 1] === 10 ? 1 : 0;
      value = value.subarray(0, value.length - cut);
    }
  }
  const r = await fingerprintFile(ctx, { file, ...(keyPath === undefined ? {} : { keyPath }), ...(value === undefined ? {} : { value }) });
  if (r.given === undefined) {
    writeStdout(r.lines.map((l) => `${l.fingerprint}  ${l.keyPath}\n`).join(""));
    return 0;
  }
  writeStdout(`${r.given}\n`);
  if (r.matches === undefined) return 0;
  if (r.matches) {
    writeStderr(`hush: fingerprint: stdin matches ${file} ${keyPath}`);
    return 0;
  }
  writeStderr(`hush: fingerprint: stdin differs from ${file} ${keyPath} (${r.lines[0]?.fingerprint})`);
  return 1;
}
