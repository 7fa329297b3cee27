/**
 * PGP master keys through the system `gpg`, the way sops falls back to the GnuPG binary
 * (`pgp/keysource.go` encryptWithGnuPG / decryptWithGnuPG). hush has no built-in OpenPGP code: the
 * gpg binary owns the keyring, the agent and any passphrase prompt.
 *
 * The binary is `$SOPS_GPG_EXEC` or `gpg`; `GNUPGHOME` reaches it through the environment, as with
 * sops. The runner is injected so tests (and the engine) never spawn processes themselves; keys may
 * not import node:child_process (STYLE boundaries), so even {@link systemGpg} takes the caller's
 * `spawn` (pass node:child_process's own).
 * Never put the data key, gpg's stdout or key material into an error: stderr from gpg is fine (it
 * names keys and user ids, not secrets).
 */

import { HushError } from "../errors.js";
import type { KeyEntry, MasterKey, PgpKeyEntry, Unwrapper } from "./master-key.js";

/** The result of one gpg run. */
export interface GpgResult {
  /** Exit code; 127 when the binary could not be started. */
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs gpg with `args`, feeding `stdin`. */
export interface GpgRunner {
  run(args: string[], stdin: Uint8Array): Promise<GpgResult>;
  /** What is run, for messages (e.g. `gpg` or the SOPS_GPG_EXEC value). */
  readonly binary: string;
}

/** The env var naming the gpg binary (sops `SopsGpgExecEnv`). */
export const SOPS_GPG_EXEC = "SOPS_GPG_EXEC";

interface StreamLike {
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
}

/** The part of a node ChildProcess that {@link systemGpg} uses. */
export interface ChildLike {
  readonly stdin: { end(chunk: Uint8Array): unknown; on(event: "error", listener: (err: Error) => void): unknown };
  readonly stdout: StreamLike;
  readonly stderr: StreamLike;
  on(event: "error", listener: (err: Error) => void): unknown;
  on(event: "close", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

/** node:child_process `spawn`, as far as {@link systemGpg} needs it. */
export type SpawnFn = (
  command: string,
  args: string[],
  options: { env: Record<string, string>; stdio: ["pipe", "pipe", "pipe"] },
) => ChildLike;

/**
 * A {@link GpgRunner} that spawns `env.SOPS_GPG_EXEC` (or `gpg`) with exactly `env` as its
 * environment (so `GNUPGHOME`, `GPG_TTY` and `PATH` come from it).
 *
 * @param spawnProcess node:child_process `spawn` (injected: keys may not import child_process)
 */
export function systemGpg(env: Readonly<Record<string, string | undefined>>, spawnProcess: SpawnFn): GpgRunner {
  const binary = env[SOPS_GPG_EXEC] || "gpg";
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  return {
    binary,
    run(args: string[], stdin: Uint8Array): Promise<GpgResult> {
      return new Promise((resolve) => {
        let child: ChildLike;
        try {
          child = spawnProcess(binary, args, { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
        } catch (e) {
          resolve({ code: 127, stdout: new Uint8Array(0), stderr: `could not run ${binary}: ${(e as NodeJS.ErrnoException).code ?? "error"}` });
          return;
        }
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let settled = false;
        const done = (r: GpgResult): void => {
          if (!settled) {
            settled = true;
            resolve(r);
          }
        };
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", (e: Error) => {
          done({ code: 127, stdout: new Uint8Array(0), stderr: `could not run ${binary}: ${(e as NodeJS.ErrnoException).code ?? e.message}` });
        });
        child.on("close", (code: number | null) => {
          done({ code: code ?? 1, stdout: new Uint8Array(Buffer.concat(out)), stderr: Buffer.concat(err).toString("utf8") });
        });
        // gpg may exit before reading everything (e.g. on a bad option); ignore EPIPE.
        child.stdin.on("error", () => {});
        child.stdin.end(Buffer.from(stdin));
      });
    },
  };
}

/** sops `shortenFingerprint`: the last 16 hex digits (plus a trailing `!` when present). */
export function shortenFingerprint(fp: string): string {
  let offset = fp.length - 16;
  if (fp.endsWith("!")) offset -= 1;
  return offset > 0 ? fp.slice(offset) : fp;
}

/** RFC 3339, UTC, whole seconds (Go `time.RFC3339` of a UTC time). */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** gpg's stderr squeezed to one line for a message. */
function oneLine(stderr: string): string {
  return stderr.trim().split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").join("; ");
}

/**
 * A PGP master key for fingerprint `fp` (spaces removed, as sops does). `wrap` runs
 * `gpg --no-default-recipient --yes --encrypt -a -r FP --trusted-key SHORTID --no-encrypt-to`
 * and stores the armored output with surrounding whitespace trimmed (sops `bytes.TrimSpace`).
 *
 * @param now clock for `created_at` (injected so tests and `lastmodified` stay deterministic)
 * @throws HushError GENERIC from `wrap` when gpg fails (`failed to encrypt sops data key with pgp: …`)
 */
export function pgpMasterKey(fp: string, gpg: GpgRunner, now: () => Date = () => new Date()): MasterKey {
  const fingerprint = fp.replaceAll(" ", "");
  return {
    type: "pgp",
    id: fingerprint,
    async wrap(dataKey: Uint8Array): Promise<PgpKeyEntry> {
      const args = [
        "--no-default-recipient",
        "--yes",
        "--encrypt",
        "-a",
        "-r",
        fingerprint,
        "--trusted-key",
        shortenFingerprint(fingerprint),
        "--no-encrypt-to",
      ];
      const r = await gpg.run(args, dataKey);
      if (r.code !== 0) {
        throw new HushError("GENERIC", `failed to encrypt sops data key with pgp: ${oneLine(r.stderr)}`, {
          hints: [`is the public key ${fingerprint} in the keyring of ${gpg.binary}?`],
        });
      }
      const enc = Buffer.from(r.stdout).toString("utf8").trim();
      if (!enc.startsWith("-----BEGIN PGP MESSAGE-----")) {
        throw new HushError("GENERIC", `failed to encrypt sops data key with pgp: ${gpg.binary} did not write an armored message`);
      }
      return { type: "pgp", fp: fingerprint, createdAt: rfc3339(now()), enc };
    },
  };
}

/** The pgp unwrapper, remembering why gpg failed for the error report. */
export interface PgpUnwrapper extends Unwrapper {
  /** One line per failed attempt since creation: `<fp>: failed to decrypt sops data key with pgp: …`. */
  readonly failures: readonly string[];
}

// gpg's wording when the message is for a key whose secret part it does not have.
const NOT_MY_KEY = /no secret key/i;
// gpg's wording when the input is not an OpenPGP message at all.
const MALFORMED = /no valid openpgp data found|invalid armor|invalid packet|unexpected armor|packet\(\d+\) with unknown version/i;

/**
 * Unwraps pgp entries with `gpg -d`. Returns `null` when gpg has no secret key for the message
 * ("not my key") and also when gpg fails for another reason (agent, passphrase, zero bytes returned),
 * recording that reason in `failures` / `describeSources()` so the engine's report can say it, as sops
 * lists it per key.
 *
 * @throws HushError KEY_FORMAT when the entry is not a pgp entry or `enc` is not an OpenPGP message.
 */
export function pgpUnwrapper(gpg: GpgRunner): PgpUnwrapper {
  const failures: string[] = [];
  return {
    type: "pgp",
    failures,
    async unwrap(entry: KeyEntry): Promise<Uint8Array | null> {
      if (entry.type !== "pgp") throw new HushError("KEY_FORMAT", `pgp unwrapper got a ${entry.type} entry`);
      if (!entry.enc.includes("-----BEGIN PGP MESSAGE-----")) {
        throw new HushError("KEY_FORMAT", `malformed pgp enc for ${entry.fp}: not an armored PGP message`);
      }
      const r = await gpg.run(["-d"], new Uint8Array(Buffer.from(entry.enc, "utf8")));
      if (r.code !== 0) {
        if (MALFORMED.test(r.stderr) && !NOT_MY_KEY.test(r.stderr)) {
          throw new HushError("KEY_FORMAT", `malformed pgp enc for ${entry.fp}: ${oneLine(r.stderr)}`);
        }
        failures.push(`${entry.fp}: failed to decrypt sops data key with pgp: ${oneLine(r.stderr)}`);
        return null;
      }
      if (r.stdout.length === 0) {
        // An older gpg drops AEAD packets it cannot read and exits 0 with no output (sops issue #896).
        failures.push(`${entry.fp}: failed to decrypt sops data key with pgp: zero bytes returned`);
        return null;
      }
      return r.stdout;
    },
    describeSources(): string[] {
      return [`the keyring of ${gpg.binary} (GNUPGHOME or ~/.gnupg)`, ...failures];
    },
  };
}
