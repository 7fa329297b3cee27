/**
 * `hush install-secrets MANIFEST [--root DIR]`: sops-nix's sops-install-secrets, on hush's engine.
 *
 * Order, so that a failure never leaves a half-installed generation behind the symlink:
 * 1. parse the manifest, resolve owners and groups, check hush may set them (root, or userMode);
 * 2. decrypt every secret into memory (each sops file once); a missing key is an error naming the
 *    secret and the key, and nothing on disk has changed yet;
 * 3. write a fresh generation `<secretsMountPoint>/<N+1>` (0751, root:keys), one file per secret with its
 *    mode and owner, and each template rendered (placeholders → values) into `rendered/<name>`; on any
 *    failure the new generation is removed;
 * 4. switch `symlinkPath` to it atomically (a symlink made under a temporary name, then renamed over);
 * 5. point each secret's `path` outside the mount at `<symlinkPath>/<name>`, each template's at
 *    `<symlinkPath>/rendered/<name>` (same temp + rename);
 * 6. prune generations older than keepGenerations (0 keeps all).
 *
 * As root, without --root and not in userMode, the mount point gets a ramfs first (a tmpfs with noswap
 * with useTmpfs), as sops-nix mounts one, unless one is mounted there already. Where mounting is not
 * allowed (a container), hush warns and installs into the directory as it is; sops-nix would stop.
 *
 * `--root DIR` prefixes every absolute path of the manifest; symlink targets stay the paths as seen
 * inside DIR, so the tree works when DIR becomes `/` (a container or chroot). Owners are looked up in
 * DIR/etc when it has a passwd file, else /etc. Nothing is mounted under --root.
 */
