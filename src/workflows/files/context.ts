/**
 * What every file workflow gets from the edges: working directory, environment, clock, randomness,
 * and how to ask the user something. The CLI builds it from the process; tests build it by hand.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { HushError } from "../../errors.js";
import type { RandomBytes } from "../../engine/index.js";
import { storeFor } from "../../stores/index.js";
import type { Store } from "../../stores/store.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface FileCtx {
  cwd: string;
  env: Env;
  now: () => Date;
  randomBytes: RandomBytes;
  /** Reads all of standard input. */
  readStdin: () => Promise<Uint8Array>;
  /** Asks a question on the terminal and returns the answer line; null when there is no terminal. A `secret` answer is not echoed. */
  prompt: (question: string, opts?: { secret?: boolean }) => Promise<string | null>;
  /** Writes a warning or progress line to stderr (never a secret). */
  warn: (line: string) => void;
  /** Writes an information line to stderr (e.g. an age plugin's "touch your key"); warn when absent. */
  note?: (line: string) => void;
}

/** Resolves a user path against the context's cwd. */
export function absPath(ctx: FileCtx, p: string): string {
  return isAbsolute(p) ? p : resolve(ctx.cwd, p);
}

/**
 * Reads a file the user named.
 * @throws HushError READ_INPUT when it does not exist or cannot be read
 */
export function readUserFile(ctx: FileCtx, p: string): Uint8Array {
  try {
    return readFileSync(absPath(ctx, p));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // sops's 100 ("cannot operate on non-existent file") comes from the CLI's up-front check for encrypt,
    // decrypt and the legacy -e/-d/-r; everywhere else (set, unset, rotate) a missing file is "Error reading file", 2.
    if (code === "ENOENT") throw new HushError("READ_INPUT", `error reading file: no such file or directory`, { file: p });
    throw new HushError("READ_INPUT", `error reading file: ${code ?? "unknown error"}`, { file: p });
  }
}

/**
 * The store for a path or an explicit `--input-type`/`--output-type` name. As in sops, an unknown
 * name is ignored and the type comes from the path (real sops 3.13.2 exits 0 for `--input-type foo`).
 */
export function pickStore(path: string, typeName: string | undefined): Store {
  return storeFor(path, typeName === "" ? undefined : typeName);
}
