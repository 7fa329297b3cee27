/**
 * `hush exec-env` and `hush exec-file`, in sops's form (`exec-env FILE 'COMMAND'`, COMMAND run by
 * /bin/sh -c) and hush's (`exec-env FILE… -- CMD ARGS…`, run directly). Flags as sops's: --background,
 * --pristine, --same-process, --user, --decryption-order; exec-file: --no-fifo, --filename, --input-type,
 * --output-type; and hush's --target PATH for exec-file.
 */
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import { execEnv, execFile, type Command } from "../../workflows/run/index.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { writeStdout } from "../output.js";
import { EXEC_USAGE } from "../usage.js";
import { exitLikeChild } from "./_child-exit.js";

const COMMON = {
  background: { type: "boolean" },
  user: { type: "string" },
  "decryption-order": { type: "string" },
  "input-type": { type: "string" },
  "enable-local-keyservice": { type: "boolean" },
  keyservice: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

const ENV_OPTIONS = { ...COMMON, pristine: { type: "boolean" }, "same-process": { type: "boolean" } } as const;
const FILE_OPTIONS = {
  ...COMMON,
  "no-fifo": { type: "boolean" },
  filename: { type: "string" },
  "output-type": { type: "string" },
  target: { type: "string" },
} as const;

/** Files and command: `FILE 'COMMAND'` (sops) or `FILE… -- CMD ARGS…` (hush). */
function split(cmd: string, args: readonly string[], options: typeof ENV_OPTIONS | typeof FILE_OPTIONS, manyFiles: boolean) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/^Unknown option/, "unknown option"), { hints: [`hush ${cmd} --help`] });
  }
  if (parsed.values.help === true) return null;
  const term = parsed.tokens.find((t) => t.kind === "option-terminator");
  const before: string[] = [];
  const after: string[] = [];
  for (const t of parsed.tokens) if (t.kind === "positional") (term !== undefined && t.index > term.index ? after : before).push(t.value);
  const usage = manyFiles ? `hush ${cmd} [flags] FILE 'COMMAND'  or  hush ${cmd} [flags] FILE... -- CMD ARGS...` : `hush ${cmd} [flags] FILE 'COMMAND {}'  or  hush ${cmd} [flags] FILE -- CMD ARGS... {}`;
  let files: string[];
  let command: Command;
  if (term === undefined) {
    // sops's form: exactly a file and a command string (sops: "error: missing file to decrypt" otherwise)
    if (before.length !== 2) throw new HushError("USAGE", "missing file to decrypt", { hints: [usage] });
    files = [before[0]!];
    command = { shell: before[1]! };
  } else {
    if (before.length === 0) throw new HushError("USAGE", "missing file to decrypt", { hints: [usage] });
    if (after.length === 0) throw new HushError("USAGE", "missing command to run after --", { hints: [usage] });
    if (!manyFiles && before.length > 1) throw new HushError("USAGE", `${cmd} takes one file`, { hints: [usage] });
    files = before;
    command = { argv: after };
  }
  return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, files, command };
}

function help(): number {
  writeStdout(EXEC_USAGE);
  return 0;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** `hush exec-env`. */
export async function runExecEnv(ctx: FileCtx, args: readonly string[]): Promise<number> {
  const parts = split("exec-env", args, ENV_OPTIONS, true);
  if (parts === null) return help();
  const { values: v, files, command } = parts;
  if (v["background"] === true) ctx.warn("exec-env's --background option is deprecated (as in sops)");
  const order = str(v["decryption-order"]) ?? ctx.env["SOPS_DECRYPTION_ORDER"];
  const st = await execEnv(ctx, {
    files,
    command,
    pristine: v["pristine"] === true,
    sameProcess: v["same-process"] === true,
    background: v["background"] === true,
    ...(str(v["user"]) === undefined ? {} : { user: str(v["user"])! }),
    ...(order === undefined ? {} : { decryptionOrder: order }),
    ...(str(v["input-type"]) === undefined ? {} : { inputType: str(v["input-type"])! }),
  });
  return exitLikeChild(st);
}

/** `hush exec-file`. */
export async function runExecFile(ctx: FileCtx, args: readonly string[]): Promise<number> {
  const parts = split("exec-file", args, FILE_OPTIONS, false);
  if (parts === null) return help();
  const { values: v, files, command } = parts;
  const order = str(v["decryption-order"]) ?? ctx.env["SOPS_DECRYPTION_ORDER"];
  const opt = (k: string): string | undefined => str(v[k]);
  const st = await execFile(ctx, {
    file: files[0]!,
    command,
    noFifo: v["no-fifo"] === true,
    background: v["background"] === true,
    ...(opt("user") === undefined ? {} : { user: opt("user")! }),
    ...(opt("filename") === undefined ? {} : { filename: opt("filename")! }),
    ...(opt("target") === undefined ? {} : { target: opt("target")! }),
    ...(opt("input-type") === undefined ? {} : { inputType: opt("input-type")! }),
    ...(opt("output-type") === undefined ? {} : { outputType: opt("output-type")! }),
    ...(order === undefined ? {} : { decryptionOrder: order }),
  });
  return exitLikeChild(st);
}
