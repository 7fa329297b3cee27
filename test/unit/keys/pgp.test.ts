import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { pgpMasterKey, pgpUnwrapper, shortenFingerprint, systemGpg } from "../../../src/keys/pgp.js";
import type { GpgResult, GpgRunner } from "../../../src/keys/pgp.js";
import type { PgpKeyEntry } from "../../../src/keys/master-key.js";
import { HushError } from "../../../src/errors.js";

const FIX = join(process.cwd(), "../shared/fixtures/sops");
const P1 = "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4";
const P2 = "D7229043384BCC60326C6FB9D8720D957C3D3074";

const hasGpg = spawnSync("gpg", ["--version"]).status === 0;
if (!hasGpg) {
  if (process.env["CI"] === "true") throw new Error("gpg is required under CI=true but was not found");
  console.error("pgp.test: SKIPPING the gpg-backed tests: no gpg binary on PATH");
}

/** pgp entries of a sops YAML fixture, with the data key from its .vectors.json. */
function pgpEntries(file: string): { entries: PgpKeyEntry[]; dataKeyHex: string } {
  const doc = parse(readFileSync(join(FIX, file), "utf8")) as { sops: { pgp: { fp: string; created_at: string; enc: string }[] } };
  const vectors = JSON.parse(readFileSync(join(FIX, `${file}.vectors.json`), "utf8")) as { data_key_hex: string };
  return {
    entries: doc.sops.pgp.map((p) => ({ type: "pgp", fp: p.fp, createdAt: p.created_at, enc: p.enc })),
    dataKeyHex: vectors.data_key_hex,
  };
}

/** A runner that records calls and answers from a script. */
function fakeGpg(answer: (args: string[], stdin: Uint8Array) => GpgResult): GpgRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    binary: "fake-gpg",
    calls,
    async run(args, stdin) {
      calls.push(args);
      return answer(args, stdin);
    },
  };
}

const ok = (s: string): GpgResult => ({ code: 0, stdout: new Uint8Array(Buffer.from(s)), stderr: "" });

describe("pgp with a scripted gpg", () => {
  it("runs gpg with sops's encrypt arguments and trims the armored output", async () => {
    const gpg = fakeGpg(() => ok("\n-----BEGIN PGP MESSAGE-----\n\nabc\n-----END PGP MESSAGE-----\n"));
    const key = pgpMasterKey("FBC7 B9E2 A4F9 289A C0C1 D484 3D16 CEE4 A273 81B4", gpg, () => new Date("2026-01-02T03:04:05.678Z"));
    assert.equal(key.id, P1);
    const entry = await key.wrap(new Uint8Array(32));
    assert.deepEqual(gpg.calls, [
      ["--no-default-recipient", "--yes", "--encrypt", "-a", "-r", P1, "--trusted-key", "3D16CEE4A27381B4", "--no-encrypt-to"],
    ]);
    assert.deepEqual(entry, {
      type: "pgp",
      fp: P1,
      createdAt: "2026-01-02T03:04:05Z",
      enc: "-----BEGIN PGP MESSAGE-----\n\nabc\n-----END PGP MESSAGE-----",
    });
  });

  it("shortens fingerprints like sops, keeping a trailing !", () => {
    assert.equal(shortenFingerprint(P1), "3D16CEE4A27381B4");
    assert.equal(shortenFingerprint(`${P1}!`), "3D16CEE4A27381B4!");
    assert.equal(shortenFingerprint("ABCD"), "ABCD");
  });

  it("reports a gpg failure on wrap without echoing the data key", async () => {
    const gpg = fakeGpg(() => ({ code: 2, stdout: new Uint8Array(0), stderr: "gpg: FBC7: skipped: No public key\ngpg: [stdin]: encryption failed: No public key\n" }));
    await assert.rejects(pgpMasterKey(P1, gpg).wrap(new Uint8Array(32).fill(0x41)), (e: unknown) => {
      assert.ok(e instanceof HushError);
      assert.equal(e.message, "failed to encrypt sops data key with pgp: gpg: FBC7: skipped: No public key; gpg: [stdin]: encryption failed: No public key");
      assert.ok(!e.message.includes("AAAA"));
      return true;
    });
  });

  it("decrypts with gpg -d, returns null for no secret key or zero bytes, and throws for a malformed enc", async () => {
    const entry: PgpKeyEntry = { type: "pgp", fp: P1, createdAt: "", enc: "-----BEGIN PGP MESSAGE-----\n\nx\n-----END PGP MESSAGE-----" };
    const good = fakeGpg(() => ok("key"));
    assert.deepEqual(await pgpUnwrapper(good).unwrap(entry), new Uint8Array(Buffer.from("key")));
    assert.deepEqual(good.calls, [["-d"]]);

    const notMine = pgpUnwrapper(fakeGpg(() => ({ code: 2, stdout: new Uint8Array(0), stderr: "gpg: decryption failed: No secret key\n" })));
    assert.equal(await notMine.unwrap(entry), null);
    assert.deepEqual(notMine.failures, [`${P1}: failed to decrypt sops data key with pgp: gpg: decryption failed: No secret key`]);

    const empty = pgpUnwrapper(fakeGpg(() => ok("")));
    assert.equal(await empty.unwrap(entry), null);
    assert.match(empty.describeSources().join("\n"), /zero bytes returned/);

    await assert.rejects(
      pgpUnwrapper(fakeGpg(() => ok("never"))).unwrap({ ...entry, enc: "garbage" }),
      (e: unknown) => e instanceof HushError && e.code === "KEY_FORMAT",
    );
    const malformed = fakeGpg(() => ({ code: 2, stdout: new Uint8Array(0), stderr: "gpg: no valid OpenPGP data found.\n" }));
    await assert.rejects(pgpUnwrapper(malformed).unwrap(entry), (e: unknown) => e instanceof HushError && e.code === "KEY_FORMAT");
  });
});

