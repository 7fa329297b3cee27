/** `hush recipients [--json]`, `hush recipients add NAME KEY`, `hush recipients remove NAME`. */
import { HushError } from "../../errors.js";
import type { FileCtx } from "../../workflows/files/index.js";
import { addRecipient, listRecipients, removeRecipient, shortRecipient, type ChangeResult, type RecipientsReport } from "../../workflows/recipients/index.js";
import { str, type Flags } from "../args.js";
import { writeStdout } from "../output.js";

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd() + "\n").join("");
}

function renderList(r: RecipientsReport): string {
  const rows: string[][] = [["NAME", "TYPE", "RECIPIENT", "FILE", "RULE", "GROUPS", "NOTE"]];
  const g = (xs: number[]): string => (xs.length === 0 ? "-" : xs.map((x) => x + 1).join(","));
  for (const p of r.recipients) {
    const name = p.admin ? `${p.name} (admin)` : p.name;
    const who = [name, p.type, shortRecipient(p.recipient)];
    if (p.files.length === 0) rows.push([...who, "-", "-", "-", p.inConfig ? "no encrypted file yet" : ""]);
    for (const f of p.files) {
      const rule = f.rule === null ? "none" : `${f.rule.index} ${f.rule.pathRegex ?? "(any)"}`;
      const note = !f.drift ? "" : f.fileGroups.length === 0 ? "drift: rule lists it, file does not (hush updatekeys)" : f.ruleGroups.length === 0 ? "drift: file has it, rule does not" : "drift: groups differ";
      rows.push([...who, f.file, rule, g(f.fileGroups), note]);
    }
  }
  const head = `config: ${r.config}${r.git ? "" : " (not a git repository: files found by a directory walk)"}\n`;
  return head + table(rows);
}

function renderChange(verb: "add" | "remove", r: ChangeResult, compromised: boolean): string {
  const out: string[] = [];
  if (compromised) out.push(`INCIDENT: key of ${r.name} reported compromised; its access is being revoked`);
  const would = r.dryRun ? "would " : "";
  if (r.dryRun) out.push("dry run: nothing written");
  const rules = r.rules.length === 0 ? "no creation rule changed" : `creation_rules ${r.rules.map((i) => `[${i}]`).join(", ")}`;
  out.push(`${verb === "add" ? "add" : "remove"} ${r.name} (${shortRecipient(r.recipient)}): ${r.config}: ${r.rules.length === 0 ? rules : `${would}edit ${rules}`}`);
  for (const f of r.files) out.push(`${f.action === "rewrap" ? `${would}re-wrap data key` : `${would}rotate data key`}: ${f.file}`);
  if (r.files.length === 0) out.push("no encrypted file to change");
  for (const f of r.forced) out.push(`warning: --force: no admin can open ${f} any more`);
  if (verb === "remove") {
    out.push("");
    out.push(`secrets ${r.name} could have read (rotate them at their source):`);
    if (!r.git) out.push("(not a git repository: no last-change dates)");
    if (r.exposed.length === 0) out.push("(none)");
    else out.push(table([["FILE", "KEY PATH", "LAST CHANGE"], ...r.exposed.map((e) => [e.file, e.keyPath, e.lastChange ?? (r.git ? "never committed" : "-")])]).trimEnd());
  }
  return out.join("\n") + "\n";
}

function many(f: Flags, name: string): string[] | undefined {
  const v = f[name as keyof Flags];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [String(v)];
}

/** Runs `hush recipients …`. */
export async function runRecipients(ctx: FileCtx, f: Flags, args: string[]): Promise<number> {
  const configPath = str(f, "config");
  const common = { ...(configPath === undefined ? {} : { configPath }), dryRun: f["dry-run"] === true, force: f.force === true };
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "list") {
    const report = listRecipients(ctx, configPath === undefined ? {} : { configPath });
    writeStdout(f.json === true ? JSON.stringify(report, null, 2) + "\n" : renderList(report));
    return 0;
  }
  if (sub === "add") {
    const [name, key, extra] = rest;
    if (name === undefined || key === undefined || extra !== undefined) throw new HushError("USAGE", "usage: hush recipients add NAME KEY [--rule PATH_REGEX]... [--dry-run] [--force]");
    const rules = many(f, "rule");
    const r = await addRecipient(ctx, name, key, { ...common, ...(rules === undefined ? {} : { rules }) });
    writeStdout(f.json === true ? JSON.stringify(r, null, 2) + "\n" : renderChange("add", r, false));
    return 0;
  }
  if (sub === "remove" || sub === "rm") {
    const [name, extra] = rest;
    if (name === undefined || extra !== undefined) throw new HushError("USAGE", "usage: hush recipients remove NAME [--compromised] [--dry-run] [--force]");
    const r = await removeRecipient(ctx, name, common);
    writeStdout(f.json === true ? JSON.stringify({ ...r, compromised: f.compromised === true }, null, 2) + "\n" : renderChange("remove", r, f.compromised === true));
    return 0;
  }
  throw new HushError("USAGE", `unknown recipients command ${JSON.stringify(sub)}`, { hints: ["hush recipients [--json] | recipients add NAME KEY | recipients remove NAME"] });
}