import { constants as fsConstants, existsSync, readFileSync } from "node:fs";
import { chmod, chown, lchown, lstat, mkdir, mkdtemp, open, readFile, readdir, readlink, rename, rm, symlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { HushError } from "../../errors.js";
import { x25519IdentityFromSshKey } from "../../keys/age/index.js";
import { sshRsaKeyToOpenPgp } from "../../keys/pgp-ssh.js";
import { childProcess } from "../../deps.js";
import { createPrivateTempDir, removePrivateTempDir } from "../../sys/private-temp.js";
import { mountSecretFs } from "../../sys/mounts.js";
import { lookupGid, lookupUid } from "../../sys/users.js";
import { valToString } from "../../tree/go-format.js";
import { Comment, isList, isMap, type TreeMap, type Value } from "../../tree/index.js";
import { readEncrypted } from "../../engine/index.js";
import { decryptFile, open as openSops, pickStore, type FileCtx } from "../files/index.js";
import { parseManifest, type Manifest, type ManifestSecret } from "./manifest.js";
import { propagateUnits, type UnitsVia } from "./units.js";

/** Options of installSecrets. */
export interface InstallOptions {
  manifest: string;
  /** Prefix for every absolute path in the manifest. */
  root?: string;
  /** sops-nix's -ignore-passwd: look up no owner or group; everything is root's (or yours in userMode). */
  ignorePasswd?: boolean;
}

/** What changed. */
export interface InstallReport {
  generation: number;
  /** The new generation directory (on this machine, root prefix included). */
  dir: string;
  symlinkPath: string;
  added: string[];
  changed: string[];
  removed: string[];
  pruned: number[];
  /** restartUnits/reloadUnits of the secrets added or changed since the previous generation (none on a first install, as sops-nix). */
  restart: string[];
  reload: string[];
  /** How the units were passed on (units.ts): systemctl, the NixOS activation lists, or not at all. */
  unitsVia: UnitsVia;
  /** NIXOS_ACTION=dry-activate: nothing was written or switched; `generation` is the one that would be made. */
  dry: boolean;
}

interface Resolved extends ManifestSecret {
  owner_: number;
  group_: number;
  value: Uint8Array;
}

const utf8 = new TextEncoder();
/** sops-nix's RenderedSubdir: where templates go inside a generation. */
const RENDERED = "rendered";

/** sops-nix's key lookup: `a/b/c` through nested mappings; the value must be a scalar. */
function lookupKey(tree: TreeMap, key: string, s: ManifestSecret, manifestFile: string): Uint8Array {
  let cur: Value = tree;
  const parts = key.split("/");
  for (let i = 0; i < parts.length; i++) {
    const so_far = parts.slice(0, i + 1).join("/");
    if (!isMap(cur)) {
      throw new HushError("GENERIC", `secret ${JSON.stringify(s.name)}: key '${parts.slice(0, i).join("/")}' does not refer to a dictionary`, { file: manifestFile, hints: [`in ${s.sopsFile}`] });
    }
    let next: Value | undefined;
    for (const it of cur.items) if (!(it instanceof Comment) && it.key === parts[i]) next = it.value;
    if (next === undefined) {
      throw new HushError("GENERIC", `secret ${JSON.stringify(s.name)}: the key '${so_far}' cannot be found in ${s.sopsFile}`, {
        file: manifestFile,
        hints: ["nothing was installed; the current generation is unchanged"],
      });
    }
    cur = next;
  }
  if (isMap(cur) || isList(cur)) throw new HushError("GENERIC", `secret ${JSON.stringify(s.name)}: the value of key '${key}' is not a string`, { file: manifestFile, hints: [`in ${s.sopsFile}`] });
  if (cur instanceof Uint8Array) return cur;
  return utf8.encode(typeof cur === "string" ? cur : valToString(cur));
}

async function decryptAll(ctx: FileCtx, m: Manifest, rooted: (p: string) => string, manifestFile: string): Promise<Map<string, Uint8Array>> {
  const trees = new Map<string, TreeMap>();
  const whole = new Map<string, Uint8Array>();
  const out = new Map<string, Uint8Array>();
  for (const s of m.secrets) {
    const file = rooted(s.sopsFile);
    const cacheKey = `${s.format}\0${file}`;
    try {
      if (s.key === "" || s.format === "binary" || s.format === "dotenv" || s.format === "ini") {
        let b = whole.get(cacheKey);
        if (b === undefined) {
          b = await decryptFile(ctx, { file, inputType: s.format, outputType: s.format });
          whole.set(cacheKey, b);
        }
        out.set(s.name, b);
        continue;
      }
      let t = trees.get(cacheKey);
      if (t === undefined) {
        const { doc } = await openSops(ctx, { file, inputType: s.format });
        t = doc.branches[0] ?? { kind: "map", items: [] };
        trees.set(cacheKey, t);
      }
      out.set(s.name, lookupKey(t, s.key, s, manifestFile));
    } catch (e) {
      if (e instanceof HushError && e.file !== manifestFile) e.hints.push(`while decrypting secret ${JSON.stringify(s.name)}; nothing was installed`);
      throw e;
    }
  }
  return out;
}

async function writeSecretFile(path: string, s: Resolved, doChown: boolean): Promise<void> {
  const fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  try {
    await fh.writeFile(s.value);
    if (doChown) await fh.chown(s.owner_, s.group_);
    await fh.chmod(s.mode); // after chown, which may clear set-id bits; not subject to the umask
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function mkdirOwned(dir: string, keysGid: number, doChown: boolean): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o751 });
  await chmod(dir, 0o751);
  if (doChown) await chown(dir, 0, keysGid);
}

