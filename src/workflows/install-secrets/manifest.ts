/**
 * The sops-nix manifest (Mic92/sops-nix pkgs/sops-install-secrets main.go `manifest`), as JSON.
 *
 * Supported: secrets[] {name, key, path, owner | uid, group | gid, sopsFile, format (yaml | json | dotenv
 * | ini | binary; "" = yaml), mode (octal string; missing = "0400"), restartUnits/reloadUnits (reported for
 * the secrets that changed; hush restarts nothing)}, secretsMountPoint, symlinkPath, keepGenerations, ageKeyFile (used as
 * SOPS_AGE_KEY_FILE), ageSshKeyPaths (each ed25519 key converted to an age identity, as sops-nix does), gnupgHome (as GNUPGHOME),
 * userMode (no chown; `%r` is $XDG_RUNTIME_DIR), useTmpfs (tmpfs with noswap instead of ramfs), logging (accepted),
 * templates[] {name, content | file, path, mode, owner | uid, group | gid, restartUnits/reloadUnits} with
 * placeholderBySecretName (every secret's placeholder, replaced by its value in each template).
 * sshKeyPaths (RSA host keys made into GPG keys, as sops-nix does). Every problem is collected with its JSON path.
 */
import { HushError } from "../../errors.js";

export type SecretFormat = "yaml" | "json" | "dotenv" | "ini" | "binary";

/** One secret to materialise. */
export interface ManifestSecret {
  name: string;
  /** `a/b` (sops-nix's slash-separated key path); "" = the whole decrypted file. */
  key: string;
  path: string;
  owner?: string;
  uid: number;
  group?: string;
  gid: number;
  sopsFile: string;
  format: SecretFormat;
  mode: number;
  /** Units sops-nix would restart/reload when this secret changes; hush only reports them. */
  restartUnits: string[];
  reloadUnits: string[];
}

/** One template to render (sops-nix `sops.templates`): into `<generation>/rendered/<name>`, linked from `path`. */
export interface ManifestTemplate {
  name: string;
  /** The text, with secrets' placeholders; or `file` to read it from. */
  content?: string;
  file?: string;
  path: string;
  owner?: string;
  uid: number;
  group?: string;
  gid: number;
  mode: number;
  restartUnits: string[];
  reloadUnits: string[];
}

/** The parts of the manifest hush uses. */
export interface Manifest {
  secrets: ManifestSecret[];
  templates: ManifestTemplate[];
  /** Secret name → the placeholder string templates use for it (only checked when there are templates). */
  placeholderBySecretName: Record<string, string>;
  secretsMountPoint: string;
  symlinkPath: string;
  keepGenerations: number;
  ageKeyFile?: string;
  /** ssh private keys whose ed25519 ones become age X25519 identities (sops-nix importAgeSSHKeys). */
  ageSshKeyPaths: string[];
  /** ssh private keys whose RSA ones become OpenPGP keys in a throw-away GnuPG home (sops-nix importSSHKeys). */
  sshKeyPaths: string[];
  gnupgHome?: string;
  userMode: boolean;
  /** Mount a tmpfs (noswap) at the mount point instead of a ramfs. */
  useTmpfs: boolean;
}

const FORMATS = new Set(["yaml", "json", "dotenv", "ini", "binary"]);
const SECRET_KEYS = new Set(["name", "key", "path", "owner", "uid", "group", "gid", "sopsFile", "format", "mode", "restartUnits", "reloadUnits"]);
const TEMPLATE_KEYS = new Set(["name", "content", "file", "path", "owner", "uid", "group", "gid", "mode", "restartUnits", "reloadUnits"]);

/** sops-nix's `%r` (runtime dir) and `%%` (a literal %) in user-mode paths. */
export function replaceRuntimeDir(path: string, runDir: string): string {
  return path.split("%%").map((p) => p.replaceAll("%r", runDir)).join("%");
}

/**
 * Parses and validates a manifest.
 * @throws HushError CONFIG listing every problem with its JSON path (`secrets[1].mode: …`)
 */
