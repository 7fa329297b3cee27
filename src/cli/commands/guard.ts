/** `hush guard` (the pre-commit check) and `hush hooks install|uninstall` (the git hook that runs it). */
import { realpathSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { EXIT_CODES, HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { guard, installHook, uninstallHook, type GuardProblem } from "../../workflows/guard/index.js";
import { writeStderr, writeStdout } from "../output.js";

function parse(argv: string[], options: NonNullable<ParseArgsConfig["options"]>, cmd: string): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HushError("USAGE", `${cmd}: ${(e as Error).message.split("\n")[0]!.toLowerCase()}`);
  }
}

/** The message block of one problem (stderr). */
export function problemBlock(p: GuardProblem): string {
  const label = p.check === "rule" ? "(a) creation rule" : p.check === "pattern" ? "(b) never-commit" : p.check === "secret" ? "(c) secret" : "merge conflict";
  return [`hush: guard: ${p.file}: ${p.message} [${label}]`, ...p.fixes.map((f, i) => `    ${i === 0 ? "fix:" : "or: "} ${f}`)].join("\n");
}

/** Runs `hush guard`: exit 0 when the staged files are clean, 1 with one block per problem. */
export async function runGuard(ctx: FileCtx, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { quiet: { type: "boolean", short: "q" } }, "guard");
  if (positionals.length > 0) throw new HushError("USAGE", "guard takes no file arguments: it checks what git has staged");
  const r = await guard(ctx);
  if (values.quiet !== true) for (const n of r.notes) writeStderr(`hush: guard: note: ${n}`);
  if (r.problems.length === 0) return 0;
  writeStderr(r.problems.map(problemBlock).join("\n\n") + "\n");
  const n = r.problems.length;
  writeStderr(`hush: guard: commit refused: ${n} problem${n === 1 ? "" : "s"} in ${new Set(r.problems.map((p) => p.file)).size} staged file${new Set(r.problems.map((p) => p.file)).size === 1 ? "" : "s"}`);
  return EXIT_CODES.COMMIT_REFUSED;
}

/** The command line of this hush: node and the bundle, absolute (what the hook runs). */
export function selfCommand(): string[] {
  const script = process.argv[1];
  if (script === undefined) return [process.execPath];
  let real = script;
  try {
    real = realpathSync(script);
  } catch {
    // keep it as given
  }
  return [process.execPath, real];
}

/** Runs `hush hooks install [--force] [--hook NAME]` / `hush hooks uninstall [--hook NAME]`. */
export async function runHooks(ctx: FileCtx, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { force: { type: "boolean" }, hook: { type: "string", default: "pre-commit" } }, "hooks");
  const hook = values.hook as string;
  const sub = positionals[0];
  if (positionals.length !== 1 || (sub !== "install" && sub !== "uninstall")) throw new HushError("USAGE", "usage: hush hooks install [--force] [--hook pre-commit] | hush hooks uninstall [--hook pre-commit]");
  if (sub === "install") {
    const c = await installHook(ctx, { hook, self: selfCommand(), force: values.force === true });
    writeStdout(`${c.action} ${c.hook} hook: ${c.path}\n`);
    if (c.chained !== null) writeStdout(`it runs the existing hook first: ${c.chained}\n`);
    return 0;
  }
  const c = uninstallHook(ctx, { hook });
  if (c.action === "not-installed") writeStdout(`no hush ${c.hook} hook installed at ${c.path}\n`);
  else writeStdout(`removed the hush ${c.hook} hook${c.chained !== null ? `; restored the previous hook ${c.chained}` : ""}\n`);
  return 0;
}
