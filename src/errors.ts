/**
 * The one error class of the hush library and the one table of exit codes.
 *
 * The library throws, never prints and never exits; only src/cli/main.ts turns a HushError into
 * text and an exit code. The exit code comes from the error code, never from the call site.
 * Numbers are sops's (cmd/sops/codes/codes.go) wherever sops has one, so scripts that check
 * `sops` exit codes keep working with `alias sops=hush`. Codes only hush has use 160–179.
 *
 * Messages never contain a secret value, key material or a plaintext line: name the file, the key
 * path, the line number or a recipient instead.
 */

export type ErrorCode =
  | "GENERIC"
  | "USAGE"
  | "READ_INPUT"
  | "PARSE"
  | "PARSE_ENCRYPTED"
  | "WRITE_OUTPUT"
  | "EMIT"
  | "INVALID_SET_FORMAT"
  | "CONFLICTING_PARAMETERS"
  | "ENCRYPT_MAC"
  | "ENCRYPT_TREE"
  | "DECRYPT_TREE"
  | "MAC_MISMATCH"
  | "METADATA_NOT_FOUND"
  | "METADATA_INVALID"
  | "CONFIG"
  | "NO_MATCHING_RULE"
  | "NO_KEYS"
  | "KEY_GROUPS"
  | "INVALID_TREE_PATH"
  | "EMPTY_DOCUMENT"
  | "NO_FILE"
  | "DUPLICATE_DECRYPTION_KEY_TYPE"
  | "NO_DECRYPTION_KEY"
  | "FILE_NOT_MODIFIED"
  | "NO_EDITOR"
  | "ALREADY_ENCRYPTED"
  | "UNKNOWN_STORE"
  | "KEY_FORMAT"
  | "INTERRUPTED"
  | "EXPORT"
  | "DEPLOY_COMMAND"
  | "OWNER"
  | "COMMAND_NOT_FOUND"
  | "COMMAND_NOT_EXECUTABLE"
  | "SECRETS_FOUND"
  | "SCAN_ERROR"
  | "COMMIT_REFUSED"
  | "UNENCRYPTED_IN_HISTORY"
  | "MERGE_CONFLICT";

/** Exit code for every error code. sops's numbers where sops has one; see docs/errors.md. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  GENERIC: 1,
  USAGE: 1,
  READ_INPUT: 2,
  PARSE: 2,
  PARSE_ENCRYPTED: 1,
  WRITE_OUTPUT: 3,
  EMIT: 4,
  INVALID_SET_FORMAT: 7,
  CONFLICTING_PARAMETERS: 8,
  ENCRYPT_MAC: 21,
  ENCRYPT_TREE: 23,
  DECRYPT_TREE: 25,
  MAC_MISMATCH: 51,
  METADATA_NOT_FOUND: 1,
  METADATA_INVALID: 1,
  CONFIG: 1,
  NO_MATCHING_RULE: 1,
  NO_KEYS: 1,
  KEY_GROUPS: 1,
  INVALID_TREE_PATH: 91,
  EMPTY_DOCUMENT: 92,
  NO_FILE: 100,
  DUPLICATE_DECRYPTION_KEY_TYPE: 112,
  NO_DECRYPTION_KEY: 128,
  FILE_NOT_MODIFIED: 200,
  NO_EDITOR: 201,
  ALREADY_ENCRYPTED: 203,
  UNKNOWN_STORE: 1,
  KEY_FORMAT: 1,
  INTERRUPTED: 130,
  EXPORT: 170,
  DEPLOY_COMMAND: 171,
  OWNER: 172,
  COMMAND_NOT_FOUND: 127,
  COMMAND_NOT_EXECUTABLE: 126,
  SECRETS_FOUND: 1,
  SCAN_ERROR: 2,
  COMMIT_REFUSED: 1,
  UNENCRYPTED_IN_HISTORY: 1,
  MERGE_CONFLICT: 1,
};

/** Where an error happened. Every field is optional; the CLI prints the ones that are set. */
export interface ErrorContext {
  /** The file the error is about, as the user named it. */
  file?: string;
  /** sops-style key path, e.g. `["db"]["password"]`. */
  keyPath?: string;
  /** 1-based line number in the file. */
  line?: number;
  /** 1-based column. */
  col?: number;
  /** Extra lines printed as `hush: hint: …`. */
  hints?: string[];
  /** Lower-level error kept for debugging (never printed unless it is a HushError). */
  cause?: unknown;
}

/** The only error type the hush library throws on purpose. */
export class HushError extends Error {
  readonly code: ErrorCode;
  file: string | undefined;
  keyPath: string | undefined;
  line: number | undefined;
  col: number | undefined;
  readonly hints: string[];

  constructor(code: ErrorCode, message: string, ctx: ErrorContext = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = "HushError";
    this.code = code;
    this.file = ctx.file;
    this.keyPath = ctx.keyPath;
    this.line = ctx.line;
    this.col = ctx.col;
    this.hints = ctx.hints ?? [];
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** Returns this error with `file` filled in if it was not set yet (for errors raised below the file layer). */
  withFile(file: string | undefined): this {
    if (this.file === undefined) this.file = file;
    return this;
  }
}

/** True when `e` is a HushError (optionally with the given code). */
export function isHushError(e: unknown, code?: ErrorCode): e is HushError {
  return e instanceof HushError && (code === undefined || e.code === code);
}
