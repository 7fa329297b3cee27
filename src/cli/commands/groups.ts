/**
 * `hush groups add --file FILE [--age R]… [--pgp FP]… [-i] [--shamir-secret-sharing-threshold N]` and
 * `hush groups delete --file FILE [-i] [--shamir-secret-sharing-threshold N] INDEX`: sops's `groups`
 * subcommands, with their flags (repeatable key flags, `-f/--file`) and output (the re-wrapped file on
 * stdout, or written back atomically with -i).
 */
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { absPath, changeGroups, type FileCtx, type GroupChange } from "../../workflows/files/index.js";
import { writeStdout } from "../output.js";
import { GROUPS_USAGE } from "../usage.js";

const M = { type: "string", multiple: true } as const;
const OPTIONS = {
  file: { type: "string", short: "f" },
  "in-place": { type: "boolean", short: "i" },
  "shamir-secret-sharing-threshold": { type: "string" },
  age: M,
  pgp: M,
  kms: M,
  "gcp-kms": M,
  hckms: M,
  "azure-kv": M,
  "hc-vault-transit": M,
  "aws-profile": { type: "string" },
  "encryption-context": { type: "string" },
  keyservice: M,
  "enable-local-keyservice": { type: "boolean" },
  indent: { type: "string" },
  "decryption-order": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const CLOUD = ["kms", "gcp-kms", "hckms", "azure-kv", "hc-vault-transit"] as const;

/** `hush groups add|delete …`. */
export async function runGroups(ctx: FileCtx, argv: readonly string[]): Promise<number> {
  const sub = argv[0];
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    writeStdout(GROUPS_USAGE);
    return sub === undefined ? 1 : 0;
  }
  if (sub !== "add" && sub !== "delete") throw new HushError("USAGE", `unknown groups command ${JSON.stringify(sub)}: use add or delete`, { hints: ["hush groups --help"] });
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/^Unknown option/, "unknown option"), { hints: ["hush groups --help"] });
  }
  const v = parsed.values;
  if (v.help === true) {
    writeStdout(GROUPS_USAGE);
    return 0;
  }
  for (const k of CLOUD) if ((v[k]?.length ?? 0) > 0) throw new HushError("NO_KEYS", `--${k} keys are not supported by hush yet`, { hints: ["use age or pgp recipients"] });
  let threshold: number | undefined;
  const t = v["shamir-secret-sharing-threshold"];
  if (t !== undefined) {
    if (!/^\d+$/.test(t)) throw new HushError("USAGE", "--shamir-secret-sharing-threshold takes a whole number");
    threshold = Number(t);
  }
  let indent: number | undefined;
  if (v.indent !== undefined) {
    if (!/^\d+$/.test(v.indent)) throw new HushError("USAGE", "--indent takes a whole number");
    indent = Number(v.indent);
  }
  let change: GroupChange;
  if (sub === "add") {
    // sops: "error: no positional arguments allowed" (exit 1)
    if (parsed.positionals.length !== 0) throw new HushError("GENERIC", "no positional arguments allowed", { hints: ["name the file with --file"] });
    change = { add: { age: v.age ?? [], pgp: v.pgp ?? [] } };
  } else {
    if (parsed.positionals.length !== 1) throw new HushError("GENERIC", "exactly one positional argument (index) required");
    const index = parsed.positionals[0] as string;
    if (!/^\d+$/.test(index)) throw new HushError("GENERIC", `failed to parse [index] argument: ${JSON.stringify(index)} is not a group number (0, 1, …)`);
    change = { deleteIndex: Number(index) };
  }
  const file = v.file;
  if (file === undefined || file === "") throw new HushError("NO_FILE", "no file specified", { hints: [`hush groups ${sub} --file FILE …`] });
  const bytes = await changeGroups(ctx, {
    file,
    change,
    ...(threshold === undefined ? {} : { shamirThreshold: threshold }),
    ...(indent === undefined ? {} : { indent }),
    ...(v["decryption-order"] === undefined ? {} : { decryptionOrder: v["decryption-order"] }),
  });
  if (v["in-place"] === true) await writeFileAtomic(absPath(ctx, file), bytes);
  else writeStdout(bytes);
  return 0;
}