describe("pgp through the real gpg", { skip: hasGpg ? false : "no gpg binary" }, () => {
  let home = "";
  let env: Record<string, string | undefined> = {};
  before(() => {
    home = mkdtempSync(join(tmpdir(), "hush-gpg-"));
    env = { PATH: process.env["PATH"], GNUPGHOME: home };
    const r = spawnSync("gpg", ["--batch", "--import", join(FIX, "keys/sops_functional_tests_key.asc")], { env: { ...env } as NodeJS.ProcessEnv });
    assert.equal(r.status, 0, "gpg --import of the functional tests key failed");
  });
  after(() => {
    spawnSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...env } as NodeJS.ProcessEnv });
    rmSync(home, { recursive: true, force: true });
  });

  for (const file of [
    "sops-main/example.yaml",
    "sops-main/format.enc.yaml",
    "sops-main/multiple_keys.yaml",
    "sops-main/comments.enc.yaml",
    "sops-main/comments_unencrypted_comments.yaml",
    "sops-main/example.json",
    "sops-main/all_in_one.secret.enc.json",
  ]) {
    it(`unwraps the pgp enc blobs of ${file} to the fixture's data key`, async () => {
      const { entries, dataKeyHex } = pgpEntries(file);
      const unwrapper = pgpUnwrapper(systemGpg(env, spawn));
      let opened = 0;
      for (const e of entries) {
        if (e.fp !== P1 && e.fp !== P2) continue;
        const key = await unwrapper.unwrap(e);
        assert.ok(key !== null, `${file}: ${e.fp} did not unwrap`);
        assert.equal(Buffer.from(key).toString("hex"), dataKeyHex);
        opened++;
      }
      assert.ok(opened >= 1);
    });
  }

  it("round-trips a data key and a 33-byte share through wrap and unwrap", async () => {
    const gpg = systemGpg(env, spawn);
    for (const payload of [new Uint8Array(32).map((_, i) => i * 7), new Uint8Array(33).map((_, i) => 255 - i)]) {
      const entry = (await pgpMasterKey(P2, gpg).wrap(payload)) as PgpKeyEntry;
      assert.equal(entry.fp, P2);
      assert.match(entry.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(entry.enc.startsWith("-----BEGIN PGP MESSAGE-----\n"));
      assert.ok(entry.enc.endsWith("-----END PGP MESSAGE-----"));
      assert.deepEqual(await pgpUnwrapper(gpg).unwrap(entry), payload);
    }
  });

  it("returns null for a message to a key that is not in the keyring", async () => {
    const doc = parse(readFileSync(join(FIX, "sops-nix/secrets.yaml"), "utf8")) as { sops: { pgp: { fp: string; enc: string }[] } };
    const foreign = doc.sops.pgp[0]!;
    const unwrapper = pgpUnwrapper(systemGpg(env, spawn));
    assert.equal(await unwrapper.unwrap({ type: "pgp", fp: foreign.fp, createdAt: "", enc: foreign.enc }), null);
    assert.equal(unwrapper.failures.length, 1);
  });

  it("fails to wrap for a fingerprint with no public key", async () => {
    await assert.rejects(
      pgpMasterKey("0000000000000000000000000000000000000000", systemGpg(env, spawn)).wrap(new Uint8Array(32)),
      (e: unknown) => e instanceof HushError && e.message.startsWith("failed to encrypt sops data key with pgp: "),
    );
  });

  it("honours SOPS_GPG_EXEC", async () => {
    const gpg = systemGpg({ ...env, SOPS_GPG_EXEC: "/nonexistent/gpg-for-hush" }, spawn);
    assert.equal(gpg.binary, "/nonexistent/gpg-for-hush");
    const r = await gpg.run(["--version"], new Uint8Array(0));
    assert.equal(r.code, 127);
    assert.match(r.stderr, /ENOENT/);
  });
});
