/**
 * `hush deploy`: writes the derived files hush.yaml's `deploy:` section declares, only when their content
 * changed, then runs each changed target's command; `--cleanup` (or `cleanup: true`) removes the file
 * after the command, whether it succeeded or not, and on SIGINT/SIGTERM/SIGHUP too.
 *
 * A target is "changed" when its rendered content differs from the file on disk (someone edited or
 * removed it) or from the state's keyed hash of the last successful deploy; a cleanup target has no file
 * to compare, so the state alone decides. The state is updated only after the command succeeded, so a
 * failed deploy is retried next time.
 */
import { chmod, chown, mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { HushError } from "../../errors.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { removeOnExit } from "../../sys/exit-cleanup.js";
import { runWithTimeout } from "../../sys/run-timeout.js";
import { lookupGid, lookupUid } from "../../sys/users.js";
import { getPath, isMap, parseTreePath } from "../../tree/index.js";
import { loadSource, renderSource, type Opener } from "../export/index.js";
import { open, type FileCtx } from "../files/index.js";
import type { DeployConfig, DeployTarget } from "./config.js";
import { contentHash, loadState, saveState, statePath } from "./state.js";

/** What happened to one target. */
export interface DeployReport {
  target: string;
  path: string;
  status: "changed" | "unchanged" | "would change" | "failed";
  /** Set when the file's mode/owner was corrected although its content was right. */
  fixedPermissions?: boolean;
  commandRan?: boolean;
  removed?: boolean;
  /** For a failed command: how it failed (never output of the command). */
  failure?: string;
}

/** Options of deploy. */
export interface DeployOptions {
  /** Target names; empty = all, in config order. */
  targets?: readonly string[];
  dryRun?: boolean;
  /** Remove each derived file after its command (also on failure). */
  cleanup?: boolean;
  /** Called as each target finishes. */
  onReport?: (r: DeployReport) => void;
}

const utf8 = new TextEncoder();

async function render(ctx: FileCtx, t: DeployTarget, opener: Opener): Promise<{ content: Uint8Array; dataKeys: Uint8Array[] }> {
  if (t.format !== "raw") {
    const src = await loadSource(ctx, { files: t.sources, opener, ...(t.extract === undefined ? {} : { extract: t.extract }) });
    const content = renderSource(ctx, src, {
      format: t.format,
      ...(t.prefix === undefined ? {} : { prefix: t.prefix }),
      ...(t.upper === undefined ? {} : { upper: t.upper }),
      ...(t.separator === undefined ? {} : { separator: t.separator }),
      ...(t.skipInvalid === undefined ? {} : { skipInvalid: t.skipInvalid }),
    });
    return { content, dataKeys: src.dataKeys };
  }
  // raw: the whole file as `decrypt` prints it, or the extracted value's bytes (a string raw, bytes as they are)
  const file = t.sources[0]!;
  const { doc, output } = await opener(file);
  if (t.extract === undefined) return { content: output.emitPlain(doc.branches), dataKeys: [doc.dataKey] };
  let v;
  try {
    v = getPath(doc.branches[0]!, parseTreePath(t.extract));
  } catch (e) {
    throw e instanceof HushError ? e.withFile(file) : e;
  }
  const content = typeof v === "string" ? utf8.encode(v) : v instanceof Uint8Array ? v : isMap(v) ? output.emitPlain([v]) : output.emitValue(v);
  return { content, dataKeys: [doc.dataKey] };
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

interface Ownership {
  uid?: number;
  gid?: number;
}

function ownership(cfg: DeployConfig, t: DeployTarget): Ownership {
  const o: Ownership = {};
  try {
    if (t.owner !== undefined) o.uid = lookupUid(t.owner);
    if (t.group !== undefined) o.gid = lookupGid(t.group);
  } catch (e) {
    throw e instanceof HushError ? new HushError("CONFIG", `deploy.${t.name}: ${e.message}`, { file: cfg.file, hints: e.hints }) : e;
  }
  const me = process.getuid?.();
  if (o.uid !== undefined && me !== undefined && me !== 0 && o.uid !== me) {
    throw new HushError("OWNER", `deploy.${t.name}.owner: only root can give a file to another user (owner ${t.owner})`, {
      file: cfg.file,
      hints: ["run hush deploy as root (sudo), or drop owner: from the target"],
    });
  }
  return o;
}

async function applyPermissions(path: string, t: DeployTarget, own: Ownership): Promise<void> {
  try {
    if (own.uid !== undefined || own.gid !== undefined) await chown(path, own.uid ?? -1, own.gid ?? -1);
    await chmod(path, t.mode);
  } catch (e) {
    throw new HushError("OWNER", `deploy.${t.name}: cannot set owner/group/mode: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: path });
  }
}

async function permissionsDrifted(path: string, t: DeployTarget, own: Ownership): Promise<boolean> {
  const st = await stat(path);
  return (st.mode & 0o7777) !== t.mode || (own.uid !== undefined && st.uid !== own.uid) || (own.gid !== undefined && st.gid !== own.gid);
}

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

/**
 * Runs the deploy section's targets.
 * @throws HushError USAGE (unknown target), CONFIG, OWNER, EXPORT and the file errors of `open`;
 *   DEPLOY_COMMAND after every selected target ran, when a command failed (names the targets)
 */
export async function deploy(ctx: FileCtx, cfg: DeployConfig, o: DeployOptions = {}): Promise<DeployReport[]> {
  const wanted = o.targets ?? [];
  for (const n of wanted) {
    if (!cfg.targets.some((t) => t.name === n)) {
      throw new HushError("USAGE", `no deploy target ${JSON.stringify(n)}`, { file: cfg.file, hints: [`targets: ${cfg.targets.map((t) => t.name).join(", ") || "(none)"}`] });
    }
  }
  const targets = wanted.length === 0 ? cfg.targets : cfg.targets.filter((t) => wanted.includes(t.name));
  const sPath = statePath(cfg.dir);
  const state = loadState(sPath, ctx.randomBytes, ctx.warn);
  const reports: DeployReport[] = [];
  const failed: string[] = [];
  // each source is opened (unwrapped, decrypted, MAC-checked) once per run, however many targets use it
  const opened = new Map<string, ReturnType<Opener>>();
  const opener: Opener = (file) => {
    let p = opened.get(file);
    if (p === undefined) {
      p = open(ctx, { file });
      opened.set(file, p);
    }
    return p;
  };
  for (const t of targets) {
    const own = ownership(cfg, t);
    const cleanup = o.cleanup === true || t.cleanup;
    const { content, dataKeys } = await render(ctx, t, opener);
    const hash = contentHash(state, dataKeys, content);
    const prev = state.targets[t.name];
    const stateSame = prev !== undefined && prev.path === t.path && prev.hash === hash;
    const onDisk = cleanup ? null : await readOrNull(t.path);
    const changed = cleanup ? !stateSame : !stateSame || !sameBytes(onDisk, content);
    const report: DeployReport = { target: t.name, path: t.path, status: changed ? (o.dryRun === true ? "would change" : "changed") : "unchanged" };
    if (!changed) {
      if (cleanup && o.dryRun !== true && (await readOrNull(t.path)) !== null) {
        // a copy left by an earlier deploy without cleanup: cleanup means no plaintext stays behind
        removeOnExit(t.path)();
        report.removed = true;
      } else if (!cleanup && o.dryRun !== true && (await permissionsDrifted(t.path, t, own))) {
        await applyPermissions(t.path, t, own);
        report.fixedPermissions = true;
      }
      reports.push(report);
      o.onReport?.(report);
      continue;
    }
    if (o.dryRun === true) {
      reports.push(report);
      o.onReport?.(report);
      continue;
    }
    const dropFile = cleanup ? removeOnExit(t.path) : undefined;
    let ok = true;
    try {
      await mkdir(dirname(t.path), { recursive: true }).catch((e: unknown) => {
        throw new HushError("WRITE_OUTPUT", `cannot create the directory: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: dirname(t.path) });
      });
      // an existing file gets its final mode and owner first: writeFileAtomic keeps them for the new bytes
      if (onDisk !== null || (await readOrNull(t.path)) !== null) await applyPermissions(t.path, t, own);
      await writeFileAtomic(t.path, content, { mode: t.mode });
      await applyPermissions(t.path, t, own);
      if (t.command !== undefined) {
        const env = { ...ctx.env, HUSH_DEPLOY_TARGET: t.name, HUSH_DEPLOY_FILE: t.path };
        const r = await runWithTimeout(t.command, { env, cwd: t.cwd, timeoutMs: t.timeoutMs });
        report.commandRan = true;
        if (r.timedOut) {
          ok = false;
          report.failure = `command timed out after ${t.timeoutMs / 1000}s`;
        } else if (r.exitCode !== 0) {
          ok = false;
          report.failure = r.signal !== null ? `command killed by ${r.signal}` : `command exited with ${r.exitCode}`;
        }
      }
    } catch (e) {
      ok = false;
      if (!(e instanceof HushError)) throw e;
      report.failure = e.message;
      if (e.code !== "GENERIC") {
        dropFile?.();
        throw e;
      }
    } finally {
      if (dropFile !== undefined) {
        dropFile();
        report.removed = true;
      }
    }
    if (ok) state.targets[t.name] = { path: t.path, hash };
    else {
      delete state.targets[t.name];
      report.status = "failed";
      failed.push(t.name);
    }
    await saveState(sPath, state);
    reports.push(report);
    o.onReport?.(report);
  }
  if (failed.length > 0) {
    throw new HushError("DEPLOY_COMMAND", `deploy.${failed[0]}: ${reports.find((r) => r.target === failed[0])?.failure ?? "failed"}`, {
      file: cfg.file,
      hints: failed.length > 1 ? [`also failed: ${failed.slice(1).join(", ")}`] : [],
    });
  }
  return reports;
}
