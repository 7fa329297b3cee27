// Guardrail timings on a seeded synthetic repository (run: npm run bench:guardrails [COMMITS]):
//  - `hush audit-history` over N commits (default 10,000) on 3 branches, with secret-named files
//    (encrypted and, in a few planted commits, plaintext), against the floor it cannot beat: the one
//    `git log --all --raw` pass it makes itself;
//  - `hush guard` with 200 staged files (20 rule-matched encrypted files, MAC verified with the key;
//    180 source files scanned for secrets in their added lines), against `git diff --cached` alone.
// Prints medians of 5 runs and the ratios. Needs the built bundle (npm run build).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const COMMITS = Number(process.argv[2] ?? 10000);
const BUNDLE = resolve("dist/hush.cjs");
const dir = mkdtempSync(join(tmpdir(), "hush-bench-guard-"));
const home = join(dir, "home");
mkdirSync(home);
const env = { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: "1", SOPS_AGE_KEY_FILE: join(home, "key.txt") };
for (const k of Object.keys(env)) if (k.startsWith("SOPS_") && k !== "SOPS_AGE_KEY_FILE") delete env[k];
const run = (cwd, argv, input) => {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, input, maxBuffer: 1 << 30 });
  if (r.status !== 0 && !(argv.includes("audit-history") || argv.includes("guard"))) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
  return r;
};
const hush = (cwd, ...a) => run(cwd, [process.execPath, BUNDLE, ...a]);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
const word = () => Math.floor(rnd() * 1e9).toString(36);

// one encrypted blob to reuse for the secret-named files (encrypting 10,000 times would time hush encrypt)
const repo = join(dir, "repo");
mkdirSync(repo);
run(repo, ["git", "init", "-q", "-b", "main"]);
hush(repo, "keygen", "-o", env.SOPS_AGE_KEY_FILE);
const recipient = hush(repo, "keygen", "-y", env.SOPS_AGE_KEY_FILE).stdout.toString().trim();
writeFileSync(join(repo, ".sops.yaml"), `creation_rules:\n  - path_regex: ^secrets/\n    age: ${recipient}\n`);
writeFileSync(join(repo, "secrets.yaml"), "db:\n    password: p\n");
const encrypted = hush(repo, "encrypt", "--filename-override", "secrets/x.yaml", "secrets.yaml").stdout;

// fast-import stream: N commits over 3 branches, each changing 3 of 300 text files; every 100th commit
// also writes an encrypted secrets/api-key-*.yaml; 5 planted commits write a plaintext token file
const t0 = performance.now();
let s = "";
let mark = 1;
const blobs = [];
const blob = (data) => {
  const b = Buffer.from(data);
  s += `blob\nmark :${mark}\ndata ${b.length}\n`;
  blobs.push(b);
  s += "\0BLOB" + (blobs.length - 1) + "\0\n";
  return mark++;
};
const encMark = blob(encrypted);
const branches = ["main", "dev", "release"];
const planted = new Set([1234, 3456, 5678, 7890, 9012].filter((n) => n < COMMITS));
for (let i = 0; i < COMMITS; i++) {
  const marks = [];
  for (let k = 0; k < 3; k++) {
    const lines = Array.from({ length: 40 }, () => `${word()} ${word()} ${word()} ${word()}`).join("\n");
    marks.push([`src/mod${Math.floor(rnd() * 300)}/file.txt`, blob(lines + "\n")]);
  }
  if (i % 100 === 0) marks.push([`secrets/api-key-${i % 700}.yaml`, encMark]);
  if (planted.has(i)) marks.push([`config/token-${i}.json`, blob(`{"token": "tok_${word()}${word()}"}\n`)]);
  const br = branches[i % 3];
  s += `commit refs/heads/${br}\nmark :${mark++}\nauthor Dev <dev@example.com> ${1700000000 + i} +0000\ncommitter Dev <dev@example.com> ${1700000000 + i} +0000\ndata 3\nc${i % 10}\n`;
  for (const [p, m] of marks) s += `M 100644 :${m} ${p}\n`;
  s += "\n";
}
// splice blob bodies in (kept out of the string building above for speed)
const parts = s.split(/\0BLOB(\d+)\0\n/);
const chunks = [];
for (let i = 0; i < parts.length; i++) chunks.push(i % 2 === 0 ? Buffer.from(parts[i]) : Buffer.concat([blobs[Number(parts[i])], Buffer.from("\n")]));
run(repo, ["git", "fast-import", "--quiet"], Buffer.concat(chunks));
run(repo, ["git", "checkout", "-q", "-f", "main"]);
const size = execFileSync("git", ["count-objects", "-vH"], { cwd: repo, env }).toString().match(/size-pack: (.*)/)?.[1];
console.log(`repository: ${COMMITS} commits on ${branches.length} branches, pack ${size}, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn, n = 5) => median(Array.from({ length: n }, () => { const a = performance.now(); fn(); return performance.now() - a; }));

const ah = hush(repo, "audit-history");
const found = ah.stdout.toString().trim().split("\n").filter(Boolean).length;
const tAudit = time(() => hush(repo, "audit-history"));
const tLog = time(() => run(repo, ["git", "log", "--all", "--format=%H", "--raw", "--no-abbrev", "--no-renames", "--diff-filter=AM", "--diff-merges=first-parent", "-z"]));

// guard: 20 encrypted rule-matched files + 180 source files staged
for (let i = 0; i < 20; i++) writeFileSync(join(repo, `secrets/new-${i}.yaml`), encrypted);
for (let i = 0; i < 180; i++) {
  mkdirSync(join(repo, `app/m${i}`), { recursive: true });
  writeFileSync(join(repo, `app/m${i}/code.py`), Array.from({ length: 60 }, () => `x_${word()} = "${word()}"`).join("\n") + "\n");
}
run(repo, ["git", "add", "secrets", "app"]);
const g = hush(repo, "guard");
const tGuard = time(() => hush(repo, "guard"));
const tDiff = time(() => run(repo, ["git", "diff", "--cached", "-U0", "--no-color"]));
const tVersion = time(() => hush(repo, "--version"));

console.log(`\n| what | hush | floor | ratio |\n| --- | --- | --- | --- |`);
console.log(`| audit-history, ${COMMITS} commits (found ${found} planted commits) | ${tAudit.toFixed(0)} ms | git log --raw pass ${tLog.toFixed(0)} ms | ${(tAudit / tLog).toFixed(2)}x |`);
console.log(`| guard, 200 staged files (exit ${g.status}) | ${tGuard.toFixed(0)} ms | git diff --cached ${tDiff.toFixed(0)} ms | ${(tGuard / tDiff).toFixed(2)}x |`);
console.log(`| hush --version (start-up) | ${tVersion.toFixed(0)} ms | | |`);
rmSync(dir, { recursive: true, force: true });
