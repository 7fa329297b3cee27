/** `hush git setup|textconv|merge`: git's diff and merge drivers for sops files. */
import { realpathSync } from "node:fs";
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import { lookPath } from "../../sys/spawn.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { gitSetup, mergeDriver, textconv } from "../../workflows/git/index.js";
import { shQuote } from "../../workflows/guard/index.js";
import { writeStderr, writeStdout } from "../output.js";
import { selfCommand } from "./guard.js";

const USAGE_GIT = "usage: hush git setup [--global] [--pattern GLOB]... | hush git textconv FILE | hush git merge BASE OURS THEIRS PATH";

/** How git should run this hush: `hush` when that is this very bundle on PATH, else absolute paths. */
function commandForGit(ctx: FileCtx): string {
  const self = selfCommand();
  const onPath = lookPath("hush", ctx.env);
  if (onPath !== null && self[1] !== undefined) {
    try {
      if (realpathSync(onPath) === self[1]) return "hush";
    } catch {
      // fall through to the absolute form
    }
  }
  return self.map(shQuote).join(" ");
}

/** Runs `hush git …`. */
export async function runGit(ctx: FileCtx, argv: string[]): Promise<number> {
  const sub = argv[0];
  if (sub === "textconv") {
    if (argv.length !== 2) throw new HushError("USAGE", "usage: hush git textconv FILE");
    writeStdout(await textconv(ctx, argv[1]!));
    return 0;
  }
  if (sub === "merge") {
    if (argv.length !== 5) throw new HushError("USAGE", "usage: hush git merge BASE OURS THEIRS PATH   (git passes %O %A %B %P)");
    const r = await mergeDriver(ctx, { base: argv[1]!, ours: argv[2]!, theirs: argv[3]!, path: argv[4]! });
    for (const m of r.messages) writeStderr(`hush: merge: ${m}`);
    return r.exitCode;
  }
  if (sub === "setup") {
    let parsed;
    try {
      parsed = parseArgs({ args: argv.slice(1), options: { global: { type: "boolean" }, pattern: { type: "string", multiple: true } }, strict: true, allowPositionals: false });
    } catch (e) {
      throw new HushError("USAGE", `git setup: ${(e as Error).message.split("\n")[0]!.toLowerCase()}`);
    }
    const r = await gitSetup(ctx, { global: parsed.values.global === true, command: commandForGit(ctx), patterns: parsed.values.pattern ?? [] });
    writeStdout(`git config (${r.scope}):\n${r.config.map((l) => `  ${l}\n`).join("")}`);
    if (r.attributesFile !== null)
      writeStdout(r.added.length > 0 ? `${r.attributesFile}: added ${r.added.map((p) => `${p}`).join(", ")}\n` : `${r.attributesFile}: already up to date\n`);
    else writeStdout("no .gitattributes written (--global): run hush git setup in each repository to mark its files\n");
    return 0;
  }
  throw new HushError("USAGE", USAGE_GIT);
}
