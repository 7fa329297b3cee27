// A passphrase-protected OpenSSH key as a decryption identity (SOPS_AGE_SSH_PRIVATE_KEY_FILE): the
// passphrase is asked only when a stanza for that key turns up, as sops does; a wrong one is a clear error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HushError } from "../../../../src/errors.js";
import { ageDecryptArmored, ageEncryptArmored, loadAgeIdentities, parseAgeRecipient, type AgeSourceEnv } from "../../../../src/keys/age/index.js";
import { requirePeer } from "../../../helpers/peers.js";

describe("passphrase-protected ssh identities", () => {
  // ssh-keygen's own format for both types, and the PEM forms an RSA key can also have: legacy PEM
  // encryption (Proc-Type: 4,ENCRYPTED, what `ssh-keygen -m PEM` writes; age and sops read it through
  // x/crypto/ssh) and encrypted PKCS#8 (`-m PKCS8`)
  for (const [type, format] of [["ed25519", "RFC4716"], ["rsa", "RFC4716"], ["rsa", "PEM"], ["rsa", "PKCS8"]] as const) {
    it(`asks for the passphrase of a ${type} key (${format === "RFC4716" ? "openssh-key-v1" : format}) only when its stanza appears`, async (t) => {
      const keygen = requirePeer(t, "ssh-keygen");
      if (keygen === null) return;
      const dir = mkdtempSync(join(tmpdir(), "hush-sshpass-"));
      try {
        const key = join(dir, "id");
        const r = spawnSync(keygen, ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-m", format, "-N", "correct horse", "-f", key, "-C", "t"]);
        assert.equal(r.status, 0);
        const head = readFileSync(key, "utf8");
        if (format === "PEM") assert.match(head, /Proc-Type: 4,ENCRYPTED/);
        if (format === "PKCS8") assert.match(head, /BEGIN ENCRYPTED PRIVATE KEY/);
        const pub = readFileSync(`${key}.pub`, "utf8").trim();
        const payload = new Uint8Array(32).fill(7);
        const armored = await ageEncryptArmored(parseAgeRecipient(pub), payload);
        const asked: string[] = [];
        const src = (answer: string): AgeSourceEnv => ({
          env: { SOPS_AGE_SSH_PRIVATE_KEY_FILE: key },
          homeDir: dir,
          configDir: join(dir, ".config"),
          readFile: (p) => {
            try {
              return readFileSync(p);
            } catch {
              return null;
            }
          },
          runCommand: () => new Uint8Array(),
          promptPassphrase: async (m) => {
            asked.push(m);
            return answer;
          },
        });
        const good = await loadAgeIdentities(src("correct horse"));
        assert.equal(asked.length, 0, "no prompt while loading");
        assert.deepEqual(Buffer.from((await ageDecryptArmored(armored, good.identities)) ?? []), Buffer.from(payload));
        assert.equal(asked.length, 1);
        assert.match(asked[0] ?? "", /passphrase for ssh key/);

        const bad = await loadAgeIdentities(src("wrong"));
        await assert.rejects(ageDecryptArmored(armored, bad.identities), (e: unknown) => {
          assert.ok(e instanceof HushError);
          assert.equal(e.code, "KEY_FORMAT");
          assert.doesNotMatch(e.message, /correct horse|wrong/);
          return true;
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
