/**
 * `hush export FILE... [--format F] [--extract PATH] [--prefix P] [--upper] [--flatten-separator S] [--skip-invalid] [-o OUT]`:
 * the plaintext in a format another program reads (see src/workflows/export/formats.ts for each format's rules).
 */
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import { exportFiles, isExportFormat, EXPORT_FORMATS } from "../../workflows/export/index.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { absPath, type FileCtx } from "../../workflows/files/index.js";
import { writeStdout } from "../output.js";

function parse(args: readonly string[]): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/\.$/, "").toLowerCase(), { hints: ["see hush --help"] });
  }
}

const OPTIONS = {
  format: { type: "string", short: "f" },
  extract: { type: "string" },
  prefix: { type: "string" },
  upper: { type: "boolean" },
  "flatten-separator": { type: "string" },
  "skip-invalid": { type: "boolean" },
  output: { type: "string", short: "o" },
} as const;

/** Runs `hush export` with the arguments after the command name. */
export async function runExport(ctx: FileCtx, args: readonly string[]): Promise<number> {
  const { values: v, positionals } = parse(args);
  const format = v.format ?? "dotenv";
  if (!isExportFormat(format)) {
    throw new HushError("USAGE", `unknown export format ${JSON.stringify(format)}`, { hints: [`formats: ${EXPORT_FORMATS.join(", ")}`] });
  }
  const out = await exportFiles(ctx, {
    files: positionals,
    format,
    ...(v.extract === undefined ? {} : { extract: v.extract }),
    ...(v.prefix === undefined ? {} : { prefix: v.prefix }),
    ...(v.upper === undefined ? {} : { upper: v.upper }),
    ...(v["flatten-separator"] === undefined ? {} : { separator: v["flatten-separator"] }),
    ...(v["skip-invalid"] === undefined ? {} : { skipInvalid: v["skip-invalid"] }),
  });
  if (v.output === undefined) writeStdout(out);
  // a new file is 0600 (a shell redirect would make it 0644 under the usual umask); an existing one keeps its mode
  else await writeFileAtomic(absPath(ctx, v.output), out, { mode: 0o600, displayName: v.output });
  return 0;
}
