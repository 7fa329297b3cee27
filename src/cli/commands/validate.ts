/** `hush validate [PATH…]`: decryptable (MAC verified) and recipients as the creation rule names them now. */
import { HushError } from "../../errors.js";
import { validateFiles, type ValidateResult } from "../../workflows/bulk/index.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { str, type Flags } from "../args.js";
import { writeStdout } from "../output.js";

/** The report lines for one file (stdout): `ok FILE`, `FAIL FILE: …` and indented details. */
export function validateLines(r: ValidateResult): string[] {
  const lines: string[] = [];
  const problems: string[] = [];
  if (r.decryptError !== null) problems.push(`does not decrypt: ${r.decryptError.message}`);
  if (r.ruleError !== null) problems.push(`creation rule: ${r.ruleError.message}`);
  for (const d of r.drift) {
    for (const m of d.missing) problems.push(`group ${d.group}: missing ${m} (the rule names it, the file has no data key for it)`);
    for (const x of d.extra) problems.push(`group ${d.group}: extra ${x} (the file has a data key for it, the rule does not name it)`);
  }
  if (problems.length > 0) lines.push(`FAIL ${r.file}`, ...problems.map((p) => `    ${p}`));
  else lines.push(`ok   ${r.file}`);
  if (!r.ruled) lines.push(`    no creation rule matches (recipients not checked)`);
  return lines;
}

/** Runs `validate`. Exit 0 when every file is ok, else the exit code of the first decrypt error (or 1 for drift). */
export async function runValidate(ctx: FileCtx, f: Flags, paths: string[]): Promise<number> {
  const results = await validateFiles(ctx, paths, { configPath: str(f, "config") });
  for (const r of results) writeStdout(validateLines(r).join("\n") + "\n");
  const failed = results.filter((r) => !r.ok);
  const unruled = results.filter((r) => !r.ruled).length;
  const drift = results.filter((r) => r.drift.length > 0).length;
  const undecryptable = results.filter((r) => r.decryptError !== null).length;
  writeStdout(
    `${results.length} file${results.length === 1 ? "" : "s"}: ${results.length - failed.length} ok, ${failed.length} failed (${undecryptable} not decryptable, ${drift} with recipient drift), ${unruled} without a creation rule\n`,
  );
  if (failed.length === 0) return 0;
  const first = results.find((r) => r.decryptError !== null)?.decryptError;
  if (first !== undefined && first !== null) return first.exitCode;
  const rule = results.find((r) => r.ruleError !== null)?.ruleError;
  return rule instanceof HushError ? rule.exitCode : 1;
}

