// Every real-sops fixture with decoded vectors (../shared/fixtures/sops, 3.3 → 3.13) decrypts with
// the data key injected: values, MAC, exact `sops decrypt` output where known, and a byte-identical
// re-encryption with the IV stash and the clock frozen at lastmodified (spec 14.2.1).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { HushError } from "../../../src/errors.js";
import { openDocument, sealDocument, type Keyring } from "../../../src/engine/index.js";
import type { KeyEntry, Unwrapper } from "../../../src/keys/master-key.js";
import { storeForPath } from "../../../src/stores/index.js";
import { FIXTURES, fixture, fixturesWithVectors } from "../../helpers/fixtures.js";

/** A keyring that "unwraps" every entry to the fixture's known data key. */
export function injectedKeyring(dataKeyHex: string): Keyring {
  const u: Unwrapper = { type: "age", unwrap: async (_e: KeyEntry) => Buffer.from(dataKeyHex, "hex"), describeSources: () => ["injected data key"] };
  return { unwrapperFor: (t) => ({ ...u, type: t }) };
}

const EXACT_PLAIN: Record<string, string> = {
  "sops-main/format.enc.yaml": "sops-main/format.enc.plain.yaml",
  "sops-main/format.enc.json": "sops-main/format.enc.plain.json",
  "sops-main/format.enc.env": "sops-main/format.enc.plain.env",
  "sops-main/format.enc.ini": "sops-main/format.enc.plain.ini",
  "sops-main/format-2.enc.ini": "sops-main/format-2.enc.plain.ini",
  "sops-main/example.txt": "sops-main/example.plain.txt",
  "sops-age/example.txt": "sops-age/example.plain.txt",
  "flux/file.txt": "flux/file.plain.txt",
  "sops-nix/secrets.bin": "sops-nix/secrets.plain.bin",
};

// Files written by sops 3.13.2's layout: re-encrypting with the stash must give the same bytes.
const BYTE_IDENTICAL = ["sops-main/format.enc.yaml", "sops-main/format.enc.json", "sops-main/format.enc.env", "sops-main/format.enc.ini"];

describe("real sops fixtures (data key injected)", { skip: existsSync(FIXTURES) ? false : `fixtures not found at ${FIXTURES}` }, () => {
  for (const [rel, v] of fixturesWithVectors()) {
    const store = storeForPath(rel);
    it(`${rel} (sops ${v.sops_version}) decrypts to its vectors with a valid MAC`, async () => {
      const doc = await openDocument(fixture(rel), store, injectedKeyring(v.data_key_hex), { file: rel });
      assert.equal(Buffer.from(doc.dataKey).toString("hex"), v.data_key_hex);
      const exact = EXACT_PLAIN[rel];
      if (exact !== undefined) assert.deepEqual(Buffer.from(store.emitPlain(doc.branches)), fixture(exact));
    });
  }

  for (const rel of BYTE_IDENTICAL) {
    it(`${rel} re-encrypts byte for byte with the IV stash and a frozen clock`, async () => {
      const v = fixturesWithVectors().find(([r]) => r === rel)?.[1];
      assert.ok(v);
      const store = storeForPath(rel);
      const input = fixture(rel);
      const doc = await openDocument(input, store, injectedKeyring(v.data_key_hex), { file: rel });
      const out = sealDocument(store, doc.branches, doc.metadata, doc.dataKey, {
        now: new Date(doc.metadata.lastModified),
        stash: doc.stash,
        randomBytes: () => {
          throw new Error("no fresh randomness expected: every IV comes from the stash");
        },
      });
      assert.equal(Buffer.from(out).toString("utf8"), input.toString("utf8"));
    });
  }

  it("a changed clear value fails with MAC_MISMATCH (exit 51)", async () => {
    const rel = "sops-age/example.yaml";
    const v = fixturesWithVectors().find(([r]) => r === rel)?.[1];
    assert.ok(v);
    const text = fixture(rel).toString("utf8");
    assert.match(text, /- remain in clear text/);
    const tampered = Buffer.from(text.replace("- remain in clear text", "- remain in clear texT"));
    await assert.rejects(openDocument(tampered, storeForPath(rel), injectedKeyring(v.data_key_hex), { file: rel }), (e: unknown) => {
      assert.ok(e instanceof HushError);
      assert.equal(e.code, "MAC_MISMATCH");
      assert.equal(e.exitCode, 51);
      assert.doesNotMatch(e.message + e.hints.join(""), /clear tex/);
      return true;
    });
  });

  it("a flipped ciphertext fails with DECRYPT_TREE naming the key path", async () => {
    const rel = "sops-age/example.yaml";
    const v = fixturesWithVectors().find(([r]) => r === rel)?.[1];
    assert.ok(v);
    const text = fixture(rel).toString("utf8");
    const m = /myapp1: ENC\[AES256_GCM,data:([A-Za-z0-9+/])/.exec(text);
    assert.ok(m);
    const flipped = text.replace(m[0], m[0].slice(0, -1) + (m[1] === "A" ? "B" : "A"));
    await assert.rejects(openDocument(Buffer.from(flipped), storeForPath(rel), injectedKeyring(v.data_key_hex), { file: rel }), (e: unknown) => {
      assert.ok(e instanceof HushError);
      assert.equal(e.code, "DECRYPT_TREE");
      assert.equal(e.exitCode, 25);
      assert.equal(e.keyPath, '["myapp1"]');
      return true;
    });
  });
});

void join;
