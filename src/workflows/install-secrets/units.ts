/**
 * Telling systemd about secrets that changed, as sops-nix does after an install (not in userMode, and
 * not on the first install, when nothing runs yet):
 * - with SOPS_RESTART_UNITS_VIA_SYSTEMCTL=1 (sops-nix's systemd unit sets it): `systemctl --no-block
 *   try-restart` the restart units and `try-reload-or-restart` the reload units; under NIXOS_ACTION=
 *   dry-activate it only says what it would do;
 * - otherwise, the activation-script path: the units are appended to /run/nixos/activation-restart-list
 *   and activation-reload-list (dry-activation-… when dry), which switch-to-configuration reads, when
 *   /run/nixos exists.
 */
import { existsSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { dirname } from "node:path";
import { childProcess } from "../../deps.js";
import { HushError } from "../../errors.js";

/** What was done with the units. */
export type UnitsVia = "systemctl" | "activation-list" | "none";

export async function propagateUnits(
  restart: readonly string[],
  reload: readonly string[],
  o: { env: Readonly<Record<string, string | undefined>>; dry: boolean; rooted: (p: string) => string; note: (line: string) => void },
): Promise<UnitsVia> {
  if (restart.length === 0 && reload.length === 0) return "none";
  if (o.env["SOPS_RESTART_UNITS_VIA_SYSTEMCTL"] === "1") {
    if (o.dry) {
      for (const u of restart) o.note(`would restart ${u}`);
      for (const u of reload) o.note(`would reload ${u}`);
      return "systemctl";
    }
    for (const [verb, units] of [["try-restart", restart], ["try-reload-or-restart", reload]] as const) {
      if (units.length === 0) continue;
      // --no-block: sops-nix's unit runs early in activation; waiting for a service there can deadlock
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
      const r = childProcess().spawnSync("systemctl", ["--no-block", verb, ...units], { env, stdio: ["ignore", "inherit", "inherit"] });
      if (r.status !== 0) {
        throw new HushError("GENERIC", `cannot request units to restart: systemctl ${verb} ${units.join(" ")} failed (${r.error === undefined ? `exit ${r.status}` : (r.error as NodeJS.ErrnoException).code ?? "error"})`);
      }
    }
    return "systemctl";
  }
  const prefix = o.dry ? "/run/nixos/dry-activation" : "/run/nixos/activation";
  let wrote = false;
  for (const [list, units] of [[`${prefix}-restart-list`, restart], [`${prefix}-reload-list`, reload]] as const) {
    if (units.length === 0) continue;
    const file = o.rooted(list);
    if (!existsSync(dirname(file))) continue;
    await appendFile(file, units.map((u) => `${u}\n`).join(""), { mode: 0o600 });
    wrote = true;
  }
  return wrote ? "activation-list" : "none";
}
