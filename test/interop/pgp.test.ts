// PGP through gpg, both ways with the real sops: a file hush encrypts to a PGP fingerprint plus an age
// recipient decrypts with Go sops through gpg alone (temporary GNUPGHOME, the fixtures' test key), and
// a file sops encrypts to PGP decrypts with hush. Key: ../shared/fixtures/sops/keys (public test key).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FIXTURES } from "../helpers/fixtures.js";
import { requirePeer } from "../helpers/peers.js";

const FP = "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4";
const HUSH = resolve("dist/hush.cjs");
const PLAIN = "db:\n    password: s3cr3t-pgp\nport: 5432\n";

describe("pgp interop (gpg, real sops)", () => {
  it("hush encrypts to pgp + age, sops decrypts with gpg only; sops encrypts to pgp, hush decrypts", (t) => {
    const sops = requirePeer(t, "sops");
    const gpg = requirePeer(t, "gpg");
    const ageKeygen = requirePeer(t, "age-keygen");
    if (sops === null || gpg === null || ageKeygen === null) return;
    const dir = mkdtempSync(join(tmpdir(), "hush-pgp-"));
    try {
      const gnupg = join(dir, "gnupg");
      spawnSync("mkdir", ["-p", gnupg]);
      chmodSync(gnupg, 0o700);
      const env = { PATH: process.env["PATH"] ?? "", HOME: dir, GNUPGHOME: gnupg, SOPS_DISABLE_VERSION_CHECK: "1" };
      const imp = spawnSync(gpg, ["--batch", "--import", join(FIXTURES, "keys", "sops_functional_tests_key.asc")], { env, encoding: "utf8" });
      assert.equal(imp.status, 0, imp.stderr);
      const kg = spawnSync(ageKeygen, ["-o", join(dir, "age.txt")], { env, encoding: "utf8" });
      assert.equal(kg.status, 0, kg.stderr);
      const recipient = /age1[0-9a-z]+/.exec(kg.stderr)?.[0];
      assert.ok(recipient);
      writeFileSync(join(dir, "plain.yaml"), PLAIN);

      const enc = spawnSync(process.execPath, [HUSH, "encrypt", "--pgp", FP, "--age", recipient, "plain.yaml"], { cwd: dir, env });
      assert.equal(enc.status, 0, enc.stderr.toString());
      const text = enc.stdout.toString();
      assert.match(text, /pgp:\n\s+- created_at: ".+"\n\s+enc: \|\S*\n\s+-----BEGIN PGP MESSAGE-----/);
      assert.match(text, new RegExp(`fp: ${FP}`));
      writeFileSync(join(dir, "hush.yaml"), text);
      // no age identity anywhere: sops must go through gpg
      const dec = spawnSync(sops, ["decrypt", "hush.yaml"], { cwd: dir, env, encoding: "utf8" });
      assert.equal(dec.status, 0, dec.stderr);
      assert.equal(dec.stdout, PLAIN);

      const senc = spawnSync(sops, ["encrypt", "--pgp", FP, "plain.yaml"], { cwd: dir, env, encoding: "utf8" });
      assert.equal(senc.status, 0, senc.stderr);
      writeFileSync(join(dir, "sops.yaml"), senc.stdout);
      const hdec = spawnSync(process.execPath, [HUSH, "decrypt", "sops.yaml"], { cwd: dir, env, encoding: "utf8" });
      assert.equal(hdec.status, 0, hdec.stderr);
      assert.equal(hdec.stdout, PLAIN);
    } finally {
      spawnSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, GNUPGHOME: join(dir, "gnupg") } });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
