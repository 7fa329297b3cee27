/** `hush audit-history [--format text|json]`: secret-named files ever committed unencrypted, on any ref. */
import { parseArgs } from "node:util";
import { EXIT_CODES, HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { auditHistory } from "../../workflows/guard/index.js";
import { writeStderr, writeStdout } from "../output.js";

/** Runs the audit: exit 0 when nothing was found, 1 when something was (listed on stdout). */
export async function runAuditHistory(ctx: FileCtx, argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { format: { type: "string", default: "text" } }, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new HushError("USAGE", `audit-history: ${(e as Error).message.split("\n")[0]!.toLowerCase()}`);
  }
  const format = values.format as string;
  if (format !== "text" && format !== "json") throw new HushError("USAGE", `audit-history: unknown --format ${JSON.stringify(format)} (text or json)`);
  const r = auditHistory(ctx);
  if (format === "json") {
    writeStdout(JSON.stringify({ commits: r.commits, blobs: r.blobs, findings: r.findings }, null, 2) + "\n");
  } else {
    for (const f of r.findings) writeStdout(`${f.commit.slice(0, 12)}  ${f.date}  ${f.author}  ${f.change === "added" ? "added   " : "modified"}  ${f.path}\n`);
    const paths = new Set(r.findings.map((f) => f.path)).size;
    if (r.findings.length === 0)
      writeStderr(`hush: audit-history: no secret-named file was ever committed unencrypted (${r.commits} commits, ${r.blobs} secret-named file versions checked)`);
    else {
      const commits = new Set(r.findings.map((f) => f.commit)).size;
      writeStderr(`hush: audit-history: ${commits} commit${commits === 1 ? "" : "s"} put unencrypted content into ${paths} secret-named path${paths === 1 ? "" : "s"} (of ${r.commits} commits)`);
      writeStderr("hush: hint: treat those secrets as leaked: rotate them at their source; rewriting history (git filter-repo) does not unpublish clones");
      writeStderr("hush: hint: a false alarm (not a secret)? add the name to hush.yaml audit.ignore");
    }
  }
  return r.findings.length === 0 ? 0 : EXIT_CODES.UNENCRYPTED_IN_HISTORY;
}
