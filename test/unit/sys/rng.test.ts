import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { randomBytesFromEnv, seededRandomBytes, systemRandomBytes } from "../../../src/sys/rng.js";

describe("rng", () => {
  it("streams SHA-256(seed || counter) blocks in test mode", () => {
    const rb = randomBytesFromEnv({ HUSH_TEST_MODE: "1", HUSH_TEST_SEED: "s" });
    const block = (i: number): Buffer => {
      const ctr = Buffer.alloc(8);
      ctr.writeBigUInt64BE(BigInt(i));
      return createHash("sha256").update("s").update(ctr).digest();
    };
    const want = Buffer.concat([block(0), block(1), block(2)]);
    // successive calls continue the stream across block boundaries
    const got = Buffer.concat([rb(5), rb(32), rb(0), rb(59)]);
    assert.deepEqual(got, want.subarray(0, 96));
  });

  it("gives the same bytes for the same seed and different bytes for another", () => {
    assert.deepEqual(seededRandomBytes("a")(40), seededRandomBytes("a")(40));
    assert.notDeepEqual(seededRandomBytes("a")(40), seededRandomBytes("b")(40));
  });

  it("ignores HUSH_TEST_SEED without HUSH_TEST_MODE=1", () => {
    assert.equal(randomBytesFromEnv({ HUSH_TEST_SEED: "s" }), systemRandomBytes);
    assert.equal(randomBytesFromEnv({ HUSH_TEST_MODE: "0", HUSH_TEST_SEED: "s" }), systemRandomBytes);
  });

  it("returns n bytes from the system CSPRNG", () => {
    const a = systemRandomBytes(32);
    assert.equal(a.length, 32);
    assert.ok(a instanceof Uint8Array);
    assert.notDeepEqual(a, systemRandomBytes(32));
  });
});
