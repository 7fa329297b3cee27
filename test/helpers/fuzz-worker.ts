/**
 * The fuzz loop for one target, run in a worker thread by test/unit/fuzz.test.ts so that a hang
 * can be detected (and the worker terminated) while the index of the hanging input is known.
 *
 * Progress protocol: `progress[0]` is the index being run (-1 before the first), `progress[1]` is 1
 * when the loop has finished. The result is posted as a `FuzzReport`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { openValue, parseEnc, sealValue } from "../../src/cipher/aes-gcm.js";
import { decryptBranches, readEncrypted } from "../../src/engine/index.js";
import { HushError } from "../../src/errors.js";
import { STORES } from "../../src/stores/index.js";
import type { Store, StoreName } from "../../src/stores/store.js";
import { fuzzInput, leaksSecret, Rng, SECRET } from "./mutate.js";

/** What the worker is asked to do. */
export interface FuzzJob {
  target: StoreName | "enc";
  seed: number;
  n: number;
  fixtures: string;
  progress: SharedArrayBuffer;
}

/** One problem found. */
export interface FuzzFailure {
  index: number;
  step: string;
  kind: "crash" | "slow" | "leak";
  detail: string;
  /** The input, base64, so the report can be turned into a regression test. */
  input: string;
}

/** The worker's result. */
export interface FuzzReport {
  target: string;
  n: number;
  calls: number;
  hushErrors: number;
  maxMs: number;
  maxIndex: number;
  /** Per step: calls that returned and calls that threw a HushError. */
  steps: Record<string, { ok: number; err: number }>;
  /** The slowest input, base64. */
  maxInput: string;
  maxStep: string;
  /** Every failure counted; only the first few of each kind and step are kept in `failures`. */
  failureCount: number;
  failures: FuzzFailure[];
}

/** A single call above this is a failure (the brief's bound). */
export const SLOW_MS = 2_000;

const te = new TextEncoder();

/** Valid samples per store; every secret-looking value is SECRET. */
const SAMPLES: Record<StoreName, string[]> = {
  yaml: [
    `db:\n    user: admin\n    password: ${SECRET}\n    port: 5432\nlist:\n    - a\n    - ${SECRET}\n    - {x: 1, y: [1, 2.5, true, null]}\n# a comment\nwhen: 2006-01-02T15:04:05Z\nblob: !!binary aGVsbG8=\n`,
    `base: &b\n    k: ${SECRET}\nderived:\n    <<: *b\n    j: |\n        multi\n        ${SECRET}\n---\nsecond: doc\n`,
    `? complex\n: value\n"quoted key": '${SECRET}'\nflow: {a: [b, {c: d}]}\nnum: 0x1F\nfl: .inf\n`,
  ],
  json: [
    `{"db": {"user": "admin", "password": "${SECRET}", "port": 5432, "f": 1.5e3, "ok": true, "n": null}, "list": ["a", "${SECRET}", {"x": [1, 2]}]}`,
    `[{"a": "${SECRET}"}]`,
    `{"esc": "\\u00e9\\n\\t\\"${SECRET}", "big": 123456789012345678901234567890, "neg": -0.0}`,
  ],
  dotenv: [`USER=admin\nPASSWORD=${SECRET}\n# comment\nMULTI="line1\\n${SECRET}"\nEMPTY=\nexport X=1\n`, `A='${SECRET}'\nB = spaced \n`],
  ini: [
    `[database]\nuser = admin\npassword = ${SECRET}\n; comment\n# another\n\n[other section]\nkey = "${SECRET}"\nempty =\n`,
    `top = level\n[s]\na=1\nb = ${SECRET} ; trailing\n[s.sub]\nc = """multi\n${SECRET}"""\n`,
  ],
  binary: [`${SECRET}\nsome bytes\n`, `{"data": "${SECRET}"}`],
};

function corpusFor(target: StoreName, fixtures: string): { corpus: Uint8Array[]; keys: (Uint8Array | null)[] } {
  const corpus: Uint8Array[] = [];
  const keys: (Uint8Array | null)[] = [];
  for (const s of SAMPLES[target]) {
    corpus.push(te.encode(s));
    keys.push(null);
  }
  if (!existsSync(fixtures)) return { corpus, keys };
  for (const dir of readdirSync(fixtures).sort()) {
    const d = join(fixtures, dir);
    if (dir === "keys" || !statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).sort()) {
      if (f.endsWith(".vectors.json") || f.endsWith(".md")) continue;
      const bytes = readFileSync(join(d, f));
      const text = bytes.toString("latin1");
      if (text.includes("AGE-SECRET-KEY") || text.includes("PRIVATE KEY")) continue;
      let fmt: StoreName | null = null;
      if (f.endsWith(".yaml") || f.endsWith(".yml")) fmt = "yaml";
      else if (f.endsWith(".json")) fmt = "json";
      else if (f.endsWith(".env")) fmt = "dotenv";
      else if (f.endsWith(".ini")) fmt = "ini";
      else if (f.endsWith(".txt") || f.endsWith(".bin")) fmt = "binary";
      if (fmt !== target) continue;
      corpus.push(bytes);
      const vp = join(d, `${f}.vectors.json`);
      const hex = existsSync(vp) ? (JSON.parse(readFileSync(vp, "utf8")) as { data_key_hex?: string }).data_key_hex : undefined;
      keys.push(hex === undefined ? null : Buffer.from(hex, "hex"));
    }
  }
  return { corpus, keys };
}

