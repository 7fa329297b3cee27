/**
 * `hush deploy [TARGET...] [--dry-run] [--cleanup] [--config hush.yaml]`: the derived files of hush.yaml's
 * `deploy:` section (docs/deploy.md). One line per target on stdout: `deploy: NAME → PATH (changed)`.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { HushError } from "../../errors.js";
import { deploy, loadDeployConfig, type DeployReport } from "../../workflows/deploy/index.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { writeStdout } from "../output.js";

const OPTIONS = {
  "dry-run": { type: "boolean" },
  cleanup: { type: "boolean" },
  config: { type: "string" },
} as const;

function line(ctx: FileCtx, r: DeployReport): string {
  const rel = relative(ctx.cwd, r.path);
  const shown = rel === "" || rel.startsWith("..") ? r.path : rel;
  const extra: string[] = [];
  if (r.fixedPermissions === true) extra.push("mode/owner fixed");
  if (r.commandRan === true) extra.push(r.failure === undefined ? "command ok" : r.failure);
  else if (r.failure !== undefined) extra.push(r.failure);
  if (r.removed === true) extra.push("removed");
  return `deploy: ${r.target} → ${shown} (${[r.status, ...extra].join(", ")})\n`;
}

/** Runs `hush deploy` with the arguments after the command name. */
export async function runDeploy(ctx: FileCtx, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HushError("USAGE", (e as Error).message.split("\n")[0]!.replace(/\.$/, "").toLowerCase(), { hints: ["usage: hush deploy [TARGET...] [--dry-run] [--cleanup] [--config hush.yaml]"] });
  }
  const { values: v, positionals } = parsed;
  const cfg = loadDeployConfig(ctx.cwd, v.config);
  if (cfg.targets.length === 0) ctx.warn(`${cfg.file}: no deploy targets (add a deploy: section, see docs/deploy.md)`);
  await deploy(ctx, cfg, {
    targets: positionals,
    dryRun: v["dry-run"] === true,
    cleanup: v.cleanup === true,
    onReport: (r) => writeStdout(line(ctx, r)),
  });
  return 0;
}
