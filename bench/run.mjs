// hush run / exec-env: start-up overhead and masking throughput (issue 5): `npm run bench:run`.
//
//   start-up     `hush run -f small.yaml -- true` against `true` bare, with `node -e 0`, `hush --version`,
//                `hush exec-env small.yaml -- true` and (when installed) `sops exec-env small.yaml true`
//                for context; all alternated in one loop, N runs each after a warm-up; median and p90.
//   throughput   a child that prints 100 MiB (log lines with each of the 50 secrets in the environment
//                embedded once per MiB, some base64/hex encoded) read through a pipe by this script:
//                the child alone, `hush run --no-mask`, and `hush run` (masking: 50 secrets → their
//                encodings ≈ 300+ patterns), alternated; median MB/s (MB = 10^6 bytes). Plus the
//                masker alone in this process (no pipes), on a bundle of src/workflows/run/masker.ts.
//
// Env: BENCH_RUNS_START (default 20), BENCH_RUNS_MASK (default 3), SOPS (path to sops).
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, homedir, loadavg, tmpdir, totalmem } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { which } from "./_which.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HUSH = join(ROOT, "dist", "hush.cjs");
const RUNS_START = Number(process.env.BENCH_RUNS_START ?? 20);
const RUNS_MASK = Number(process.env.BENCH_RUNS_MASK ?? 3);
const MIB = 1 << 20;
const TOTAL = 100 * MIB;

const SOPS = process.env.SOPS ?? which("sops");
const TRUE = which("true") ?? "/bin/true";

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
const CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+=@:";
const word = (r, n) => Array.from({ length: n }, () => CHARS[Math.floor(r() * CHARS.length)]).join("");

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
const fmt = (x, w = 9, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-").padStart(w);

function timeSync(cmd, args, opts) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { ...opts, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return ms;
}

/** Runs a command, reads its stdout through a pipe, returns wall ms, bytes and *** count. */
function timeStream(cmd, args, opts) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "inherit"] });
    let bytes = 0;
    let masks = 0;
    let tail = Buffer.alloc(0);
    let lastEnd = 0;
    child.stdout.on("data", (b) => {
      const s = Buffer.concat([tail, b]);
      const base = bytes - tail.length;
      for (let i = s.indexOf("***"); i !== -1; i = s.indexOf("***", i + 1)) {
        if (base + i < lastEnd) continue;
        masks++;
        lastEnd = base + i + 3;
      }
      bytes += b.length;
      tail = s.subarray(s.length - 2);
    });
    child.on("error", rej);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) rej(new Error(`${cmd} ${args.join(" ")} exited ${code}`));
      else res({ ms, bytes, masks });
    });
  });
}