/** A symlink `link` → `target`, replacing what is there atomically (temp name in the same dir + rename). */
async function atomicSymlink(target: string, link: string, owner: { uid: number; gid: number } | null): Promise<void> {
  await mkdir(dirname(link), { recursive: true, mode: 0o755 });
  try {
    const st = await lstat(link);
    if (st.isSymbolicLink() && (await readlink(link)) === target && (owner === null || (st.uid === owner.uid && st.gid === owner.gid))) return;
    // never delete a directory someone put where a secret's link goes (sops-nix's os.Remove fails there too)
    if (st.isDirectory()) throw new HushError("WRITE_OUTPUT", "cannot replace a directory with the secret's symlink", { file: link });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const tmp = await mkdtemp(join(dirname(link), `.${basename(link)}.`));
  try {
    const p = join(tmp, "link");
    await symlink(target, p);
    if (owner !== null) await lchown(p, owner.uid, owner.gid);
    await rename(p, link);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Installs the manifest's secrets (see the file header).
 * @throws HushError CONFIG (manifest, users), OWNER (not root), GENERIC (missing key, naming secret and key),
 *   the decrypt errors of the file workflows, WRITE_OUTPUT (disk)
 */
export async function installSecrets(ctx: FileCtx, o: InstallOptions): Promise<InstallReport> {
  const manifestFile = o.manifest;
  let text: string;
  try {
    text = await readFile(isAbsolute(o.manifest) ? o.manifest : resolve(ctx.cwd, o.manifest), "utf8");
  } catch {
    throw new HushError("READ_INPUT", "cannot read the manifest", { file: manifestFile });
  }
  const m = parseManifest(text, manifestFile, ctx.env["XDG_RUNTIME_DIR"]);
  const root = o.root === undefined ? undefined : resolve(ctx.cwd, o.root);
  const rooted = (p: string): string => (isAbsolute(p) ? (root === undefined ? p : join(root, p)) : resolve(ctx.cwd, p));
  const etc = root !== undefined && existsSync(join(root, "etc", "passwd")) ? join(root, "etc") : "/etc";
  const me = process.getuid?.() ?? 0;
  const doChown = !m.userMode && me === 0;
  // as sops-nix: under -ignore-passwd, and in a NixOS dry activation (its users may not exist yet), owners are root
  const rootOwned = o.ignorePasswd === true || ctx.env["NIXOS_ACTION"] === "dry-activate";

  /** uid and gid of a secret or template, checked against who may set them. */
  const ownerOf = (what: string, s: { owner?: string; uid: number; group?: string; gid: number }): { uid: number; gid: number } => {
    if (rootOwned) return m.userMode ? { uid: me, gid: process.getgid?.() ?? 0 } : { uid: 0, gid: 0 };
    let uid: number;
    let gid: number;
    try {
      uid = s.owner === undefined ? s.uid : lookupUid(s.owner, etc);
      gid = s.group === undefined ? s.gid : lookupGid(s.group, etc);
    } catch (e) {
      throw e instanceof HushError ? new HushError("CONFIG", `${what}: ${e.message}`, { file: manifestFile, hints: e.hints }) : e;
    }
    if (!m.userMode && me !== 0 && (uid !== me || gid !== process.getgid?.())) {
      throw new HushError("OWNER", `${what}: only root can install it as ${s.owner ?? uid}:${s.group ?? gid}`, {
        file: manifestFile,
        hints: ["run as root (as sops-nix does at activation), or set userMode: true to install as yourself without chown"],
      });
    }
    return { uid, gid };
  };
  const resolved: Resolved[] = [];
  for (const s of m.secrets) {
    const { uid, gid } = ownerOf(`secret ${JSON.stringify(s.name)}`, s);
    resolved.push({ ...s, owner_: uid, group_: gid, value: new Uint8Array() });
  }
  // templates go into <generation>/rendered/<name> (sops-nix's RenderedSubdir) and are linked like secrets
  const templates = m.templates.map((t) => {
    const { uid, gid } = ownerOf(`template ${JSON.stringify(t.name)}`, t);
    let text = t.content;
    if (text === undefined) {
      try {
        text = readFileSync(rooted(t.file ?? ""), "utf8");
      } catch (e) {
        throw new HushError("READ_INPUT", `template ${JSON.stringify(t.name)}: cannot read ${t.file}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: manifestFile });
      }
    }
    return { t, text, uid, gid };
  });
  let keysGid = 0;
  if (doChown && o.ignorePasswd !== true) {
    try {
      keysGid = lookupGid("keys", etc);
    } catch {
      keysGid = lookupGid("nogroup", etc);
    }
  }

  const env = { ...ctx.env };
  if (m.ageSshKeyPaths.length > 0 || m.ageKeyFile !== undefined) {
    // sops-nix (importAgeSSHKeys): SOPS_AGE_KEY_FILE becomes a file of each ed25519 ssh key converted to an
    // age X25519 identity (what `ssh-to-age` makes of the host key, the recipient .sops.yaml names), then
    // the ageKeyFile's content. A key that cannot be read or converted is reported and skipped. hush keeps
    // that list in memory (SOPS_AGE_KEY) instead of writing it next to the secrets.
    const keys: string[] = [];
    for (const { p, text } of readSshKeys(ctx, m.ageSshKeyPaths, rooted)) {
      try {
        keys.push(x25519IdentityFromSshKey(text));
      } catch (e) {
        ctx.warn(`cannot convert ssh key '${p}': ${e instanceof HushError ? e.message : "not an ed25519 key"}`);
      }
    }
    if (m.ageKeyFile !== undefined) {
      try {
        keys.push(readFileSync(rooted(m.ageKeyFile), "utf8"));
      } catch (e) {
        throw new HushError("READ_INPUT", `cannot read keyfile: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: m.ageKeyFile });
      }
    }
    env["SOPS_AGE_KEY"] = [...(ctx.env["SOPS_AGE_KEY"] === undefined ? [] : [ctx.env["SOPS_AGE_KEY"]]), ...keys].join("\n");
    delete env["SOPS_AGE_KEY_FILE"];
  }
  if (m.gnupgHome !== undefined) env["GNUPGHOME"] = rooted(m.gnupgHome);
  // sops-nix (importSSHKeys): each RSA host key becomes an OpenPGP key (ssh-to-pgp's, same fingerprint) in a
  // throw-away GnuPG home, which decryption then uses; a key that cannot be read or converted is reported
  const gpgHome = m.sshKeyPaths.length > 0 ? sshKeysGpgHome(ctx, m.sshKeyPaths, rooted) : undefined;
  if (gpgHome !== undefined) env["GNUPGHOME"] = gpgHome;
  let values: Map<string, Uint8Array>;
  try {
    values = await decryptAll({ ...ctx, env }, m, rooted, manifestFile);
  } finally {
    if (gpgHome !== undefined) {
      // the agent gpg started for the import holds the key too: stop it before the directory goes
      childProcess().spawnSync("gpgconf", ["--homedir", gpgHome, "--kill", "gpg-agent"], { stdio: "ignore" });
      removePrivateTempDir(gpgHome);
    }
  }
  for (const r of resolved) r.value = values.get(r.name)!;
  for (const { t, text, uid, gid } of templates) {
    // every placeholder replaced by its secret's bytes (sops-nix renderTemplate: strings.ReplaceAll), byte for byte
    let out = Buffer.from(text, "utf8").toString("latin1");
    for (const r of resolved.slice(0, m.secrets.length)) {
      const ph = m.placeholderBySecretName[r.name];
      if (ph !== undefined) out = out.split(Buffer.from(ph, "utf8").toString("latin1")).join(Buffer.from(r.value).toString("latin1"));
    }
    resolved.push({
      name: `${RENDERED}/${t.name}`,
      key: "",
      path: t.path,
      sopsFile: "",
      format: "binary",
      mode: t.mode,
      uid: t.uid,
      gid: t.gid,
      restartUnits: t.restartUnits,
      reloadUnits: t.reloadUnits,
      owner_: uid,
      group_: gid,
      value: new Uint8Array(Buffer.from(out, "latin1")),
    });
  }

  try {
    // only for the real tree: with --root hush builds a directory tree (an image, a test) and mounts nothing
    const dry = ctx.env["NIXOS_ACTION"] === "dry-activate";
    const report = await materialise(m, resolved, rooted, keysGid, doChown, doChown && root === undefined && process.platform === "linux", ctx.warn, dry);
    if (!m.userMode) report.unitsVia = await propagateUnits(report.restart, report.reload, { env: ctx.env, dry, rooted, note: ctx.note ?? ctx.warn });
    return report;
  } catch (e) {
    if (e instanceof HushError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new HushError("WRITE_OUTPUT", `cannot install the secrets: ${err.code ?? String(e)}`, { ...(err.path === undefined ? {} : { file: err.path }), cause: e });
  }
}

/** The ssh private keys of `paths` that can be read, one at a time; the others are reported and skipped, as sops-nix does. */
function* readSshKeys(ctx: FileCtx, paths: readonly string[], rooted: (p: string) => string): Generator<{ p: string; text: string }> {
  for (const p of paths) {
    let text: string;
    try {
      text = readFileSync(rooted(p), "utf8");
    } catch (e) {
      ctx.warn(`cannot read ssh key '${p}': ${(e as NodeJS.ErrnoException).code ?? "error"}`);
      continue;
    }
    yield { p, text };
  }
}

/** A private GnuPG home holding each of `paths`' RSA keys as an OpenPGP key; problems are warned about and skipped. */
function sshKeysGpgHome(ctx: FileCtx, paths: readonly string[], rooted: (p: string) => string): string {
  const home = createPrivateTempDir(undefined, "hush-gpg-");
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  const gpg = ctx.env["SOPS_GPG_EXEC"] || "gpg";
  for (const { p, text } of readSshKeys(ctx, paths, rooted)) {
    let key;
    try {
      key = sshRsaKeyToOpenPgp(text);
    } catch (e) {
      ctx.warn(`cannot convert ssh key '${p}': ${e instanceof HushError ? e.message : "malformed key"}`);
      continue;
    }
    const r = childProcess().spawnSync(gpg, ["--homedir", home, "--batch", "--quiet", "--import"], { input: key.packets, env, stdio: ["pipe", "ignore", "pipe"], encoding: "buffer" });
    if (r.status !== 0) ctx.warn(`cannot import ssh key '${p}' into gpg (${r.error === undefined ? `exit ${r.status}` : (r.error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return home;
}

/** Steps 3–6 of the file header: write, switch, link, prune. */
async function materialise(
  m: Manifest,
  resolved: Resolved[],
  rooted: (p: string) => string,
  keysGid: number,
  doChown: boolean,
  mountFs: boolean,
  warn: (line: string) => void,
  dry: boolean,
): Promise<InstallReport> {
  const mountHost = rooted(m.secretsMountPoint);
  const linkHost = rooted(m.symlinkPath);
  await mkdir(mountHost, { recursive: true, mode: 0o751 });
  // as sops-nix: a ramfs (or tmpfs, noswap) at the mount point, so the secrets never reach a disk or swap
  if (mountFs) {
    try {
      mountSecretFs(mountHost, m.useTmpfs);
    } catch (e) {
      // sops-nix stops here; hush goes on into the directory as it is (a container without CAP_SYS_ADMIN,
      // where /run is usually a tmpfs already), and says so
      if (!(e instanceof HushError)) throw e;
      warn(`${e.message}; installing into ${m.secretsMountPoint} as it is`);
    }
  }
  if (doChown) await chown(mountHost, 0, keysGid);

  let generation = 0;
  let oldGen: string | undefined;
  try {
    const target = await readlink(linkHost);
    if (target.startsWith(m.secretsMountPoint)) {
      generation = Number(basename(target));
      if (!Number.isSafeInteger(generation)) throw new HushError("GENERIC", `cannot parse ${basename(target)} of ${target} as a generation number`, { file: m.symlinkPath });
      oldGen = join(mountHost, basename(target));
    }
  } catch (e) {
    if (e instanceof HushError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EINVAL") await rm(linkHost, { recursive: true, force: true }); // a real file or directory: sops-nix replaces it
    else if (code !== "ENOENT") throw new HushError("GENERIC", `cannot access ${m.symlinkPath}: ${code}`, { cause: e });
  }
  // what changed, against the generation the symlink pointed at
  const added: string[] = [];
  const changed: string[] = [];
  const before = oldGen === undefined ? [] : await listFiles(oldGen);
  for (const s of resolved) {
    let old: Buffer | null = null;
    if (oldGen !== undefined) old = await readFile(join(oldGen, s.name)).catch(() => null);
    if (old === null) added.push(s.name);
    else if (!old.equals(Buffer.from(s.value))) changed.push(s.name);
  }
  const names = new Set(resolved.map((s) => s.name));
  const removed = before.filter((n) => !names.has(n));

  const touched = oldGen === undefined ? [] : resolved.filter((s) => added.includes(s.name) || changed.includes(s.name));
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  const restart = uniq(touched.flatMap((s) => s.restartUnits));
  const reload = uniq(touched.flatMap((s) => s.reloadUnits));
  if (dry) {
    // NixOS dry-activate: report what would change, write and switch nothing
    return { generation: generation + 1, dir: join(mountHost, String(generation + 1)), symlinkPath: m.symlinkPath, added, changed, removed, pruned: [], restart, reload, unitsVia: "none", dry: true };
  }
  generation++;
  const genHost = join(mountHost, String(generation));
  const genInRoot = join(m.secretsMountPoint, String(generation));
  await rm(genHost, { recursive: true, force: true });
  try {
    await mkdirOwned(genHost, keysGid, doChown);
    for (const s of resolved) {
      const p = join(genHost, s.name);
      if (s.name.includes("/")) {
        let d = genHost;
        for (const part of s.name.split("/").slice(0, -1)) {
          d = join(d, part);
          await mkdirOwned(d, keysGid, doChown);
        }
      }
      await writeSecretFile(p, s, doChown);
    }
  } catch (e) {
    await rm(genHost, { recursive: true, force: true });
    if (e instanceof HushError) throw e;
    throw new HushError("WRITE_OUTPUT", `cannot write the new generation: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: genHost, cause: e });
  }

  await atomicSymlink(genInRoot, linkHost, null);
  for (const s of resolved) {
    const targetFile = join(m.symlinkPath, s.name);
    if (targetFile === s.path) continue;
    await atomicSymlink(targetFile, rooted(s.path), doChown ? { uid: s.owner_, gid: s.group_ } : null);
  }

  const pruned: number[] = [];
  if (m.keepGenerations > 0) {
    for (const n of await readdir(mountHost)) {
      if (!/^\d+$/.test(n)) continue;
      const g = Number(n);
      if (g !== generation && generation - m.keepGenerations >= g) {
        await rm(join(mountHost, n), { recursive: true, force: true });
        pruned.push(g);
      }
    }
  }
  return {
    generation,
    dir: genHost,
    symlinkPath: m.symlinkPath,
    added,
    changed,
    removed,
    pruned: pruned.sort((a, b) => a - b),
    restart,
    reload,
    unitsVia: "none",
    dry: false,
  };
}

/** What `--check-mode` looked at. */
export interface CheckReport {
  secrets: number;
  /** sops files read (sopsfile mode). */
  files: number;
}

/**
 * sops-nix's `-check-mode` (what NixOS runs at build time): `manifest` checks the manifest only;
 * `sopsfile` also reads each sops file (nothing is decrypted: its keys are in the clear), checks it is
 * one of its format, that every secret naming it gives the same format, and that each secret's key is
 * there and holds a value. Nothing is written.
 * @throws HushError CONFIG naming the secret, the file and the problem; READ_INPUT for an unreadable file
 */
export async function checkManifest(ctx: FileCtx, o: InstallOptions & { mode: "manifest" | "sopsfile" }): Promise<CheckReport> {
  let text: string;
  try {
    text = await readFile(isAbsolute(o.manifest) ? o.manifest : resolve(ctx.cwd, o.manifest), "utf8");
  } catch {
    throw new HushError("READ_INPUT", "cannot read the manifest", { file: o.manifest });
  }
  // a build checks a manifest for another machine: %r needs no runtime directory here (sops-nix uses "")
  const m = parseManifest(text, o.manifest, ctx.env["XDG_RUNTIME_DIR"] ?? "");
  if (o.mode === "manifest") return { secrets: m.secrets.length, files: 0 };
  const root = o.root === undefined ? undefined : resolve(ctx.cwd, o.root);
  const rooted = (p: string): string => (isAbsolute(p) ? (root === undefined ? p : join(root, p)) : resolve(ctx.cwd, p));
  const first = new Map<string, ManifestSecret>();
  const trees = new Map<string, TreeMap>();
  for (const s of m.secrets) {
    const before = first.get(s.sopsFile);
    if (before !== undefined && before.format !== s.format) {
      throw new HushError("CONFIG", `secret ${JSON.stringify(s.name)} defined the format of ${s.sopsFile} as ${s.format}, but it was specified as ${before.format} in ${JSON.stringify(before.name)} before`, { file: o.manifest });
    }
    if (before === undefined) {
      first.set(s.sopsFile, s);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(rooted(s.sopsFile));
      } catch (e) {
        throw new HushError("READ_INPUT", `failed reading ${s.sopsFile}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { file: o.manifest });
      }
      try {
        trees.set(s.sopsFile, readEncrypted(bytes, pickStore(s.sopsFile, s.format), s.sopsFile).branches[0] ?? { kind: "map", items: [] });
      } catch (e) {
        throw new HushError("CONFIG", `cannot parse ${s.format} of '${s.sopsFile}': ${e instanceof HushError ? e.message : "malformed"}`, { file: o.manifest });
      }
    }
    if (s.key !== "" && (s.format === "yaml" || s.format === "json")) lookupKey(trees.get(s.sopsFile) as TreeMap, s.key, s, o.manifest);
  }
  return { secrets: m.secrets.length, files: first.size };
}
