// Export start-up cost (issue 5): `npm run bench:export`.
//
// One sops-encrypted YAML file with 50 values (encrypted by Go sops, so neither tool reads its own output).
//   hush  `hush export --format dotenv f.yaml`            (python-dotenv quoting, refusals checked)
//   sops  `sops decrypt --output-type dotenv f.yaml`       (sops's nearest: its naive dotenv store)
// and `hush deploy` of 10 unchanged targets (the no-op path a cron or CI job hits). Runs are interleaved
// (hush, sops, hush, sops …) so machine load hits both alike; prints medians and the ratio sops/hush.
//
// Env: BENCH_RUNS (default 21), SOPS (path to sops).
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { which } from "./_which.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HUSH = join(ROOT, "dist", "hush.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

const SOPS = process.env.SOPS ?? which("sops");
if (SOPS === null) {
  console.error("bench:export needs Go sops (set SOPS or install it in PATH / ~/go/bin)");
  process.exit(1);
}
spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });

const work = mkdtempSync(join(tmpdir(), "hush-bench-export-"));
const env = { PATH: process.env.PATH ?? "", HOME: work, XDG_CONFIG_HOME: join(work, "cfg"), SOPS_DISABLE_VERSION_CHECK: "1", SOPS_AGE_KEY_FILE: join(work, "k.txt") };
const run = (args) => {
  const t0 = performance.now();
  const r = spawnSync(args[0], args.slice(1), { cwd: work, env, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { ms, out: r.stdout };
};
try {
  run([process.execPath, HUSH, "keygen", "-o", join(work, "k.txt")]);
  const recipient = run([process.execPath, HUSH, "keygen", "-y", join(work, "k.txt")]).out.trim();
  writeFileSync(join(work, ".sops.yaml"), `creation_rules:\n  - age: ${recipient}\n`);
  writeFileSync(join(work, "f.yaml"), Array.from({ length: 50 }, (_, i) => `KEY_${i}: value-${i}-${"x".repeat(i)}`).join("\n") + "\n");
  run([SOPS, "encrypt", "-i", "f.yaml"]);
  mkdirSync(join(work, "out"));
  const targets = Array.from({ length: 10 }, (_, i) => `  t${i}:\n    source: f.yaml\n    format: docker\n    path: out/t${i}.env\n`).join("");
  writeFileSync(join(work, "hush.yaml"), `deploy:\n${targets}`);
  run([process.execPath, HUSH, "deploy"]); // first run writes; the measured runs are the unchanged path

  const times = { hush: [], sops: [], deploy: [] };
  for (let i = 0; i < RUNS; i++) {
    times.hush.push(run([process.execPath, HUSH, "export", "--format", "dotenv", "f.yaml"]).ms);
    times.sops.push(run([SOPS, "decrypt", "--output-type", "dotenv", "f.yaml"]).ms);
    const d = run([process.execPath, HUSH, "deploy"]);
    if (d.out.includes("(changed")) throw new Error("deploy rewrote an unchanged target");
    times.deploy.push(d.ms);
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const h = median(times.hush);
  const s = median(times.sops);
  const d = median(times.deploy);
  console.log(`runs: ${RUNS} (interleaved), file: 50 values, sops-encrypted YAML`);
  console.log("| command | median ms |");
  console.log("| --- | --- |");
  console.log(`| hush export --format dotenv | ${h.toFixed(1)} |`);
  console.log(`| sops decrypt --output-type dotenv | ${s.toFixed(1)} |`);
  console.log(`| hush deploy, 10 unchanged targets (same file) | ${d.toFixed(1)} |`);
  console.log(`ratio sops/hush (export): ${(s / h).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
