/**
 * An SSH RSA key as an OpenPGP key (src/keys/pgp-ssh.ts): the fingerprint of sops-nix's test key is the one
 * its secrets.yaml is encrypted to (test/vectors/sops-nix/ssh-key.asc, made by ssh-to-pgp), GnuPG accepts
 * the key with a valid self-signature, and other key types are refused without key material.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isHushError } from "../../../src/errors.js";
import { sshRsaKeyToOpenPgp } from "../../../src/keys/pgp-ssh.js";
import { FIXTURES } from "../../helpers/fixtures.js";
import { requirePeer } from "../../helpers/peers.js";

const VECTORS = resolve("test/vectors/sops-nix");

describe("ssh RSA key → OpenPGP key", () => {
  it("gives sops-nix's fingerprint for its test key", () => {
    const k = sshRsaKeyToOpenPgp(readFileSync(join(VECTORS, "ssh-key"), "utf8"));
    assert.equal(k.fingerprint, "2504791468B153B8A3963CC97BA53D1919C5DFD4");
    // the same fingerprint ssh-to-pgp's key in ssh-key.asc has, and one secrets.yaml names
    assert.match(readFileSync(join(VECTORS, "secrets.yaml"), "utf8"), /fp: 2504791468B153B8A3963CC97BA53D1919C5DFD4/);
  });

  it("is a secret key GnuPG imports with a valid self-signature", (t) => {
    const gpg = requirePeer(t, "gpg");
    if (gpg === null) return;
    const home = mkdtempSync(join(tmpdir(), "hush-pgp-ssh-"));
    chmodSync(home, 0o700);
    try {
      const k = sshRsaKeyToOpenPgp(readFileSync(join(VECTORS, "ssh-key"), "utf8"));
      const imp = spawnSync(gpg, ["--homedir", home, "--batch", "--import"], { input: k.packets, encoding: "utf8" });
      assert.equal(imp.status, 0, imp.stderr);
      const list = spawnSync(gpg, ["--homedir", home, "--batch", "--with-colons", "--list-secret-keys"], { encoding: "utf8" }).stdout;
      assert.match(list, /^fpr:::::::::2504791468B153B8A3963CC97BA53D1919C5DFD4:$/m);
      assert.match(list, /^uid:.*root \(Imported from SSH\) <root@localhost>/m);
      const sigs = spawnSync(gpg, ["--homedir", home, "--batch", "--with-colons", "--check-sigs"], { encoding: "utf8" }).stdout;
      assert.match(sigs, /^sig:!:/m, "the self-signature verifies");
    } finally {
      spawnSync("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]);
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses a non-RSA key, naming its type only", () => {
    const ed = readFileSync(join(FIXTURES, "sops-nix", "ssh-ed25519-key"), "utf8");
    assert.throws(() => sshRsaKeyToOpenPgp(ed), (e: unknown) => isHushError(e, "KEY_FORMAT") && /only RSA keys can become PGP keys, got ssh-ed25519/.test(e.message) && !e.message.includes("PRIVATE"));
  });
});
