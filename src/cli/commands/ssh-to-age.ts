/**
 * `hush ssh-to-age [-private-key] [-i FILE] [-o FILE] [-stdinpass] [-version]`: Mic92's ssh-to-age,
 * with its Go `flag` syntax (`-flag`, `--flag`, `-flag=value`, `-flag value`; parsing stops at the
 * first argument that is not a flag; unknown flags exit 2 with the usage). Same stdout and exit
 * codes; `-o` is written atomically and only on success (the Go tool creates the file first).
 */
import { readFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { absPath, HUSH_VERSION, type FileCtx } from "../../workflows/files/index.js";
import { sshToAgePrivate, sshToAgePublic } from "../../workflows/keys/ssh-to-age.js";
import { writeStderr, writeStdout } from "../output.js";

const FLAG_USAGE = `Usage of hush ssh-to-age:
  -i string
    \tInput path. Reads by default from standard input (default "-")
  -o string
    \tOutput path. Prints by default to standard output (default "-")
  -private-key
    \tconvert private key instead of public key
  -stdinpass
    \tread private key passphrase from standard input
  -version
    \tshow version and exit`;

interface Opts {
  in: string;
  out: string;
  privateKey: boolean;
  stdinPass: boolean;
  version: boolean;
}

const BOOLS = ["private-key", "stdinpass", "version"] as const;
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Go's flag.Parse over ssh-to-age's flags; a string is a usage error (exit 2), "help" asks for usage. */
function parseGoFlags(args: readonly string[]): Opts | { error: string } {
  const o: Opts = { in: "-", out: "-", privateKey: false, stdinPass: false, version: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a.length < 2 || a[0] !== "-") break;
    let name = a.slice(1);
    if (name.startsWith("-")) {
      name = name.slice(1);
      if (name === "") break; // "--" ends the flags
    }
    if (name === "" || name.startsWith("-") || name.startsWith("=")) return { error: `bad flag syntax: ${a}` };
    const eq = name.indexOf("=");
    const value = eq === -1 ? undefined : name.slice(eq + 1);
    if (eq !== -1) name = name.slice(0, eq);
    if (name === "h" || name === "help") return { error: "help" };
    if ((BOOLS as readonly string[]).includes(name)) {
      let v = true;
      if (value !== undefined) {
        if (TRUE.has(value)) v = true;
        else if (FALSE.has(value)) v = false;
        else return { error: `invalid boolean value "${value}" for -${name}: parse error` };
      }
      if (name === "private-key") o.privateKey = v;
      else if (name === "stdinpass") o.stdinPass = v;
      else o.version = v;
    } else if (name === "i" || name === "o") {
      let v = value;
      if (v === undefined) {
        if (i + 1 >= args.length) return { error: `flag needs an argument: -${name}` };
        v = args[++i] ?? "";
      }
      if (name === "i") o.in = v;
      else o.out = v;
    } else {
      return { error: `flag provided but not defined: -${name}` };
    }
  }
  return o;
}

function readInput(ctx: FileCtx, path: string): string {
  try {
    return readFileSync(absPath(ctx, path), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unknown error";
    throw new HushError("GENERIC", `error reading input: ${code}`, { file: path });
  }
}

/** Runs ssh-to-age with the arguments after the command name. */
export async function runSshToAge(ctx: FileCtx, args: readonly string[]): Promise<number> {
  const opts = parseGoFlags(args);
  if ("error" in opts) {
    if (opts.error === "help") {
      writeStderr(FLAG_USAGE);
      return 0;
    }
    writeStderr(`${opts.error}\n${FLAG_USAGE}`);
    return 2;
  }
  if (opts.version) {
    writeStdout(`${HUSH_VERSION}\n`);
    return 0;
  }
  const text = opts.in === "-" ? Buffer.from(await ctx.readStdin()).toString("utf8") : readInput(ctx, opts.in);
  const file = opts.in === "-" ? undefined : opts.in;
  let output: string;
  let failure: HushError | null = null;
  if (opts.privateKey) {
    let passphrase = ctx.env["SSH_TO_AGE_PASSPHRASE"] ?? "";
    if (opts.stdinPass) {
      if (opts.in === "-") throw new HushError("GENERIC", "cannot read both private key and passphrase from stdin");
      passphrase = Buffer.from(await ctx.readStdin()).toString("utf8").replace(/[\r\n]+$/, "");
    }
    try {
      output = sshToAgePrivate(text, passphrase) + "\n";
    } catch (e) {
      if (e instanceof HushError) throw new HushError(e.code, e.message, { file, hints: e.hints });
      throw e;
    }
  } else {
    const r = await sshToAgePublic(text);
    for (const s of r.skipped) writeStderr(s);
    output = r.recipients.map((k) => k + "\n").join("");
    if (r.error !== null) failure = new HushError(r.error.code, r.error.message, { file, hints: r.error.hints });
  }
  if (opts.out === "-") {
    writeStdout(output);
  } else if (failure === null) {
    await writeFileAtomic(absPath(ctx, opts.out), output, opts.privateKey ? { mode: 0o600 } : {});
  }
  if (failure !== null) throw failure;
  return 0;
}
