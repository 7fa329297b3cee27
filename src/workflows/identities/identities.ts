/**
 * `hush keys`: the identities this machine can decrypt with, from every source sops looks at, each
 * with its source and the recipient (age) or fingerprint (pgp) it answers to. Never key material:
 * only recipients, fingerprints, user ids, paths and variable names leave this file.
 */
import { spawnSync } from "node:child_process";
import { loadAgeIdentities, type AgeIdentity, type AgeSourceEnv } from "../../keys/age/index.js";
import { formatAuthorizedKey, parseSshPrivateKey } from "../../keys/age/openssh.js";
import { ageSourceEnv, type FileCtx } from "../files/index.js";

/** One identity this machine holds. */
export interface IdentityInfo {
  type: "age" | "pgp";
  /** x25519, mlkem768x25519, ssh-ed25519, ssh-rsa, passphrase-protected (age); pgp. */
  kind: string;
  /** The age recipient, SSH public key, or PGP fingerprint it matches; null when unknown (locked). */
  recipient: string | null;
  /** Where it came from: an environment variable (with its path), a file, or the gpg keyring. */
  source: string;
  /** PGP user id, when there is one. */
  uid?: string;
}

/** What `listIdentities` found, and problems met (never key material). */
export interface IdentityReport {
  identities: IdentityInfo[];
  problems: string[];
}

interface AgeSource {
  label: string;
  src: AgeSourceEnv;
}

/** One restricted AgeSourceEnv per source, so each identity can be named by where it was found. */
function ageSources(base: AgeSourceEnv): AgeSource[] {
  const only = (name: string): Record<string, string | undefined> => ({ [name]: base.env[name] });
  const out: AgeSource[] = [];
  const withPath = (name: string): string => `${name} (${base.env[name]})`;
  for (const name of ["SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_CMD"]) {
    if (base.env[name] !== undefined) out.push({ label: name === "SOPS_AGE_SSH_PRIVATE_KEY_FILE" ? withPath(name) : name, src: { ...base, env: only(name), homeDir: "", configDir: "" } });
  }
  if (base.homeDir !== "") out.push({ label: "~/.ssh", src: { ...base, env: {}, configDir: "" } });
  for (const name of ["SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY_CMD"]) {
    if (base.env[name] !== undefined) out.push({ label: name === "SOPS_AGE_KEY_FILE" ? withPath(name) : name, src: { ...base, env: only(name), homeDir: "", configDir: "" } });
  }
  if (base.configDir !== "") out.push({ label: `${base.configDir}/sops/age/keys.txt`, src: { ...base, env: {}, homeDir: "" } });
  return out;
}

/** The SSH public key of an ssh identity's file: its .pub, else the public half of the private key. */
function sshPublic(src: AgeSourceEnv, path: string): string | null {
  const pub = src.readFile(`${path}.pub`);
  if (pub !== null) {
    const words = Buffer.from(pub).toString("utf8").trim().split(/\s+/);
    if (words.length >= 2) return `${words[0]} ${words[1]}`;
  }
  try {
    const priv = src.readFile(path);
    if (priv === null) return null;
    const parsed = parseSshPrivateKey(Buffer.from(priv).toString("utf8"));
    const pk = parsed.encrypted ? parsed.publicKey : parsed.key.publicKey;
    return pk === null ? null : formatAuthorizedKey(pk);
  } catch {
    return null;
  }
}

async function describeAge(id: AgeIdentity, label: string, src: AgeSourceEnv): Promise<IdentityInfo> {
  const d = id.describe();
  if (id.kind === "x25519") return { type: "age", kind: id.kind, recipient: d, source: label };
  if (id.kind === "mlkem768x25519") {
    const withRecipient = id as AgeIdentity & { recipient?: () => Promise<string> };
    const r = typeof withRecipient.recipient === "function" ? await withRecipient.recipient() : null;
    return { type: "age", kind: id.kind, recipient: r, source: label };
  }
  if (d.startsWith("passphrase-protected identity file ")) return { type: "age", kind: "passphrase-protected", recipient: null, source: label };
  // an age plugin identity describes itself as "age-plugin-<name> identity"; its recipient is the plugin's to tell
  if (id.kind === "plugin") return { type: "age", kind: d.replace(/ identity$/, ""), recipient: null, source: label };
  // ssh keys describe themselves as "ssh key <path or variable>"
  const where = d.replace(/^ssh key /, "");
  const path = where.startsWith("/") || where.startsWith("~") || where.includes("/") ? where : null;
  return { type: "age", kind: id.kind, recipient: path === null ? null : sshPublic(src, path), source: label === "~/.ssh" ? where : label };
}

/** Parses `gpg --list-secret-keys --with-colons`: primary secret keys with fingerprint and first user id. */
export function parseGpgSecretKeys(colons: string): { fingerprint: string; uid?: string }[] {
  const out: { fingerprint: string; uid?: string }[] = [];
  let cur: { fingerprint: string; uid?: string } | null = null;
  let inPrimary = false;
  for (const line of colons.split("\n")) {
    const f = line.split(":");
    if (f[0] === "sec") {
      inPrimary = true;
      cur = null;
    } else if (f[0] === "ssb") inPrimary = false;
    else if (f[0] === "fpr" && inPrimary && cur === null) {
      cur = { fingerprint: f[9] ?? "" };
      out.push(cur);
    } else if (f[0] === "uid" && cur !== null && cur.uid === undefined && f[9] !== undefined && f[9] !== "") cur.uid = unescapeColons(f[9]);
  }
  return out;
}

function unescapeColons(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The identities of this machine: age from every sops source (with the same environment as decrypt),
 * then PGP secret keys from gpg when it is installed.
 */
export async function listIdentities(ctx: FileCtx): Promise<IdentityReport> {
  const base = ageSourceEnv(ctx);
  const identities: IdentityInfo[] = [];
  const problems: string[] = [];
  for (const { label, src } of ageSources(base)) {
    const load = await loadAgeIdentities(src);
    for (const id of load.identities) identities.push(await describeAge(id, label, src));
    for (const e of load.errors) if (e !== "user config directory could not be determined") problems.push(`${label}: ${e}`);
  }
  const gpg = ctx.env["SOPS_GPG_EXEC"] ?? "gpg";
  const r = spawnSync(gpg, ["--batch", "--list-secret-keys", "--with-colons"], { env: ctx.env as NodeJS.ProcessEnv, encoding: "utf8" });
  if (r.error === undefined && r.status === 0) {
    const home = ctx.env["GNUPGHOME"] ?? "~/.gnupg";
    for (const k of parseGpgSecretKeys(r.stdout)) {
      identities.push({ type: "pgp", kind: "pgp", recipient: k.fingerprint, source: `gpg keyring (${home})`, ...(k.uid === undefined ? {} : { uid: k.uid }) });
    }
  } else if (r.error === undefined) problems.push(`${gpg} --list-secret-keys failed (exit ${r.status ?? "signal"})`);
  return { identities, problems };
}
