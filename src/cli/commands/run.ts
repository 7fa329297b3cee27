/**
 * `hush run [-f FILE…] [--no-mask] [--mask-min-length N] [--verbose] -- CMD ARGS…`: the command runs with
 * the secrets in its environment and its output masked (workflows/run/run.ts has the rules).
 */
import { isatty } from "node:tty";
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { runWithSecrets } from "../../workflows/run/index.js";
import { writeFdBytes, writeStderr, writeStdout } from "../output.js";
import { RUN_USAGE } from "../usage.js";
import { exitLikeChild } from "./_child-exit.js";

const OPTIONS = {
  file: { type: "string", short: "f", multiple: true },
  "no-mask": { type: "boolean" },
  "mask-min-length": { type: "string" },
  verbose: { type: "boolean", short: "v" },
  "decryption-order": { type: "string" },
  "input-type": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `hush run`. */
export async function runRun(ctx: FileCtx, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/^Unknown option/, "unknown option"), { hints: ["hush run --help"] });
  }
  const v = parsed.values;
  if (v.help === true) {
    writeStdout(RUN_USAGE);
    return 0;
  }
  const term = parsed.tokens.find((t) => t.kind === "option-terminator");
  if (term === undefined) {
    throw new HushError("USAGE", parsed.positionals.length > 0 ? "put -- before the command" : "no command to run", {
      hints: ["hush run -f secrets.yaml -- COMMAND ARGS… (the command is run directly, not by a shell)"],
    });
  }
  const stray = parsed.tokens.filter((t) => t.kind === "positional" && t.index < term.index);
  if (stray.length > 0) throw new HushError("USAGE", "secret files are given with -f; put the command after --", { hints: ["hush run -f a.yaml -f b.env -- COMMAND ARGS…"] });
  let minLength: number | undefined;
  if (v["mask-min-length"] !== undefined) {
    minLength = Number(v["mask-min-length"]);
    if (!/^\d+$/.test(v["mask-min-length"]) || minLength < 1) throw new HushError("USAGE", "--mask-min-length takes a positive integer");
  }
  const order = v["decryption-order"] ?? ctx.env["SOPS_DECRYPTION_ORDER"];
  const st = await runWithSecrets(ctx, {
    files: v.file ?? [],
    argv: parsed.positionals,
    mask: v["no-mask"] !== true,
    terminal: isatty(1),
    sink: { stdout: (b) => writeFdBytes(1, b), stderr: (b) => writeFdBytes(2, b) },
    ...(minLength === undefined ? {} : { maskMinLength: minLength }),
    ...(v.verbose === true ? { note: (line: string) => writeStderr(`hush: run: ${line}`) } : {}),
    ...(order === undefined ? {} : { decryptionOrder: order }),
    ...(v["input-type"] === undefined ? {} : { inputType: v["input-type"] }),
  });
  return exitLikeChild(st);
}
