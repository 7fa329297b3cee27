// Scanner quality on the labelled corpus (issue 6): `npm run bench:scan-quality`.
//
// Runs, in one run and on the same files: hush scan, gitleaks (`gitleaks dir`), betterleaks
// (`betterleaks dir`, when installed) and git-secrets (`git secrets --scan -r` with its AWS provider,
// in a temporary git repository holding a copy of the files). The corpus is read in place from
// ../shared/corpus/secrets (override with CORPUS=DIR); it is never copied into this repository.
//
// Scoring follows the corpus README: line level; a line is positive when any label on it is true and
// negative when all its labels are false; `identifier` labels are left out; a finding on a line with
// no label is "unlabelled" (reported apart, not counted as FP); at most one TP per line. A label with
// `line_end` covers [line, line_end]. Recall is given with and without the labels whose basis is
// `doc-positive-section`, and precision/recall/F1 per category (a line counts in category C when it
// carries a label of C; its polarity in C comes from its C labels).
//
// Findings are reduced to (file, start line) at once; no secret is printed.
import { spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { which } from "./_which.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HUSH = join(ROOT, "dist", "hush.cjs");
const CORPUS = resolve(process.env.CORPUS ?? join(ROOT, "..", "shared", "corpus", "secrets"));
const VERBOSE = process.env.VERBOSE === "1";


if (!existsSync(join(CORPUS, "labels.jsonl"))) {
  console.error(`scan-quality: no corpus at ${CORPUS} (set CORPUS=DIR)`);
  process.exit(2);
}
if (!existsSync(HUSH)) {
  console.error("scan-quality: dist/hush.cjs is missing; run `npm run build` first");
  process.exit(2);
}

// ---------- labels → lines ----------
const labels = readFileSync(join(CORPUS, "labels.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l))
  .filter((l) => l.category !== "identifier");

/** Builds line → {pos, cats: Map(cat → pos)} for a label subset. */
function labelLines(subset) {
  const lines = new Map(); // `${file}:${line}` → { positive, cats: Map<cat, boolean> }
  for (const l of subset) {
    const end = l.line_end ?? l.line;
    for (let n = l.line; n <= end; n++) {
      const key = `${l.file}:${n}`;
      const e = lines.get(key) ?? { positive: false, cats: new Map(), start: l.line === n };
      e.positive ||= l.label === true;
      e.cats.set(l.category, (e.cats.get(l.category) ?? false) || l.label === true);
      lines.set(key, e);
    }
  }
  return lines;
}

// A multi-line label (PEM block) is one unit: a finding anywhere in [line, line_end] hits it.
function units(subset) {
  const out = []; // { keys: Set<"file:line">, positive, cats }
  const byKey = new Map();
  for (const l of subset) {
    const end = l.line_end ?? l.line;
    const keys = [];
    for (let n = l.line; n <= end; n++) keys.push(`${l.file}:${n}`);
    // merge with an existing unit sharing the first line
    let u = byKey.get(keys[0]);
    if (u === undefined) {
      u = { keys: new Set(), positive: false, cats: new Map() };
      out.push(u);
    }
    for (const k of keys) {
      u.keys.add(k);
      byKey.set(k, u);
    }
    u.positive ||= l.label === true;
    u.cats.set(l.category, (u.cats.get(l.category) ?? false) || l.label === true);
  }
  return { units: out, byKey };
}

// ---------- scanners ----------
function run(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { ...r, ms };
}

/** Every scanner returns { name, version, ms, hits: Set<"files/x:line"> } or { name, missing }. */
function hush() {
  const r = run(process.execPath, [HUSH, "scan", "files", "--format", "json", "--no-progress"], { cwd: CORPUS });
  if (r.status !== 0 && r.status !== 1) throw new Error(`hush scan exited ${r.status}: ${r.stderr}`);
  const hits = new Map();
  for (const f of JSON.parse(r.stdout)) hits.set(`${f.file}:${f.line}`, [...(hits.get(`${f.file}:${f.line}`) ?? []), f.ruleId]);
  return { name: "hush", version: run(process.execPath, [HUSH, "--version"]).stdout.trim().split(" ")[1], ms: r.ms, hits };
}

function leaksLike(name) {
  const bin = which(name);
  if (bin === null) return { name, missing: true };
  const dir = mkdtempSync(join(tmpdir(), `hush-bench-${name}-`));
  try {
    const report = join(dir, "report.json");
    const r = run(bin, ["dir", "files", "--report-format", "json", "--report-path", report, "--no-banner", "--log-level", "error", "--redact", "--exit-code", "0"], { cwd: CORPUS });
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
    const hits = new Map();
    for (const f of JSON.parse(readFileSync(report, "utf8"))) {
      const file = f.File.replace(/^\.\//, "");
      hits.set(`${file}:${f.StartLine}`, [...(hits.get(`${file}:${f.StartLine}`) ?? []), f.RuleID]);
    }
    // `gitleaks version` of a go-install build says "version is set by build process"; the module version is in the binary
    const mod = /\tmod\t\S+\t(v[^\t\s]+)/.exec(run("go", ["version", "-m", bin]).stdout ?? "");
    const version = mod?.[1] ?? run(bin, ["version"]).stdout.trim();
    return { name, version, ms: r.ms, hits };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gitSecrets() {
  const bin = which("git-secrets");
  if (bin === null) return { name: "git-secrets", missing: true };
  const dir = mkdtempSync(join(tmpdir(), "hush-bench-git-secrets-"));
  try {
    cpSync(join(CORPUS, "files"), join(dir, "files"), { recursive: true });
    const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
    run("git", ["init", "-q"], { cwd: dir, env });
    run("git", ["secrets", "--register-aws"], { cwd: dir, env });
    const files = readdirSync(join(dir, "files")).map((f) => `files/${f}`);
    const r = run("git", ["secrets", "--scan", ...files], { cwd: dir, env });
    const hits = new Map();
    // grep -n style lines: FILE:LINE:TEXT (the text is dropped at once)
    for (const line of (r.stdout + "\n" + r.stderr).split("\n")) {
      const m = /^(files\/[^:]+):(\d+):/.exec(line);
      if (m) hits.set(`${m[1]}:${m[2]}`, ["aws"]);
    }
    return { name: "git-secrets", version: "1.3.0 (Debian)", ms: r.ms, hits, note: "AWS patterns only" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- scoring ----------
function score(hits, subset, category = null) {
  const { units: us, byKey } = units(subset);
  let tp = 0, fn = 0, fp = 0;
  const hitUnits = new Set();
  for (const key of hits.keys()) {
    const u = byKey.get(key);
    if (u !== undefined) hitUnits.add(u);
  }
  for (const u of us) {
    let pos = u.positive;
    if (category !== null) {
      if (!u.cats.has(category)) continue;
      pos = u.cats.get(category);
    }
    const hit = hitUnits.has(u);
    if (pos && hit) tp++;
    else if (pos) fn++;
    else if (hit) fp++;
  }
  const p = tp + fp === 0 ? NaN : tp / (tp + fp);
  const r = tp + fn === 0 ? NaN : tp / (tp + fn);
  const f1 = p + r === 0 || Number.isNaN(p) || Number.isNaN(r) ? NaN : (2 * p * r) / (p + r);
  return { tp, fp, fn, p, r, f1 };
}

function unlabelled(hits) {
  const all = labelLines(labels);
  const allWithIdentifiers = new Set();
  for (const l of readFileSync(join(CORPUS, "labels.jsonl"), "utf8").split("\n").filter(Boolean).map((x) => JSON.parse(x))) {
    for (let n = l.line; n <= (l.line_end ?? l.line); n++) allWithIdentifiers.add(`${l.file}:${n}`);
  }
  return [...hits.keys()].filter((k) => !all.has(k) && !allWithIdentifiers.has(k));
}

const pct = (x) => (Number.isNaN(x) ? "  –  " : (x * 100).toFixed(1).padStart(5));

const scanners = [hush(), leaksLike("gitleaks"), leaksLike("betterleaks"), gitSecrets()];
const present = scanners.filter((s) => !s.missing);
for (const s of scanners.filter((s) => s.missing)) console.log(`!!! ${s.name}: not installed (scripts/install-peers.sh); left out of this run`);

const noDoc = labels.filter((l) => !String(l.basis).includes("doc-positive-section"));
console.log(`corpus: ${CORPUS} (${labels.length} labels without identifier; line-level scoring)\n`);
console.log("| scanner | version | time ms | TP | FP | FN | precision | recall | F1 | recall w/o doc-positive | unlabelled lines hit |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const s of present) {
  const a = score(s.hits, labels);
  const b = score(s.hits, noDoc);
  console.log(`| ${s.name} | ${s.version} | ${s.ms.toFixed(0)} | ${a.tp} | ${a.fp} | ${a.fn} | ${pct(a.p)} | ${pct(a.r)} | ${pct(a.f1)} | ${pct(b.r)} | ${unlabelled(s.hits).length} |`);
}
const cats = [...new Set(labels.map((l) => l.category))].sort();
console.log("\nper category: precision / recall / F1 (TP FP FN)\n");
console.log(`| category | ${present.map((s) => s.name).join(" | ")} |`);
console.log(`| --- | ${present.map(() => "---").join(" | ")} |`);
for (const c of cats) {
  const cells = present.map((s) => {
    const x = score(s.hits, labels, c);
    return `${pct(x.p)} / ${pct(x.r)} / ${pct(x.f1)} (${x.tp} ${x.fp} ${x.fn})`;
  });
  console.log(`| ${c} | ${cells.join(" | ")} |`);
}
if (VERBOSE) {
  // where hush differs: lines by key only (no content)
  const h = present.find((s) => s.name === "hush");
  const { units: us, byKey } = units(labels);
  const hitU = (hits) => new Set([...hits.keys()].map((k) => byKey.get(k)).filter(Boolean));
  const hu = hitU(h.hits);
  for (const s of present.filter((x) => x.name !== "hush")) {
    const su = hitU(s.hits);
    const missed = us.filter((u) => u.positive && su.has(u) && !hu.has(u)).map((u) => [...u.keys][0]);
    console.log(`\npositives ${s.name} finds and hush misses (${missed.length}): ${missed.join(" ")}`);
  }
  const fps = us.filter((u) => !u.positive && hu.has(u)).map((u) => `${[...u.keys][0]}(${[...u.keys].map((k) => h.hits.get(k)).filter(Boolean).flat().join(",")})`);
  console.log(`\nhush false positives (${fps.length}): ${fps.join(" ")}`);
  const fns = us.filter((u) => u.positive && !hu.has(u)).map((u) => `${[...u.keys][0]}[${[...u.cats.keys()].join(",")}]`);
  console.log(`\nhush misses (${fns.length}): ${fns.join(" ")}`);
  console.log(`\nhush unlabelled: ${unlabelled(h.hits).map((k) => `${k}(${h.hits.get(k).join(",")})`).join(" ")}`);
}