if (!existsSync(HUSH)) spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "hush-bench-run-"));
try {
  const env = { PATH: process.env.PATH ?? "", HOME: dir, SOPS_DISABLE_VERSION_CHECK: "1", SOPS_AGE_KEY_FILE: join(dir, "key.txt") };
  const node = process.execPath;
  const hushSync = (args) => spawnSync(node, [HUSH, ...args], { cwd: dir, env, encoding: "utf8" });
  if (hushSync(["keygen", "-o", "key.txt"]).status !== 0) throw new Error("keygen failed");
  const recipient = hushSync(["keygen", "-y", "key.txt"]).stdout.trim();
  const r = rng(5);
  const small = Array.from({ length: 10 }, (_, i) => `KEY_${i}: ${word(r, 24)}\n`).join("");
  const secrets = Array.from({ length: 50 }, (_, i) => word(r, 16 + (i % 25)));
  const many = secrets.map((s, i) => `SECRET_${i}=${s}\n`).join("");
  writeFileSync(join(dir, "small.plain.yaml"), small);
  writeFileSync(join(dir, "many.plain.env"), many);
  for (const [src, dst] of [["small.plain.yaml", "small.yaml"], ["many.plain.env", "many.env"]]) {
    const e = hushSync(["encrypt", "--age", recipient, "--output", dst, src]);
    if (e.status !== 0) throw new Error(e.stderr);
  }
  // the child: 1 MiB of log lines with every secret once (a fifth of them base64- or hex-encoded), 100 times
  const lines = [];
  let size = 0;
  let k = 0;
  while (size < MIB) {
    const n = k++;
    const s = secrets[n % 50];
    const shown = n < 50 ? (n % 5 === 0 ? Buffer.from(s).toString("base64") : n % 5 === 1 ? Buffer.from(s).toString("hex") : s) : word(r, 20);
    const line = `2026-11-23T10:00:00.${String(n % 1000).padStart(3, "0")}Z INFO request id=${word(r, 16)} path=/api/v1/items/${n} user=${shown} took=${n % 97}ms\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  const block = Buffer.from(lines.join("")).subarray(0, MIB);
  writeFileSync(join(dir, "block.bin"), block);
  writeFileSync(
    join(dir, "gen.mjs"),
    `import { readFileSync, writeSync } from "node:fs";\nconst b = readFileSync(${JSON.stringify(join(dir, "block.bin"))});\nfor (let i = 0; i < 100; i++) { let o = 0; while (o < b.length) o += writeSync(1, b, o); }\n`,
  );

  const sopsVersion = SOPS ? spawnSync(SOPS, ["--version", "--disable-version-check"], { env }).stdout.toString().split("\n")[0] : "not found";
  console.log("# hush run / exec-env");
  console.log(`machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  console.log(`node ${process.version}; ${sopsVersion}; ${hushSync(["--version"]).stdout.trim()}\n`);

  // ---------- start-up ----------
  const cases = [
    ["true (bare)", TRUE, []],
    ["node -e 0", node, ["-e", "0"]],
    ["hush --version", node, [HUSH, "--version"]],
    ["hush run -f small.yaml -- true", node, [HUSH, "run", "-f", "small.yaml", "--", TRUE]],
    ["hush run --no-mask -f small.yaml -- true", node, [HUSH, "run", "--no-mask", "-f", "small.yaml", "--", TRUE]],
    ["hush exec-env small.yaml -- true", node, [HUSH, "exec-env", "small.yaml", "--", TRUE]],
    ...(SOPS ? [["sops exec-env small.yaml true", SOPS, ["exec-env", "small.yaml", "true"]]] : []),
  ];
  const times = cases.map(() => []);
  cases.forEach(([, c, a]) => timeSync(c, a, { cwd: dir, env }));
  for (let i = 0; i < RUNS_START; i++) cases.forEach(([, c, a], j) => times[j].push(timeSync(c, a, { cwd: dir, env })));
  const bare = median(times[0]);
  console.log(`## start-up (${RUNS_START} runs each, alternating; ms)`);
  console.log(`| command | median | p90 | over \`true\` |`);
  console.log(`| --- | ---: | ---: | ---: |`);
  cases.forEach(([name], j) => {
    const m = median(times[j]);
    console.log(`| \`${name}\` | ${fmt(m)} | ${fmt(quantile(times[j], 0.9))} | ${fmt(m - bare)} |`);
  });
  const runMs = median(times[3]);
  const nodeMs = median(times[1]);
  const versionMs = median(times[2]);
  console.log(`\nhush run overhead over bare true: ${(runMs - bare).toFixed(1)} ms (target < 50); of it, node itself ${(nodeMs - bare).toFixed(1)} ms, loading the bundle ${(versionMs - nodeMs).toFixed(1)} ms, decrypt + spawn ${(runMs - versionMs).toFixed(1)} ms\n`);

  // ---------- throughput ----------
  const streams = [
    ["child alone", node, [join(dir, "gen.mjs")]],
    ["hush run --no-mask", node, [HUSH, "run", "--no-mask", "-f", "many.env", "--", node, join(dir, "gen.mjs")]],
    ["hush run (masking)", node, [HUSH, "run", "-f", "many.env", "--", node, join(dir, "gen.mjs")]],
  ];
  const res = streams.map(() => []);
  let masked = 0;
  for (let i = 0; i < RUNS_MASK; i++) {
    for (const [j, [, c, a]] of streams.entries()) {
      const o = await timeStream(c, a, { cwd: dir, env });
      if (o.bytes === 0) throw new Error(`${streams[j][0]}: no output`);
      res[j].push(o.ms);
      if (j === 2) masked = o.masks;
    }
  }
  console.log(`## masking throughput: 100 MiB through a pipe, 50 secrets (${RUNS_MASK} runs each, alternating)`);
  console.log(`| run | median s | MB/s |`);
  console.log(`| --- | ---: | ---: |`);
  streams.forEach(([name], j) => {
    const s = median(res[j]) / 1000;
    console.log(`| ${name} | ${fmt(s, 6, 2)} | ${fmt(TOTAL / 1e6 / s, 6, 0)} |`);
  });
  console.log(`\nmasked occurrences in the output: ${masked} (expected ${100 * 50})`);

  // ---------- the masker alone ----------
  const { build } = await import(pathToFileURL(join(ROOT, "node_modules", "esbuild", "lib", "main.js")).href);
  const lib = join(dir, "masker-lib.mjs");
  writeFileSync(join(dir, "entry.ts"), `export { compileMask, Masker } from ${JSON.stringify(join(ROOT, "src/workflows/run/masker.ts"))};\nexport { secretForms } from ${JSON.stringify(join(ROOT, "src/workflows/run/encodings.ts"))};\n`);
  await build({ entryPoints: [join(dir, "entry.ts")], bundle: true, platform: "node", format: "esm", outfile: lib, logLevel: "warning" });
  const m = await import(pathToFileURL(lib).href);
  const pats = secrets.flatMap((s) => m.secretForms(s));
  let t0 = performance.now();
  const automaton = m.compileMask(pats);
  const compileMs = performance.now() - t0;
  const inproc = [];
  for (let i = 0; i < RUNS_MASK; i++) {
    const masker = new m.Masker(automaton);
    t0 = performance.now();
    for (let j = 0; j < 100 * 16; j++) masker.push(block.subarray((j % 16) * 65536, (j % 16 + 1) * 65536));
    masker.end();
    inproc.push(performance.now() - t0);
  }
  console.log(`\n## the masker alone (in process, 64 KiB writes)`);
  console.log(`${automaton.patterns} patterns from 50 secrets, ${automaton.depth.length} DFA states, compiled in ${compileMs.toFixed(1)} ms; ${fmt(TOTAL / 1e6 / (median(inproc) / 1000), 0, 0)} MB/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
