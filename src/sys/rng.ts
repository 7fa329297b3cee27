/**
 * The randomness provider. Workflows take `randomBytes: RandomBytes` as an option and the CLI passes
 * `randomBytesFromEnv(process.env)`; the engine never calls node:crypto's RNG directly, so data keys and
 * IVs can be pinned in tests.
 *
 * Test hook: with `HUSH_TEST_MODE=1` **and** `HUSH_TEST_SEED=<any string>` the bytes come from a deterministic
 * stream: block i (i = 0, 1, …) is SHA-256(seed ‖ i as 8-byte big-endian), the blocks concatenated, and
 * successive calls continue the stream. Without HUSH_TEST_MODE=1 the seed is ignored. Never use the seeded
 * stream for real secrets: anyone who knows the seed knows every byte.
 */
import { createHash, randomBytes as cryptoRandomBytes, randomFillSync } from "node:crypto";
import { HUSH_TEST_SEED, isTestMode, type Env } from "./env-names.js";

/** Returns `n` fresh random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

// Small requests (IVs, data keys) are served from a pool filled by one CSPRNG call: a call into
// OpenSSL costs about 4 µs, which was 40 ms of encrypting a 10,000-value file. Each byte is handed
// out once and zeroed in the pool as it is handed out, so no key material stays behind in it.
const POOL_SIZE = 8192;
const POOLED_MAX = 256;
const pool = new Uint8Array(POOL_SIZE);
let poolUsed = POOL_SIZE;

/** The operating system's CSPRNG (node:crypto). */
export const systemRandomBytes: RandomBytes = (n) => {
  if (n > POOLED_MAX) return new Uint8Array(cryptoRandomBytes(n));
  if (poolUsed + n > POOL_SIZE) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  const out = pool.slice(poolUsed, poolUsed + n);
  pool.fill(0, poolUsed, poolUsed + n);
  poolUsed += n;
  return out;
};

/** A deterministic SHA-256 counter stream keyed by `seed` (see the file header). Not for real secrets. */
export function seededRandomBytes(seed: string): RandomBytes {
  const seedBytes = Buffer.from(seed, "utf8");
  let counter = 0n;
  let pool = new Uint8Array(0);
  let used = 0;
  return (n) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (used === pool.length) {
        const ctr = Buffer.alloc(8);
        ctr.writeBigUInt64BE(counter++);
        pool = new Uint8Array(createHash("sha256").update(seedBytes).update(ctr).digest());
        used = 0;
      }
      const take = Math.min(n - filled, pool.length - used);
      out.set(pool.subarray(used, used + take), filled);
      filled += take;
      used += take;
    }
    return out;
  };
}

/** The provider for a process with environment `env`: seeded in test mode with HUSH_TEST_SEED, else the CSPRNG. */
export function randomBytesFromEnv(env: Env): RandomBytes {
  const seed = env[HUSH_TEST_SEED];
  if (isTestMode(env) && seed !== undefined && seed !== "") return seededRandomBytes(seed);
  return systemRandomBytes;
}

let processRandom: RandomBytes | undefined;

/** `n` random bytes for this process (`randomBytesFromEnv(process.env)`, decided once on first use). */
export function randomBytes(n: number): Uint8Array {
  processRandom ??= randomBytesFromEnv(process.env);
  return processRandom(n);
}
