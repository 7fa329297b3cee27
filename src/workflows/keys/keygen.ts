/**
 * `hush keygen`: age X25519 identities in the standard keys.txt format (`# created:`, `# public key:`,
 * the identity), and `keygen -y`: the recipients of identities. Files are written 0600 and an existing
 * keys file is appended to, never overwritten.
 */
import { appendFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { HushError } from "../../errors.js";
import { generateX25519Identity, x25519RecipientOf } from "../../keys/age/index.js";

/** Go's time.Now().Format(time.RFC3339) in local time, as age-keygen writes `# created:`. */
export function localRfc3339(d: Date): string {
  const off = -d.getTimezoneOffset();
  const pad = (n: number): string => String(Math.abs(Math.trunc(n))).padStart(2, "0");
  const zone = off === 0 ? "Z" : `${off > 0 ? "+" : "-"}${pad(off / 60)}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/** Makes a new identity; returns the keys.txt text and the recipient. */
export function newIdentityText(now: Date): { text: string; recipient: string } {
  const { identity, recipient } = generateX25519Identity();
  return { text: `# created: ${localRfc3339(now)}\n# public key: ${recipient}\n${identity}\n`, recipient };
}

/**
 * Writes (or appends) identity text to a keys file with mode 0600. Returns a warning when an existing
 * file is readable by group or others (it is left as it is: the user chose its mode).
 */
export function writeIdentityFile(path: string, text: string): string | null {
  if (existsSync(path)) {
    appendFileSync(path, text);
    const mode = statSync(path).mode & 0o777;
    return (mode & 0o077) !== 0 ? `${path} is readable by others (mode ${mode.toString(8).padStart(4, "0")}); consider chmod 600` : null;
  }
  writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  return null;
}

/**
 * The recipients of every identity in a keys file's text (comments and blank lines skipped).
 * @throws HushError KEY_FORMAT naming the line number only
 */
export function recipientsOf(text: string, source: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (l === "" || l.startsWith("#")) return;
    try {
      out.push(x25519RecipientOf(l));
    } catch {
      throw new HushError("KEY_FORMAT", `malformed identity at line ${i + 1}`, { file: source });
    }
  });
  if (out.length === 0) throw new HushError("KEY_FORMAT", "no identities found", { file: source });
  return out;
}
