/**
 * `hush install-secrets MANIFEST [--root DIR] [--ignore-passwd] [--check-mode manifest|sopsfile|off]`:
 * materialise secrets one file each, as sops-nix's sops-install-secrets does (docs/install-secrets.md).
 * Prints what changed, never a value. `--check-mode` only validates (what NixOS runs at build time).
 */
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { checkManifest, installSecrets } from "../../workflows/install-secrets/index.js";
import { writeStdout } from "../output.js";

const OPTIONS = { root: { type: "string" }, "ignore-passwd": { type: "boolean" }, "check-mode": { type: "string" } } as const;
const USAGE = "usage: hush install-secrets MANIFEST [--root DIR] [--ignore-passwd] [--check-mode manifest|sopsfile|off]";

/** Runs `hush install-secrets` with the arguments after the command name. */
export async function runInstallSecrets(ctx: FileCtx, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/\.$/, "").toLowerCase(), { hints: [USAGE] });
  }
  const [manifest, ...rest] = parsed.positionals;
  if (manifest === undefined || rest.length > 0) throw new HushError("USAGE", "expected exactly one manifest", { hints: [USAGE] });
  const mode = parsed.values["check-mode"] ?? "off";
  if (mode !== "off" && mode !== "manifest" && mode !== "sopsfile") throw new HushError("USAGE", `invalid value provided for --check-mode: ${JSON.stringify(mode)}`, { hints: [USAGE] });
  const common = { manifest, ...(parsed.values.root === undefined ? {} : { root: parsed.values.root }), ...(parsed.values["ignore-passwd"] === true ? { ignorePasswd: true } : {}) };
  if (mode !== "off") {
    const c = await checkManifest(ctx, { ...common, mode });
    writeStdout(`install-secrets: ${manifest}: ${c.secrets} secret${c.secrets === 1 ? "" : "s"}${mode === "sopsfile" ? ` in ${c.files} sops file${c.files === 1 ? "" : "s"}` : ""}: ok\n`);
    return 0;
  }
  const r = await installSecrets(ctx, common);
  let out = "";
  if (r.added.length > 0) out += `install-secrets: adding secret: ${r.added.join(", ")}\n`;
  if (r.changed.length > 0) out += `install-secrets: modifying secret: ${r.changed.join(", ")}\n`;
  if (r.removed.length > 0) out += `install-secrets: removing secret: ${r.removed.join(", ")}\n`;
  const how = r.unitsVia === "systemctl" ? (r.dry ? "would ask systemctl" : "asked systemctl") : r.unitsVia === "activation-list" ? "queued for switch-to-configuration" : "not done by hush";
  if (r.restart.length > 0) out += `install-secrets: units to restart (${how}): ${r.restart.join(", ")}\n`;
  if (r.reload.length > 0) out += `install-secrets: units to reload (${how}): ${r.reload.join(", ")}\n`;
  if (r.dry) out += `install-secrets: dry-activate: ${r.symlinkPath} would move to generation ${r.generation}; nothing written\n`;
  else out += `install-secrets: ${r.symlinkPath} → generation ${r.generation}${r.pruned.length > 0 ? ` (pruned ${r.pruned.join(", ")})` : ""}\n`;
  writeStdout(out);
  return 0;
}