function run(job: FuzzJob): FuzzReport {
  const progress = new Int32Array(job.progress);
  const rng = new Rng(job.seed);
  const report: FuzzReport = { target: job.target, n: job.n, calls: 0, hushErrors: 0, maxMs: 0, maxIndex: -1, steps: {}, maxInput: "", maxStep: "", failureCount: 0, failures: [] };
  const seen = new Map<string, number>();
  const fail = (f: FuzzFailure): void => {
    report.failureCount++;
    const sig = `${f.step}:${f.kind}:${f.detail.split("\n")[0] ?? ""}`;
    const k = seen.get(sig) ?? 0;
    seen.set(sig, k + 1);
    if (k < 3 && report.failures.length < 60) report.failures.push(f);
  };
  let index = -1;
  let current: Uint8Array = new Uint8Array();

  /** Runs `fn`; a non-HushError, a slow call or a leaking message is recorded. Returns fn's value or undefined. */
  const call = <T>(step: string, fn: () => T): T | undefined => {
    report.calls++;
    const st = (report.steps[step] ??= { ok: 0, err: 0 });
    const t0 = performance.now();
    let out: T | undefined;
    try {
      out = fn();
      st.ok++;
    } catch (e) {
      if (e instanceof HushError) {
        report.hushErrors++;
        st.err++;
        const text = [e.message, ...e.hints].join("\n");
        // "unknown datatype: …" names the ENC type tag (format metadata outside the AEAD, at most 20
        // characters, as sops prints it), so a mutation that wrote the sentinel there is not a leak.
        if (leaksSecret(text) && !e.message.startsWith("unknown datatype: ")) fail({ index, step, kind: "leak", detail: `${e.code}: ${text}`, input: Buffer.from(current).toString("base64") });
      } else {
        const err = e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? "").split("\n").slice(1, 6).join("\n")}` : String(e);
        fail({ index, step, kind: "crash", detail: err, input: Buffer.from(current).toString("base64") });
      }
    }
    const ms = performance.now() - t0;
    if (ms > report.maxMs) {
      report.maxMs = ms;
      report.maxIndex = index;
      report.maxStep = step;
      report.maxInput = Buffer.from(current).toString("base64");
    }
    if (ms > SLOW_MS) fail({ index, step, kind: "slow", detail: `${ms.toFixed(0)} ms`, input: Buffer.from(current).toString("base64") });
    return out;
  };

  if (job.target === "enc") {
    const key = Buffer.alloc(32, 7);
    const corpus: Uint8Array[] = [];
    const aads: string[] = [];
    const r0 = new Rng(job.seed ^ 0x9e3779b9);
    for (const [plain, type] of [[SECRET, "str"], ["42", "int"], ["1.5", "float"], ["true", "bool"], ["", "str"], [SECRET.repeat(20), "bytes"], ["x", "comment"]] as const) {
      const iv = new Uint8Array(32);
      for (let i = 0; i < 32; i++) iv[i] = r0.int(256);
      const aad = `db:password:${type}:`;
      corpus.push(te.encode(sealValue(te.encode(plain), key, iv, aad, type)));
      aads.push(aad);
    }
    const td = new TextDecoder();
    for (index = 0; index < job.n; index++) {
      Atomics.store(progress, 0, index);
      const { input, base } = fuzzInput(rng, "enc", corpus);
      current = input;
      const s = td.decode(input);
      const aad = base >= 0 ? (aads[base] as string) : "";
      call("parseEnc", () => parseEnc(s));
      call("openValue", () => openValue(s, key, aad));
    }
  } else {
    const store: Store = STORES[job.target];
    const { corpus, keys } = corpusFor(job.target, job.fixtures);
    for (index = 0; index < job.n; index++) {
      Atomics.store(progress, 0, index);
      const { input, base } = fuzzInput(rng, job.target, corpus);
      current = input;
      const plain = call("loadPlain", () => store.loadPlain(input, { file: "fuzz" }));
      if (plain !== undefined) call("emitPlain", () => store.emitPlain(plain));
      const doc = call("loadEncrypted+metadata", () => readEncrypted(input, store, "fuzz"));
      const key = base >= 0 ? keys[base] : null;
      if (doc !== undefined && key !== null && key !== undefined) {
        call("decryptBranches", () => decryptBranches(doc.branches, doc.metadata, key));
      }
    }
  }
  Atomics.store(progress, 1, 1);
  return report;
}

if (parentPort !== null) parentPort.postMessage(run(workerData as FuzzJob));
