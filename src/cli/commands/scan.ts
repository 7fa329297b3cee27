/**
 * `hush scan [PATH…] [--git [RANGE]] [--format text|json|sarif] [--baseline FILE]
 * [--write-baseline FILE] [--config hush.yaml] [--no-progress]`.
 * Exit 0 when clean, 1 (SECRETS_FOUND) when something is found, 2 (SCAN_ERROR) when the scan
 * could not run: every usage, config and read error of this command is raised as SCAN_ERROR so
 * that 1 always means "found".
 */
import { parseArgs } from "node:util";
import { dirname, relative, resolve, sep } from "node:path";
import { EXIT_CODES, HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { HUSH_VERSION, type FileCtx } from "../../workflows/files/index.js";
import { formatBaseline, loadScanConfig, withBaselineFile } from "../../workflows/scan/index.js";
import { scanPaths } from "../../workflows/scan/files.js";
import { scanGit } from "../../workflows/scan/git.js";
import { formatJson, formatSarif, formatText, type ReportFormat } from "../../workflows/scan/report.js";
import { writeStderr, writeStderrRaw, writeStdout } from "../output.js";

const FORMATS: readonly ReportFormat[] = ["text", "json", "sarif"];

const SCAN_USAGE = `Usage: hush scan [PATH...] [--git [RANGE]] [--format text|json|sarif] [--baseline FILE]
                 [--write-baseline FILE] [--config hush.yaml] [--no-progress]

Finds plaintext secrets in files (default: the current directory's repository files) or, with --git,
in every line added to git history (every ref, or RANGE such as main..feature).
Exit status: 0 nothing found, 1 secrets found, 2 the scan could not run. Rules and policies: docs/scan.md

  --git [RANGE]           scan history instead of files
  -f, --format FORMAT     text (default: file:line:col rule redacted fingerprint), json or sarif
  --baseline FILE         do not report findings recorded in FILE (file + fingerprint)
  --write-baseline FILE   record every current finding in FILE and exit 0
  --config FILE           the hush.yaml to read (default: found from the current directory up)
  --no-progress           no progress bar on the terminal
`;

function parse(args: readonly string[]): { help: boolean; git: boolean; rest: string[]; format: ReportFormat; baseline?: string; writeBaseline?: string; config?: string; progress: boolean } {
  // --git takes an optional range: `--git=RANGE` becomes `--git RANGE`; a bare --git's range is the positionals
  const argv = args.flatMap((a) => (a.startsWith("--git=") ? ["--git", a.slice(6)] : [a]));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        git: { type: "boolean" },
        format: { type: "string", short: "f" },
        baseline: { type: "string" },
        "write-baseline": { type: "string" },
        config: { type: "string" },
        "no-progress": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new HushError("SCAN_ERROR", (e as Error).message.split("\n")[0]?.replace(/\.$/, "") ?? "bad arguments", { hints: ["usage: hush scan [PATH…] [--git [RANGE]] [--format text|json|sarif] [--baseline FILE] [--write-baseline FILE] [--config hush.yaml] [--no-progress]"] });
  }
  const v = parsed.values;
  const format = (v.format ?? "text") as ReportFormat;
  if (!FORMATS.includes(format)) throw new HushError("SCAN_ERROR", `unknown --format "${v.format}"`, { hints: ["use text, json or sarif"] });
  return {
    help: v.help === true,
    git: v.git === true,
    rest: parsed.positionals,
    format,
    ...(v.baseline === undefined ? {} : { baseline: v.baseline }),
    ...(v["write-baseline"] === undefined ? {} : { writeBaseline: v["write-baseline"] }),
    ...(v.config === undefined ? {} : { config: v.config }),
    progress: v["no-progress"] !== true,
  };
}

/** A redrawn `scan [####....] done/total commits` line on a terminal; nothing otherwise. */
function progressBar(enabled: boolean, unit: string): { update: (done: number, total: number) => void; end: () => void } {
  let drawn = false;
  let last = 0;
  return {
    update(done, total) {
      if (!enabled || total === 0) return;
      const now = Date.now();
      if (done !== total && now - last < 100) return;
      last = now;
      const width = 30;
      const fill = Math.round((done / total) * width);
      writeStderrRaw(`\r\x1b[2Kscan [${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total} ${unit}`);
      drawn = true;
    },
    end() {
      if (drawn) writeStderrRaw("\r\x1b[2K");
      drawn = false;
    },
  };
}

/** Runs `hush scan` with the arguments after the command name. */
export async function runScan(ctx: FileCtx, args: readonly string[]): Promise<number> {
  try {
    return await scan(ctx, args);
  } catch (e) {
    // usage, config and read errors exit 2: 1 is reserved for "secrets found"
    if (e instanceof HushError && e.code !== "SCAN_ERROR" && e.code !== "INTERRUPTED") {
      throw new HushError("SCAN_ERROR", e.message, { ...(e.file === undefined ? {} : { file: e.file }), ...(e.line === undefined ? {} : { line: e.line }), hints: e.hints, cause: e });
    }
    throw e;
  }
}

async function scan(ctx: FileCtx, args: readonly string[]): Promise<number> {
  const o = parse(args);
  if (o.help) {
    writeStdout(SCAN_USAGE);
    return 0;
  }
  let config = loadScanConfig(ctx.cwd, o.config);
  if (o.baseline !== undefined) config = withBaselineFile(config, resolve(ctx.cwd, o.baseline), o.baseline);
  if (o.writeBaseline !== undefined) config = { ...config, baseline: new Set() }; // a new baseline lists everything found now
  const bar = progressBar(o.progress && process.stderr.isTTY === true, o.git ? "commits" : "files");
  let findings;
  // the directory the findings' paths are relative to
  let base = resolve(ctx.cwd);
  try {
    if (o.git) {
      const g = await scanGit(ctx.cwd, o.rest, config, bar.update);
      findings = g.findings;
      base = g.root;
    } else {
      const r = scanPaths(ctx.cwd, o.rest, config, bar.update);
      findings = r.findings;
      bar.end();
      for (const f of r.tooLarge) ctx.warn(`${f}: skipped, larger than scan.max_file_size (${config.maxFileSize} bytes)`);
    }
  } finally {
    bar.end();
  }
  if (o.writeBaseline !== undefined) {
    const path = resolve(ctx.cwd, o.writeBaseline);
    // paths relative to the baseline's own directory, so it works from wherever hush scan runs next
    const rel = (f: string): string => relative(dirname(path), resolve(base, f)).split(sep).join("/");
    await writeFileAtomic(path, formatBaseline(findings.map((f) => ({ file: rel(f.file), ruleId: f.ruleId, fingerprint: f.fingerprint }))));
    writeStderr(`hush: wrote ${findings.length} finding${findings.length === 1 ? "" : "s"} to ${relative(ctx.cwd, path) || o.writeBaseline}`);
    return 0;
  }
  if (o.format === "json") writeStdout(formatJson(findings));
  else if (o.format === "sarif") writeStdout(formatSarif(findings, config.rules, HUSH_VERSION));
  else writeStdout(formatText(findings));
  return findings.length > 0 ? EXIT_CODES.SECRETS_FOUND : 0;
}
