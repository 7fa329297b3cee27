/**
 * Fuzz test (issue 3): every store parser (plain and encrypted, with the metadata parser behind
 * loadEncrypted) and the ENC[...] codec get at least 10,000 malformed inputs from a seeded PRNG.
 * Each call must return or throw a HushError (no TypeError, RangeError, stack overflow), finish
 * within 2 s, and never echo the planted secret in an error message.
 *
 * Reproduce a run with HUSH_FUZZ_SEED=<seed> (printed below); HUSH_FUZZ_N sets the inputs per target.
 * Each target runs in a worker thread (test/helpers/fuzz-worker.ts) so a hang is caught with its index.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { isHushError } from "../../src/errors.js";
import { STORES } from "../../src/stores/index.js";
import { subSeed } from "../helpers/mutate.js";
import type { FuzzJob, FuzzReport } from "../helpers/fuzz-worker.js";

const SEED = process.env["HUSH_FUZZ_SEED"] !== undefined ? Number(process.env["HUSH_FUZZ_SEED"]) >>> 0 : 0x5eed_2026;
const N = process.env["HUSH_FUZZ_N"] !== undefined ? Number(process.env["HUSH_FUZZ_N"]) : 10_000;
const FIXTURES = resolve(process.cwd(), "..", "shared", "fixtures", "sops");
/** A worker whose input index has not moved for this long is hung. */
const HANG_MS = 10_000;
const TARGETS = ["yaml", "json", "dotenv", "ini", "binary", "enc"] as const;

console.log(`fuzz: seed ${SEED} (HUSH_FUZZ_SEED), ${N} inputs per target (HUSH_FUZZ_N)`);

function runWorker(target: (typeof TARGETS)[number]): Promise<FuzzReport | { hang: number }> {
  const progress = new SharedArrayBuffer(8);
  const view = new Int32Array(progress);
  view[0] = -1;
  const job: FuzzJob = { target, seed: subSeed(SEED, target), n: N, fixtures: FIXTURES, progress };
  // A worker's stack is 4 MB by default; the CLI's main thread has V8's ~1 MB. Match the CLI, so the
  // depth at which the parsers give up is the one users see.
  const worker = new Worker(new URL("../helpers/fuzz-worker.js", import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: 1 } });
  return new Promise((resolvePromise, reject) => {
    let last = -2;
    let since = Date.now();
    const timer = setInterval(() => {
      const i = Atomics.load(view, 0);
      if (i !== last) {
        last = i;
        since = Date.now();
      } else if (Date.now() - since > HANG_MS && Atomics.load(view, 1) === 0) {
        clearInterval(timer);
        void worker.terminate();
        resolvePromise({ hang: i });
      }
    }, 200);
    worker.once("message", (r: FuzzReport) => {
      clearInterval(timer);
      resolvePromise(r);
    });
    worker.once("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}

describe("fuzz: malformed inputs give typed hush errors only", { concurrency: Math.max(1, availableParallelism()) }, () => {
  for (const target of TARGETS) {
    const what = target === "enc" ? "the ENC[...] codec (parseEnc, openValue)" : `the ${target} store (loadPlain, emitPlain, loadEncrypted + metadata, decrypt)`;
    it(`${what}: ${N} inputs, seed ${SEED}`, { timeout: 300_000 }, async () => {
      const r = await runWorker(target);
      if ("hang" in r) assert.fail(`${target}: input ${r.hang} hung for over ${HANG_MS} ms (HUSH_FUZZ_SEED=${SEED})`);
      const lines = r.failures.map((f) => {
        const path = join(tmpdir(), `hush-fuzz-${target}-${SEED}-${f.index}.bin`);
        writeFileSync(path, Buffer.from(f.input, "base64"));
        return `#${f.index} ${f.step} ${f.kind}: ${f.detail}\n    input saved to ${path}`;
      });
      assert.equal(
        r.failureCount,
        0,
        `${target}: ${r.failureCount} failures (HUSH_FUZZ_SEED=${SEED}; first ones below)\n${lines.join("\n")}`,
      );
      assert.ok(r.calls >= N, `${target}: only ${r.calls} calls`);
      let slowest = `${r.maxMs.toFixed(1)} ms (input ${r.maxIndex}, ${r.maxStep})`;
      if (r.maxMs > 250) {
        const path = join(tmpdir(), `hush-fuzz-${target}-${SEED}-${r.maxIndex}.slowest.bin`);
        writeFileSync(path, Buffer.from(r.maxInput, "base64"));
        slowest += ` saved to ${path}`;
      }
      const steps = Object.entries(r.steps).map(([k, v]) => `${k} ${v.ok} ok/${v.err} err`).join(", ");
      console.log(`fuzz ${target}: ${r.calls} calls (${steps}), slowest ${slowest}`);
    });
  }
});

describe("fuzz findings, kept as regressions", () => {
  const te = new TextEncoder();
  it("reads a 300 KB ASCII value (String.fromCharCode(...run) overflowed the stack)", () => {
    const long = "x".repeat(300_000);
    assert.equal(STORES.dotenv.loadPlain(te.encode(`A=${long}\n`))[0]?.items.length, 1);
    assert.equal(STORES.json.loadPlain(te.encode(`{"a": "${long}", "n": 0.${"1".repeat(200_000)}}`))[0]?.items.length, 2);
  });
  it("rejects JSON nested 5,000 deep with a PARSE error, not a stack overflow", () => {
    const deep = '{"a":'.repeat(5000) + "1" + "}".repeat(5000);
    assert.throws(() => STORES.json.loadPlain(te.encode(deep)), (e) => isHushError(e, "PARSE") && /exceeded max depth/.test(e.message));
    assert.throws(() => STORES.binary.loadEncrypted(te.encode(deep)), (e) => isHushError(e));
  });
  it("stops an alias bomb quickly as yaml.v3 does, and keeps the 3-level expansion sops accepts", () => {
    const lists = ["a: &a [x,x,x,x,x,x,x,x,x,x]"];
    for (const [name, prev] of [["b", "a"], ["c", "b"], ["d", "c"]]) lists.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(",")}]`);
    assert.equal(STORES.yaml.loadPlain(te.encode(lists.slice(0, 3).join("\n") + "\n"))[0]?.items.length, 3);
    const t0 = performance.now();
    assert.throws(() => STORES.yaml.loadPlain(te.encode(lists.join("\n") + "\n")), (e) => isHushError(e, "PARSE") && /excessive aliasing/.test(e.message));
    assert.ok(performance.now() - t0 < 500, "the bomb was expanded before being rejected");
  });
});
