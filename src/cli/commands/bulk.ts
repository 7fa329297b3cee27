/**
 * `updatekeys` and `rotate -i` over several files or `--all`: one process, files in parallel (bounded),
 * each written by temp+rename. A progress bar on a terminal (stderr), plain lines otherwise; failures
 * are reported per file and the others still run. Ctrl-C stops starting new files; those in flight
 * are finished and written whole.
 */
import { HushError } from "../../errors.js";
import { bulkRotate, bulkUpdateKeys, selectTargets, type BulkResult } from "../../workflows/bulk/index.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { int, list, str, type Flags } from "../args.js";
import { renderError, writeStderr, writeStderrRaw, writeStdout } from "../output.js";
import { inputOptions } from "./crypt.js";

/** True when the command should take the bulk path: more than one file, or --all. */
export function isBulk(f: Flags, files: readonly string[]): boolean {
  return f.all === true || files.length > 1;
}

/** Progress on stderr: a redrawn bar on a terminal, one line per file otherwise. */
export function progressReporter(verb: string, tty: boolean): { onResult: (r: BulkResult, done: number, total: number) => void; end: () => void } {
  let drawn = false;
  const clear = (): void => {
    if (drawn) writeStderrRaw("\r\x1b[2K");
    drawn = false;
  };
  return {
    onResult(r, done, total) {
      if (r.status === "failed") {
        clear();
        writeStderr(r.error instanceof HushError ? renderError(r.error.file === undefined ? r.error.withFile(r.file) : r.error) : `hush: error: ${r.file}: ${String((r.error as Error)?.message ?? r.error)}`);
      } else if (!tty) writeStderr(`hush: ${verb === "rotate" && r.status === "updated" ? "rotated" : r.status} ${r.file}`);
      if (tty) {
        const width = 30;
        const fill = Math.round((done / total) * width);
        writeStderrRaw(`\r\x1b[2K${verb} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total}`);
        drawn = true;
      }
    },
    end: clear,
  };
}

function summaryLine(verb: string, results: readonly BulkResult[], total: number): string {
  const n = (s: BulkResult["status"]): number => results.filter((r) => r.status === s).length;
  const parts = verb === "rotate" ? [`${n("updated")} rotated`, `${n("failed")} failed`] : [`${n("updated")} updated`, `${n("unchanged")} up to date`, `${n("failed")} failed`];
  if (results.length < total) parts.push(`${total - results.length} not started (interrupted)`);
  return `hush: ${verb}: ${total} file${total === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

function exitCodeOf(results: readonly BulkResult[], total: number): number {
  const failed = results.find((r) => r.status === "failed");
  if (failed !== undefined) return failed.error instanceof HushError ? failed.error.exitCode : 1;
  return results.length < total ? 130 : 0;
}

/** Stops scheduling on SIGINT/SIGTERM while a bulk run is going; in-flight files finish. */
function interruptible<T>(run: (stopped: () => boolean) => Promise<T>): Promise<T> {
  let stop = false;
  const onSignal = (): void => {
    if (stop) process.exit(130); // a second Ctrl-C: every file already written is whole (temp+rename)
    stop = true;
    writeStderr("\nhush: interrupted: finishing the files in progress (Ctrl-C again to quit now)");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return run(() => stop).finally(() => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  });
}

/** Runs `updatekeys` over several files or --all. Without -y the changes are shown and confirmed once. */
export async function runBulkUpdateKeys(ctx: FileCtx, f: Flags, paths: string[]): Promise<number> {
  const opts = inputOptions(f, undefined);
  const files = selectTargets(ctx, { paths, all: f.all === true, configPath: str(f, "config") });
  const threshold = int(f, "shamir-secret-sharing-threshold");
  const o = { ...opts, ...(threshold === undefined ? {} : { shamirThreshold: threshold }) };
  if (f.yes !== true) {
    const plan = await bulkUpdateKeys(ctx, files, { ...o, dryRun: true });
    const changing = plan.filter((r) => r.status === "changes");
    for (const r of changing) writeStdout(`The following changes will be made to the file's groups of ${r.file}:\n${(r.summary ?? []).join("\n")}\n`);
    for (const r of plan) if (r.status === "failed") progressReporter("updatekeys", false).onResult(r, 0, 0);
    if (changing.length === 0) {
      writeStderr(summaryLine("updatekeys", plan.map((r) => (r.status === "changes" ? { ...r, status: "unchanged" } : r)), files.length));
      return exitCodeOf(plan, files.length);
    }
    for (;;) {
      const a = await ctx.prompt(`Update ${changing.length} file${changing.length === 1 ? "" : "s"}? (y/n):`);
      if (a === null) throw new HushError("USAGE", "updatekeys needs confirmation: answer on a terminal or pass -y");
      if (a.trim() === "n") return 0;
      if (a.trim() === "y") break;
    }
  }
  const progress = progressReporter("updatekeys", process.stderr.isTTY === true);
  const results = await interruptible((stopped) => bulkUpdateKeys(ctx, files, o, { onResult: progress.onResult, stopped }));
  progress.end();
  writeStderr(summaryLine("updatekeys", results, files.length));
  return exitCodeOf(results, files.length);
}

/** Runs `rotate -i` over several files or --all. */
export async function runBulkRotate(ctx: FileCtx, f: Flags, paths: string[]): Promise<number> {
  if (f["in-place"] !== true)
    throw new HushError("USAGE", "rotating several files (or --all) needs -i: the files are rotated in place", {
      hints: ["run: hush rotate -i " + (f.all === true ? "--all" : paths.join(" ")), "to print one rotated file instead, name a single file without -i"],
    });
  if (str(f, "output") !== undefined) throw new HushError("USAGE", "--output takes one file; rotating several files writes each in place (-i)");
  const opts = inputOptions(f, undefined);
  const files = selectTargets(ctx, { paths, all: f.all === true, configPath: str(f, "config") });
  const order = str(f, "decryption-order");
  const o = {
    ...opts,
    ignoreMac: f["ignore-mac"] === true,
    ...(order === undefined ? {} : { decryptionOrder: order }),
    addAge: list(f, "add-age"),
    rmAge: list(f, "rm-age"),
    addPgp: list(f, "add-pgp"),
    rmPgp: list(f, "rm-pgp"),
  };
  const progress = progressReporter("rotate", process.stderr.isTTY === true);
  const results = await interruptible((stopped) => bulkRotate(ctx, files, o, { onResult: progress.onResult, stopped }));
  progress.end();
  writeStderr(summaryLine("rotate", results, files.length));
  return exitCodeOf(results, files.length);
}