export function parseManifest(text: string, file: string, runDir: string | undefined): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HushError("CONFIG", `the manifest is not valid JSON: ${(e as Error).message}`, { file });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new HushError("CONFIG", "the manifest must be a JSON object", { file });
  const m = raw as Record<string, unknown>;
  const problems: string[] = [];
  const str = (o: Record<string, unknown>, k: string, at: string, required = false): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) {
      if (required) problems.push(`${at}${k}: required`);
      return undefined;
    }
    if (typeof v !== "string") {
      problems.push(`${at}${k}: must be a string`);
      return undefined;
    }
    if (required && v === "") problems.push(`${at}${k}: must not be empty`);
    return v;
  };
  const userMode = m["userMode"] === true;
  if (userMode && runDir === undefined) problems.push("userMode: needs $XDG_RUNTIME_DIR to be set");
  const fix = (p: string): string => (userMode ? replaceRuntimeDir(p, runDir ?? "") : p);
  const mount = str(m, "secretsMountPoint", "", true);
  const link = str(m, "symlinkPath", "", true);
  let keep = 0;
  if (m["keepGenerations"] !== undefined && m["keepGenerations"] !== null) {
    const k = m["keepGenerations"];
    if (typeof k === "number" && Number.isInteger(k) && k >= 0) keep = k;
    else problems.push("keepGenerations: must be a whole number ≥ 0");
  }
  const paths = (k: "sshKeyPaths" | "ageSshKeyPaths"): string[] => {
    const v = m[k];
    if (v !== undefined && v !== null && !Array.isArray(v)) problems.push(`${k}: must be a list`);
    const out: string[] = [];
    for (const [i, p] of (Array.isArray(v) ? v : []).entries()) {
      if (typeof p === "string" && p !== "") out.push(p);
      else problems.push(`${k}[${i}]: must be a path`);
    }
    return out;
  };
  const sshKeyPaths = paths("sshKeyPaths");
  // sops-nix: "gnupgHome and X were specified in the manifest. Both options are mutually exclusive."
  const home = m["gnupgHome"];
  if (typeof home === "string" && home !== "") {
    if (sshKeyPaths.length > 0) problems.push("gnupgHome and sshKeyPaths were specified in the manifest. Both options are mutually exclusive.");
    if (typeof m["ageKeyFile"] === "string" && m["ageKeyFile"] !== "") problems.push("gnupgHome and ageKeyFile were specified in the manifest. Both options are mutually exclusive.");
  }
  const ageSsh = paths("ageSshKeyPaths");
  /** The fields secrets and templates share: owner/group (or uid/gid), an octal mode, units. */
  const common = (o: Record<string, unknown>, at: string) => {
    const owner = str(o, "owner", at);
    const group = str(o, "group", at);
    const modeText = str(o, "mode", at) ?? "0400";
    const mode = /^[0-7]{1,4}$/.test(modeText) ? parseInt(modeText, 8) : null;
    if (mode === null) problems.push(`${at}mode: invalid octal mode ${JSON.stringify(modeText)}`);
    const id = (k: "uid" | "gid"): number => {
      const v = o[k];
      if (v === undefined || v === null) return 0;
      if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
      problems.push(`${at}${k}: must be a whole number ≥ 0`);
      return 0;
    };
    const units = (k: "restartUnits" | "reloadUnits"): string[] => {
      const v = o[k];
      if (v === undefined || v === null) return [];
      if (Array.isArray(v) && v.every((u) => typeof u === "string")) return v as string[];
      problems.push(`${at}${k}: must be a list of unit names`);
      return [];
    };
    return { owner, group, mode, uid: id("uid"), gid: id("gid"), restartUnits: units("restartUnits"), reloadUnits: units("reloadUnits") };
  };
  const checkName = (name: string | undefined, at: string, seen: Set<string>): void => {
    if (name === undefined) return;
    if (seen.has(name)) problems.push(`${at}name: ${JSON.stringify(name)} appears twice`);
    seen.add(name);
    if (name.startsWith("/") || name.split("/").some((p) => p === ".." || p === "." || p === "")) problems.push(`${at}name: must be a relative path without . or .. parts`);
  };
  const secrets: ManifestSecret[] = [];
  const list = m["secrets"];
  if (list !== undefined && list !== null && !Array.isArray(list)) problems.push("secrets: must be a list");
  const names = new Set<string>();
  for (const [i, s] of (Array.isArray(list) ? list : []).entries()) {
    const at = `secrets[${i}].`;
    if (s === null || typeof s !== "object" || Array.isArray(s)) {
      problems.push(`secrets[${i}]: must be an object`);
      continue;
    }
    const o = s as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!SECRET_KEYS.has(k)) problems.push(`${at}${k}: unknown field`);
    const name = str(o, "name", at, true);
    const key = str(o, "key", at) ?? "";
    const path = str(o, "path", at, true);
    const sopsFile = str(o, "sopsFile", at, true);
    const { owner, group, mode, uid, gid, restartUnits, reloadUnits } = common(o, at);
    const formatRaw = str(o, "format", at) ?? "";
    const format = (formatRaw === "" ? "yaml" : formatRaw) as SecretFormat;
    if (!FORMATS.has(format)) problems.push(`${at}format: unsupported format ${JSON.stringify(formatRaw)} (yaml, json, dotenv, ini, binary)`);
    checkName(name, at, names);
    if (name === undefined || path === undefined || sopsFile === undefined || mode === null || !FORMATS.has(format)) continue;
    secrets.push({
      name,
      key,
      path: fix(path),
      sopsFile,
      format,
      mode,
      uid,
      gid,
      restartUnits,
      reloadUnits,
      ...(owner === undefined ? {} : { owner }),
      ...(group === undefined ? {} : { group }),
    });
  }
  const templates: ManifestTemplate[] = [];
  const tlist = m["templates"];
  if (tlist !== undefined && tlist !== null && !Array.isArray(tlist)) problems.push("templates: must be a list");
  const tnames = new Set<string>();
  for (const [i, t] of (Array.isArray(tlist) ? tlist : []).entries()) {
    const at = `templates[${i}].`;
    if (t === null || typeof t !== "object" || Array.isArray(t)) {
      problems.push(`templates[${i}]: must be an object`);
      continue;
    }
    const o = t as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!TEMPLATE_KEYS.has(k)) problems.push(`${at}${k}: unknown field`);
    const name = str(o, "name", at, true);
    const path = str(o, "path", at, true);
    const content = str(o, "content", at);
    const tfile = str(o, "file", at);
    const { owner, group, mode, uid, gid, restartUnits, reloadUnits } = common(o, at);
    checkName(name, at, tnames);
    // sops-nix: "neither content nor file was specified for template NAME"
    if ((content ?? "") === "" && (tfile ?? "") === "") problems.push(`${at}content: neither content nor file was specified for template ${JSON.stringify(name ?? "")}`);
    if (name === undefined || path === undefined || mode === null) continue;
    templates.push({
      name,
      path: fix(path),
      mode,
      uid,
      gid,
      restartUnits,
      reloadUnits,
      ...((content ?? "") !== "" ? { content: content as string } : { file: tfile as string }),
      ...(owner === undefined ? {} : { owner }),
      ...(group === undefined ? {} : { group }),
    });
  }
  const placeholderBySecretName: Record<string, string> = {};
  const pb = m["placeholderBySecretName"];
  if (pb !== undefined && pb !== null) {
    if (typeof pb !== "object" || Array.isArray(pb)) problems.push("placeholderBySecretName: must be an object");
    else
      for (const [k, v] of Object.entries(pb as Record<string, unknown>)) {
        if (typeof v === "string" && v !== "") placeholderBySecretName[k] = v;
        else problems.push(`placeholderBySecretName.${k}: must be a non-empty string`);
      }
  }
  // the Nix module defines placeholders only when there are templates; then every secret needs one
  if (templates.length > 0) for (const s of secrets) if (placeholderBySecretName[s.name] === undefined) problems.push(`placeholderBySecretName: placeholder for ${s.name} not found in manifest`);
  if (problems.length > 0 || mount === undefined || link === undefined) {
    throw new HushError("CONFIG", problems.length === 1 ? `manifest is not valid: ${problems[0]}` : `manifest is not valid: ${problems.length} problems`, {
      file,
      hints: problems.length === 1 ? [] : problems,
    });
  }
  const ageKeyFile = str(m, "ageKeyFile", "");
  const gnupgHome = str(m, "gnupgHome", "");
  return {
    secrets,
    templates,
    placeholderBySecretName,
    secretsMountPoint: fix(mount),
    symlinkPath: fix(link),
    keepGenerations: keep,
    userMode,
    useTmpfs: m["useTmpfs"] === true,
    ...(ageKeyFile === undefined || ageKeyFile === "" ? {} : { ageKeyFile }),
    ageSshKeyPaths: ageSsh,
    sshKeyPaths,
    ...(gnupgHome === undefined || gnupgHome === "" ? {} : { gnupgHome }),
  };
}
