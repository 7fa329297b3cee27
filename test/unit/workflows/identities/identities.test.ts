import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateX25519Identity } from "../../../../src/keys/age/index.js";
import { listIdentities, parseGpgSecretKeys } from "../../../../src/workflows/identities/index.js";
import { testRepo } from "../bulk/_ctx.js";

describe("parseGpgSecretKeys", () => {
  it("takes each primary key's fingerprint and first user id, not subkeys", () => {
    const colons = [
      "sec:u:255:22:AAAA1111:1700000000:::u:::scESC:::+:::23::0:",
      "fpr:::::::::0123456789ABCDEF0123456789ABCDEF01234567:",
      "grp:::::::::ABCDEF:",
      "uid:u::::1700000000::HASH::Alice \\x3a Ops <alice@example.com>::::::::::0:",
      "uid:u::::1700000000::HASH::Alice Two <a2@example.com>::::::::::0:",
      "ssb:u:255:18:BBBB2222:1700000000::::::e:::+:::23:",
      "fpr:::::::::FEDCBA9876543210FEDCBA9876543210FEDCBA98:",
      "sec:u:3072:1:CCCC3333:1700000000:::u:::scESC:::+:::23::0:",
      "fpr:::::::::1111222233334444555566667777888899990000:",
    ].join("\n");
    assert.deepEqual(parseGpgSecretKeys(colons), [
      { fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567", uid: "Alice : Ops <alice@example.com>" },
      { fingerprint: "1111222233334444555566667777888899990000" },
    ]);
  });
});

describe("listIdentities", () => {
  it("names every age identity by source with its recipient, and never returns key material", async () => {
    const { dir, recipient, keyFile, ctx } = testRepo("hush-keys-");
    const other = generateX25519Identity();
    const third = generateX25519Identity();
    mkdirSync(join(dir, "cfg", "sops", "age"), { recursive: true });
    writeFileSync(join(dir, "cfg", "sops", "age", "keys.txt"), other.identity + "\n");
    const env = { ...ctx.env, SOPS_AGE_KEY: third.identity, SOPS_GPG_EXEC: join(dir, "no-gpg-here") };
    const r = await listIdentities({ ...ctx, env });
    const got = r.identities.map((i) => [i.type, i.kind, i.recipient, i.source]);
    assert.deepEqual(got, [
      ["age", "x25519", third.recipient, "SOPS_AGE_KEY"],
      ["age", "x25519", recipient, `SOPS_AGE_KEY_FILE (${keyFile})`],
      ["age", "x25519", other.recipient, join(dir, "cfg", "sops", "age", "keys.txt")],
    ]);
    assert.ok(!JSON.stringify(r).includes("AGE-SECRET-KEY"));
  });

  it("reports a broken source by line, without its content", async () => {
    const { keyFile, ctx } = testRepo("hush-keys-bad-");
    writeFileSync(keyFile, "AGE-SECRET-KEY-1QQQQNOTAKEY\n");
    const r = await listIdentities({ ...ctx, env: { ...ctx.env, SOPS_GPG_EXEC: "/nonexistent/gpg" } });
    assert.equal(r.identities.length, 0);
    assert.match(r.problems.join("\n"), /SOPS_AGE_KEY_FILE.*line 1/);
    assert.ok(!JSON.stringify(r).includes("AGE-SECRET-KEY"));
  });
});
