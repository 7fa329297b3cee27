/**
 * Bulk `updatekeys` and `rotate`: many files in one process, a bounded number at a time (key unwrap
 * and gpg are asynchronous), each file written by temp+rename so an interruption leaves every file
 * either fully old or fully new. One file's failure does not stop the others; it is in its result.
 */
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { absPath, rotateFile, updateKeys, type DecryptOptions, type FileCtx, type RotateOptions } from "../files/index.js";
import { runPool } from "./pool.js";

/** What happened to one file. `changes` is a dry run's "would change". */
export type BulkStatus = "updated" | "unchanged" | "changes" | "failed";

/** The outcome for one file. */
export interface BulkResult {
  file: string;
  status: BulkStatus;
  /** updatekeys: sops's summary of the key group changes (never key material). */
  summary?: string[];
  /** Set when status is "failed". */
  error?: unknown;
}

/** How a bulk run goes. */
export interface BulkOptions {
  /** Files in flight at once (default 8). */
  concurrency?: number;
  /** Called as each file finishes, with the count done so far. */
  onResult?: (r: BulkResult, done: number, total: number) => void;
  /** True stops starting new files (files in flight finish and are written whole). */
  stopped?: () => boolean;
}

/** The default cap on files in flight. */
export const DEFAULT_CONCURRENCY = 8;

async function run(files: readonly string[], opts: BulkOptions, one: (file: string) => Promise<BulkResult>): Promise<BulkResult[]> {
  let done = 0;
  const results = await runPool(
    files,
    async (file) => {
      let r: BulkResult;
      try {
        r = await one(file);
      } catch (error) {
        r = { file, status: "failed", error };
      }
      opts.onResult?.(r, ++done, files.length);
      return r;
    },
    { concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY, ...(opts.stopped === undefined ? {} : { stopped: opts.stopped }) },
  );
  return results.filter((r): r is BulkResult => r !== undefined);
}

/** Options of bulk updatekeys: those of one file, without the file. */
export type BulkUpdateKeysOptions = Omit<DecryptOptions, "file"> & { shamirThreshold?: number; dryRun?: boolean };

/**
 * `updatekeys` over many files: each file's key groups become what its creation rule names now, same
 * data key. With `dryRun`, nothing is written and a file that would change is reported as "changes".
 */
export async function bulkUpdateKeys(ctx: FileCtx, files: readonly string[], o: BulkUpdateKeysOptions, opts: BulkOptions = {}): Promise<BulkResult[]> {
  const { dryRun, ...fileOpts } = o;
  return run(files, opts, async (file) => {
    let summary: string[] | undefined;
    const bytes = await updateKeys(ctx, { ...fileOpts, file }, async (s) => {
      summary = s;
      return dryRun !== true;
    });
    if (summary === undefined) return { file, status: "unchanged" };
    if (bytes === null) return { file, status: "changes", summary };
    await writeFileAtomic(absPath(ctx, file), bytes, { displayName: file });
    return { file, status: "updated", summary };
  });
}

/** `rotate -i` over many files: a new data key for each, every value re-encrypted, written in place. */
export async function bulkRotate(ctx: FileCtx, files: readonly string[], o: Omit<RotateOptions, "file">, opts: BulkOptions = {}): Promise<BulkResult[]> {
  return run(files, opts, async (file) => {
    const bytes = await rotateFile(ctx, { ...o, file });
    await writeFileAtomic(absPath(ctx, file), bytes, { displayName: file });
    return { file, status: "updated" };
  });
}
