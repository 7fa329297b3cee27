import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { combine, gfAdd, gfInv, gfMul, split } from "../../../src/keys/shamir.js";
import { HushError } from "../../../src/errors.js";

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** The byte stream the Go vector program fed to sops as crypto/rand.Reader: byte k = (37k + 11) mod 256. */
function counterStream(): (n: number) => Uint8Array {
  let k = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (k++ * 37 + 11) & 0xff;
    return out;
  };
}

/** A seeded xorshift32 source for property-style tests. */
function seeded(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const res: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of subsets(items.slice(i + 1), size - 1)) res.push([item, ...rest]);
  });
  return res;
}

const SECRET_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1fff";

/**
 * Made by Go: github.com/getsops/sops/v3/shamir v3.13.2 `Split(SECRET_HEX, parts, threshold)` with
 * crypto/rand.Reader replaced by the counter stream above (throw-away program, not in the repo).
 */
const GO_VECTORS: { parts: number; threshold: number; shares: string[] }[] = [
  {
    parts: 2,
    threshold: 2,
    shares: [
      "0b3157799bc1ef093b5177a9cbe11f394b91b7d9fb012f499bb1d7e90b217f995401",
      "1661a8f72196cf1b6eb9f05499ce2c63a60a439cd13d64ab05529be43265dc08b202",
    ],
  },
  {
    parts: 3,
    threshold: 2,
    shares: [
      "0b3157799bc1ef093b5177a9cbe11f394b91b7d9fb012f499bb1d7e90b217f995401",
      "1661a8f72196cf1b6eb9f05499ce2c63a60a439cd13d64ab05529be43265dc08b202",
      "1d51fd8dbe5226155de18df65e223d55fd8ae6563e295df586fa56162559bd8e1903",
    ],
  },
  {
    parts: 5,
    threshold: 3,
    shares: [
      "3b2e59e46fda2d20d366f16c273225e86bfe49343f4afd70c336213c77e27538c401",
      "d6581af219410efd885d9f1a8769d0e33088e794643cde1b7520f96761b93685b202",
      "ed774115729e25da5332647dac56fb044b67bcb34f63357cae0fc2400a465da28903",
      "01afbc6a3f24750ea7bfc07858adbf282553f40f6c2d892aefeca52b7c519b4d8904",
      "3a80e78d54fb5e297cd03b1f739294cf5ebcaf284772624d34c39e0c17aef06ab205",
    ],
  },
];

/** Made by Go sops v3.13.2 `shamir.Split(key, 3, 2)` with the real crypto/rand. */
const GO_RANDOM_SHARES: string[] = [
  "9719798c95e714d9e97220ce9d9db84fdd693b14d79a680065758893d8524dfc01",
  "821fb0d21cb47079fba406f9a87e88accad5470d006e0e241caebcb4dabab79702",
  "781df7119285a519f51fed1dbbd69804c7489af34dcb2c38c2e759a92de2e14703",
];

describe("GF(2^8) arithmetic", () => {
  it("matches sops's sanity values", () => {
    assert.equal(gfMul(3, 7), 9);
    assert.equal(gfAdd(3, 4), 7);
    assert.equal(gfAdd(16, 16), 0);
    assert.equal(gfMul(0x57, 0x83), 0xc1); // FIPS-197 section 4.2 example
  });

  it("has an inverse for every non-zero element and maps 0 to 0", () => {
    for (let a = 1; a < 256; a++) assert.equal(gfMul(a, gfInv(a)), 1, `a=${a}`);
    assert.equal(gfInv(0), 0);
  });

  it("multiplies commutatively and distributes over addition", () => {
    for (let a = 0; a < 256; a += 7) {
      for (let b = 0; b < 256; b += 5) {
        assert.equal(gfMul(a, b), gfMul(b, a));
        assert.equal(gfMul(a, b ^ 0x35), gfMul(a, b) ^ gfMul(a, 0x35));
      }
    }
  });
});

describe("split", () => {
  for (const v of GO_VECTORS) {
    it(`produces the same shares as Go sops for ${v.parts} parts, threshold ${v.threshold}`, () => {
      const shares = split(hex(SECRET_HEX), v.parts, v.threshold, counterStream());
      assert.deepEqual(shares.map(toHex), v.shares);
    });
  }

  it("writes x = i + 1 in the last byte of a len+1 byte share", () => {
    const shares = split(new Uint8Array(32).fill(9), 4, 2, seeded(1));
    shares.forEach((s, i) => {
      assert.equal(s.length, 33);
      assert.equal(s[32], i + 1);
    });
  });

  it("rejects bad arguments with sops's messages", () => {
    const cases: [Uint8Array, number, number, string][] = [
      [hex("01"), 1, 2, "parts cannot be less than threshold"],
      [hex("01"), 256, 2, "parts cannot exceed 255"],
      [hex("01"), 3, 1, "threshold must be at least 2"],
      [hex(""), 3, 2, "cannot split an empty secret"],
    ];
    for (const [secret, parts, threshold, message] of cases) {
      assert.throws(
        () => split(secret, parts, threshold, seeded(2)),
        (e: unknown) => e instanceof HushError && e.code === "KEY_GROUPS" && e.message === message,
      );
    }
  });
});

describe("combine", () => {
  for (const v of GO_VECTORS) {
    it(`recovers the secret from every ${v.threshold}-subset of Go's ${v.parts} shares`, () => {
      for (const sub of subsets(v.shares, v.threshold)) assert.equal(toHex(combine(sub.map(hex))), SECRET_HEX);
      assert.equal(toHex(combine(v.shares.map(hex))), SECRET_HEX);
    });
  }

  it("recovers a 32-byte key split by Go sops with real randomness (3 parts, threshold 2)", () => {
    const key = "6d1b3e4f1bd6c1b9e7c9cb2a8e35a8e7d0f4e6ea9a3f4a1cbb3c6d8e2f0a1b2c";
    for (const sub of subsets(GO_RANDOM_SHARES, 2)) assert.equal(toHex(combine(sub.map(hex))), key);
  });

  it("round-trips every threshold/parts combination up to 5 with any threshold-sized subset", () => {
    let seed = 1;
    for (let parts = 2; parts <= 5; parts++) {
      for (let threshold = 2; threshold <= parts; threshold++) {
        const secret = seeded(seed++)(32);
        const shares = split(secret, parts, threshold, seeded(seed++));
        for (let size = threshold; size <= parts; size++) {
          for (const sub of subsets(shares, size)) assert.deepEqual(combine(sub), secret, `${parts}/${threshold}/${size}`);
        }
        if (threshold > 2) {
          for (const sub of subsets(shares, threshold - 1)) assert.notDeepEqual(combine(sub), secret);
        }
      }
    }
  });

  it("rejects too few, short, uneven and duplicate parts with sops's messages", () => {
    const cases: [Uint8Array[], string][] = [
      [[hex("0101")], "less than two parts cannot be used to reconstruct the secret"],
      [[hex("01"), hex("02")], "parts must be at least two bytes"],
      [[hex("0101"), hex("010102")], "all parts must be the same length"],
      [[hex("0501"), hex("0601")], "duplicate part detected"],
    ];
    for (const [parts, message] of cases) {
      assert.throws(
        () => combine(parts),
        (e: unknown) => e instanceof HushError && e.code === "KEY_GROUPS" && e.message === message,
      );
    }
  });
});

