// Re-keying a repository for one added recipient (issue 4): `npm run bench:rekey`.
//
// 500 sops-encrypted YAML files (10 values each) under one creation rule. The rule gains a second
// age recipient; then
//   hush    `hush updatekeys -y --all`                               (one process, files in parallel)
//   sops    `for f in secrets/*.yaml; do sops updatekeys -y "$f"; done`  (the loop sops users write)
// on two identical copies of the same files, one run each. Both results are checked: every file
// lists both recipients and decrypts with the NEW key only (hush's output with sops, sops's with
// hush, on a sample). Prints wall times and the ratio sops/hush (target >= 3).
//
// Env: BENCH_REKEY_FILES (default 500), SOPS (path to sops).
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { which } from "./_which.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HUSH = join(ROOT, "dist", "hush.cjs");
const N = Number(process.env.BENCH_REKEY_FILES ?? 500);

const SOPS = process.env.SOPS ?? which("sops");
if (SOPS === null) {
  console.error("bench:rekey needs Go sops (set SOPS or install it in PATH / ~/go/bin)");
  process.exit(1);
}
spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });

const work = mkdtempSync(join(tmpdir(), "hush-bench-rekey-"));
const env = { PATH: process.env.PATH ?? "", HOME: work, XDG_CONFIG_HOME: join(work, "cfg"), SOPS_DISABLE_VERSION_CHECK: "1" };
const run = (args, opts = {}) => {
  const r = spawnSync(args[0], args.slice(1), { env, encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
};
run([process.execPath, HUSH, "keygen", "-o", join(work, "k1.txt")]);
run([process.execPath, HUSH, "keygen", "-o", join(work, "k2.txt")]);
const r1 = run([process.execPath, HUSH, "keygen", "-y", join(work, "k1.txt")]).trim();
const r2 = run([process.execPath, HUSH, "keygen", "-y", join(work, "k2.txt")]).trim();
const rule = (recipients) => `creation_rules:\n  - path_regex: ^secrets/\n    age: ${recipients}\n`;

// the inputs: N distinct files, each with its own data key, encrypted by sops (so neither tool re-keys its own output)
const base = join(work, "base");
mkdirSync(join(base, "secrets"), { recursive: true });
writeFileSync(join(base, ".sops.yaml"), rule(r1));
for (let i = 0; i < N; i++) {
  const lines = Array.from({ length: 10 }, (_, k) => `key_${k}: value-${i}-${k}-${"s".repeat(k * 3)}`);
  writeFileSync(join(base, "secrets", `s${String(i).padStart(4, "0")}.yaml`), lines.join("\n") + "\n");
}
process.stderr.write(`encrypting ${N} files with sops… `);
{
  const files = readdirSync(join(base, "secrets"));
  let next = 0;
  const lane = () =>
    new Promise((res, rej) => {
      const step = () => {
        if (next >= files.length) return res();
        const f = join("secrets", files[next++]);
        const c = spawn(SOPS, ["encrypt", "-i", f], { cwd: base, env });
        c.on("exit", (code) => (code === 0 ? step() : rej(new Error(`sops encrypt ${f}: exit ${code}`))));
      };
      step();
    });
  await Promise.all(Array.from({ length: 16 }, lane));
}
process.stderr.write("done\n");

const hushDir = join(work, "hush");
const sopsDir = join(work, "sops");
cpSync(base, hushDir, { recursive: true });
cpSync(base, sopsDir, { recursive: true });
for (const d of [hushDir, sopsDir]) writeFileSync(join(d, ".sops.yaml"), rule(`${r1},${r2}`));
const keyEnv = { ...env, SOPS_AGE_KEY_FILE: join(work, "k1.txt") };

const time = (args, cwd) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), { cwd, env: keyEnv, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return ms;
};
const hushMs = time([process.execPath, HUSH, "updatekeys", "-y", "--all"], hushDir);
const sopsMs = time(["sh", "-c", `for f in secrets/*.yaml; do "${SOPS}" updatekeys -y "$f" >/dev/null 2>&1 || exit 1; done`], sopsDir);

// check: both trees have both recipients in every file; a sample decrypts with the new key alone, across tools
const newKey = { ...env, SOPS_AGE_KEY_FILE: join(work, "k2.txt") };
for (const d of [hushDir, sopsDir]) {
  for (const f of readdirSync(join(d, "secrets"))) {
    const t = readFileSync(join(d, "secrets", f), "utf8");
    if (!t.includes(r2) || !t.includes(r1)) throw new Error(`${d}/secrets/${f} does not list both recipients`);
  }
}
for (const i of [0, Math.floor(N / 2), N - 1]) {
  const f = join("secrets", `s${String(i).padStart(4, "0")}.yaml`);
  const a = spawnSync(SOPS, ["decrypt", f], { cwd: hushDir, env: newKey, encoding: "utf8" });
  const b = spawnSync(process.execPath, [HUSH, "decrypt", f], { cwd: sopsDir, env: newKey, encoding: "utf8" });
  if (a.status !== 0 || b.status !== 0 || a.stdout !== b.stdout || !a.stdout.includes(`value-${i}-0`)) throw new Error(`cross-check failed on ${f}`);
}
if (process.env.BENCH_KEEP !== "1") rmSync(work, { recursive: true, force: true });
else console.error(`kept ${work}`);

const cpu = cpus()[0]?.model ?? "unknown cpu";
console.log(`rekey: ${N} files, one added age recipient (${cpu}, ${availableParallelism()} threads, node ${process.version})`);
console.log(`  hush updatekeys -y --all            ${hushMs.toFixed(0).padStart(7)} ms`);
console.log(`  sops updatekeys -y, one per file    ${sopsMs.toFixed(0).padStart(7)} ms`);
console.log(`  ratio sops/hush                     ${(sopsMs / hushMs).toFixed(1).padStart(7)}x  (target >= 3x)`);
console.log(`  checked: every file lists both recipients; 3 samples decrypt with the new key alone (hush output by sops, sops output by hush)`);
