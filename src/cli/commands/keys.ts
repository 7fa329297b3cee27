/** `hush keys [--json]`: the identities this machine can decrypt with, by source. Never prints key material. */
import { listIdentities } from "../../workflows/identities/index.js";
import type { FileCtx } from "../../workflows/files/index.js";
import type { Flags } from "../args.js";
import { warn, writeStdout } from "../output.js";

/** Runs `keys`: one line per identity (type, kind, recipient or fingerprint, source), problems as warnings. */
export async function runKeys(ctx: FileCtx, f: Flags): Promise<number> {
  const { identities, problems } = await listIdentities(ctx);
  if (f.json === true) {
    writeStdout(JSON.stringify({ identities, problems }, null, 2) + "\n");
    return 0;
  }
  for (const p of problems) warn(p);
  if (identities.length === 0) {
    warn("no identities found: set SOPS_AGE_KEY_FILE, or put keys in ~/.config/sops/age/keys.txt (hush keygen -o …)");
    return 0;
  }
  const rows = identities.map((i) => [i.type, i.kind, i.recipient ?? (i.kind.startsWith("age-plugin-") ? "(the plugin holds the key)" : "(locked: recipient unknown until unlocked)"), i.uid === undefined ? i.source : `${i.source} ${i.uid}`]);
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  for (const r of rows) writeStdout(r.map((x, c) => (c < 3 ? x.padEnd(w[c] as number) : x)).join("  ") + "\n");
  return 0;
}
