// History scan speed (issue 6): `npm run bench:scan-history`.
//
// A seeded script builds (with `git fast-import`) a repository of 10,000 commits on 4 branches and about
// 110 MB of added text — source files, YAML/INI/JSON configs, logs, markdown — with a known set of
// planted secrets in provider formats that every scanner here has a rule for (a third of them removed
// again in a later commit). The repository is cached (keyed by the generator's parameters) under
// $HUSH_BENCH_CACHE or <tmpdir>/hush-bench-cache, so only the first run pays for building it.
//
// Then, in one run, alternating: `hush scan --git` (all refs), `gitleaks git` and `betterleaks git`
// (when installed), BENCH_RUNS times each (default 3) after one warm-up of each; prints the median and
// min wall time, the ratio to hush, and each scanner's recall on the planted secrets (a planted secret
// counts as found when a finding names its file and line in the commit that added it). No secret is
// printed. A second table times the same scanners on a plain directory: the four branch tips checked
// out side by side (`hush scan DIR` vs `gitleaks dir DIR`, `betterleaks dir DIR`).
// Env: BENCH_RUNS, BENCH_COMMITS (default 10000), HUSH_BENCH_CACHE.
import { spawnSync, spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { which } from "./_which.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HUSH = join(ROOT, "dist", "hush.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COMMITS = Number(process.env.BENCH_COMMITS ?? 10000);
const BRANCHES = 4;
const SEED = 6;
const GEN_VERSION = 3;
const CACHE = process.env.HUSH_BENCH_CACHE ?? join(tmpdir(), "hush-bench-cache");


// ---------- deterministic generator ----------
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
const r = rng(SEED);
const pick = (a) => a[Math.floor(r() * a.length)];
const int = (n) => Math.floor(r() * n);
const chars = (n, alphabet) => {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
  return s;
};
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64 = ALNUM + "+/";
const WORDS = (
  "account address adjust allocate apply archive assign attach balance batch billing buffer build cache cancel " +
  "capture channel check client close cluster collect commit compute config connect context convert count create " +
  "cursor customer data decode default delete deploy detect device digest dispatch document domain download draft " +
  "encode engine entry error event export fetch field filter flush format frame gateway group handle header health " +
  "history image import index input inventory invoice item journal label layer limit listen load locale lookup " +
  "manage mapping merge message metric migrate module monitor notify number object offset order output owner page " +
  "parse partition payload pending policy pool prepare print process profile publish queue quota range reader record " +
  "refresh region release render report request reset resolve resource response result retry route sample schedule " +
  "schema search section select sender service session shard signal snapshot source stage state status storage " +
  "stream submit summary supplier sync table target task tenant thread ticket timer total trace track transform " +
  "update upload usage user validate value vendor version view volume warehouse window worker"
).split(" ");
const camel = (n) => Array.from({ length: n }, (_, i) => (i === 0 ? pick(WORDS) : pick(WORDS).replace(/^./, (c) => c.toUpperCase()))).join("");
const snake = (n) => Array.from({ length: n }, () => pick(WORDS)).join("_");
const sentence = (n) => Array.from({ length: n }, () => pick(WORDS)).join(" ");

function codeFile(lang, bytes) {
  const out = [];
  let size = 0;
  const add = (l) => {
    out.push(l);
    size += l.length + 1;
  };
  if (lang === "py") add(`import ${pick(WORDS)}\nfrom ${pick(WORDS)}.${pick(WORDS)} import ${camel(2)}\n`);
  if (lang === "go") add(`package ${pick(WORDS)}\n\nimport (\n\t"fmt"\n\t"${pick(WORDS)}/${pick(WORDS)}"\n)\n`);
  if (lang === "ts") add(`import { ${camel(2)}, ${camel(2)} } from "./${pick(WORDS)}.js";\n`);
  while (size < bytes) {
    const fn = camel(2 + int(2));
    const a = pick(WORDS), b = pick(WORDS);
    if (lang === "py") {
      add(`def ${snake(2)}(${a}, ${b}=None):`);
      add(`    """${sentence(6 + int(6))}."""`);
      for (let i = 0; i < 3 + int(8); i++) add(pick([`    ${snake(2)} = ${a}.${snake(1)}(${b}, ${int(1000)})`, `    if ${a} is None:\n        return ${int(10)}`, `    # ${sentence(5 + int(8))}`, `    log.info("${sentence(3)} %s", ${a})`]));
      add(`    return ${a}\n`);
    } else if (lang === "go") {
      add(`// ${fn} ${sentence(6 + int(6))}.`);
      add(`func ${fn}(${a} string, ${b} int) (int, error) {`);
      for (let i = 0; i < 3 + int(8); i++) add(pick([`\t${camel(2)} := ${b} * ${int(100)}`, `\tif ${a} == "" {\n\t\treturn 0, fmt.Errorf("${sentence(3)}: %d", ${b})\n\t}`, `\t// ${sentence(5 + int(8))}`]));
      add(`\treturn ${b}, nil\n}\n`);
    } else {
      add(`/** ${sentence(6 + int(6))}. */`);
      add(`export function ${fn}(${a}: string, ${b}: number): number {`);
      for (let i = 0; i < 3 + int(8); i++) add(pick([`  const ${camel(2)} = ${b} * ${int(100)};`, `  if (${a}.length === 0) throw new Error("${sentence(3)}");`, `  // ${sentence(5 + int(8))}`, `  console.debug("${sentence(2)}", ${a});`]));
      add(`  return ${b};\n}\n`);
    }
  }
  return out.join("\n") + "\n";
}
function yamlFile(bytes) {
  const out = [];
  let size = 0;
  while (size < bytes) {
    const l = [`${snake(2)}:`, `  host: ${pick(WORDS)}-${int(40)}.internal`, `  port: ${1024 + int(60000)}`, `  timeout_seconds: ${int(120)}`, `  user: svc_${pick(WORDS)}`, `  enabled: ${r() < 0.5}`, `  # ${sentence(6)}`, `  tags: [${pick(WORDS)}, ${pick(WORDS)}]`].join("\n");
    out.push(l);
    size += l.length + 1;
  }
  return out.join("\n") + "\n";
}
function logFile(bytes) {
  const out = [];
  let size = 0;
  let t = Date.UTC(2024, 0, 1) + int(1e10);
  while (size < bytes) {
    t += int(5000);
    const l = `${new Date(t).toISOString()} ${pick(["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"])} [${pick(WORDS)}-${int(8)}] ${sentence(3 + int(5))} request_id=${chars(8, HEX)}-${chars(4, HEX)} path=/api/v${1 + int(3)}/${pick(WORDS)}/${int(100000)} status=${pick([200, 200, 201, 204, 301, 404, 500])} duration_ms=${int(900)}`;
    out.push(l);
    size += l.length + 1;
  }
  return out.join("\n") + "\n";
}
function mdFile(bytes) {
  const out = [`# ${sentence(3)}`];
  let size = 0;
  while (size < bytes) {
    const l = pick([`\n## ${sentence(2 + int(3))}\n`, `${sentence(12 + int(20))}.`, `- ${sentence(4 + int(6))}`, "```sh\n" + `${pick(WORDS)} --${pick(WORDS)} ${pick(WORDS)}` + "\n```"]);
    out.push(l);
    size += l.length + 1;
  }
  return out.join("\n") + "\n";
}
function iniFile(bytes) {
  const out = [];
  let size = 0;
  while (size < bytes) {
    const l = `[${pick(WORDS)}]\n${snake(2)} = ${int(1000)}\n${snake(1)}_dir = /var/lib/${pick(WORDS)}\nlog_level = ${pick(["info", "debug", "warn"])}\n`;
    out.push(l);
    size += l.length + 1;
  }
  return out.join("\n");
}

// planted secrets, in formats every scanner in this bench documents
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (s) => {
  let c = 0xffffffff;
  for (const b of Buffer.from(s)) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const b62 = (n) => {
  let s = "";
  do {
    s = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[n % 62] + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return s.padStart(6, "0");
};
const PLANTS = [
  (x) => `aws_access_key_id = ${"AKIA" + chars(16, B32)}`,
  (x) => {
    const body = chars(30, ALNUM);
    return `GITHUB_TOKEN=${"ghp_" + body + b62(crc32(body))}`;
  },
  (x) => `gitlab_token: "${"glpat-" + chars(20, ALNUM)}"`,
  (x) => `SLACK_BOT_TOKEN=${"xoxb-" + chars(12, "0123456789") + "-" + chars(13, "0123456789") + "-" + chars(24, ALNUM)}`,
  (x) => `stripe.api_key = "${"sk_" + "live_" + chars(24, ALNUM)}"`,
  (x) => `SENDGRID_API_KEY=${"SG." + chars(22, ALNUM) + "." + chars(43, ALNUM)}`,
  (x) => {
    const lines = Array.from({ length: 12 }, () => chars(64, B64));
    return ["-----BEGIN RSA PRIVATE KEY-----", ...lines, chars(40, B64) + "==", "-----END RSA PRIVATE KEY-----"].join("\n");
  },
];
const PLANT_COUNT = 70;

// ---------- the repository ----------
function buildRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  spawnSync("git", ["init", "-q", "--bare", "-b", "main", dir]);
  const fi = spawn("git", ["fast-import", "--quiet", "--done"], { cwd: dir, stdio: ["pipe", "inherit", "inherit"] });
  const chunks = [];
  let pending = 0;
  const write = (s) => {
    chunks.push(typeof s === "string" ? Buffer.from(s) : s);
    pending += chunks.at(-1).length;
  };
  const flush = async () => {
    if (pending === 0) return;
    const buf = Buffer.concat(chunks);
    chunks.length = 0;
    pending = 0;
    if (!fi.stdin.write(buf)) await new Promise((res) => fi.stdin.once("drain", res));
  };
  const planted = []; // { commitIndex, branch, file, line }
  const mutable = []; // paths with their current content, appended to by later commits
  const contents = new Map();
  let added = 0;
  const plantAt = new Set(Array.from({ length: PLANT_COUNT }, (_, i) => Math.floor(((i + 0.5) * COMMITS) / PLANT_COUNT)));
  const removals = new Map(); // commit index → plant to remove
  let t = Date.UTC(2020, 0, 1) / 1000;
  return (async () => {
    for (let i = 0; i < COMMITS; i++) {
      const branch = i < COMMITS * 0.1 ? "main" : ["main", "dev", "feature-a", "release"][i % BRANCHES];
      const from = i === 0 ? "" : branch === "main" || i >= COMMITS * 0.1 + BRANCHES ? "" : `from refs/heads/main\n`;
      t += 600 + int(7200);
      const ops = [];
      const kind = r();
      let path;
      let text;
      if (kind < 0.25 && mutable.length > 20) {
        // append to an existing log/config
        path = pick(mutable);
        text = contents.get(path) + (path.endsWith(".log") ? logFile(2000 + int(4000)) : yamlFile(1500 + int(3000)));
      } else {
        const ext = pick(["ts", "py", "go", "ts", "py", "yaml", "log", "md", "ini", "json"]);
        const dirName = `${pick(["src", "services", "lib", "config", "docs", "ops", "logs"])}/${pick(WORDS)}`;
        path = `${dirName}/${snake(2)}_${i}.${ext}`;
        const bytes = 6000 + int(10000);
        text = ext === "yaml" ? yamlFile(bytes) : ext === "log" ? logFile(bytes) : ext === "md" ? mdFile(bytes) : ext === "ini" ? iniFile(bytes) : ext === "json" ? JSON.stringify({ [snake(2)]: Array.from({ length: bytes / 60 }, () => ({ id: int(1e6), name: snake(2), region: pick(WORDS) })) }, null, 2) + "\n" : codeFile(ext, bytes);
        if (ext === "yaml" || ext === "log") mutable.push(path);
      }
      if (plantAt.has(i)) {
        const k = planted.length;
        const secret = PLANTS[k % PLANTS.length](k);
        const lines = text.split("\n");
        const at = Math.min(lines.length - 1, 3 + int(Math.max(1, lines.length - 6)));
        lines.splice(at, 0, secret);
        text = lines.join("\n");
        planted.push({ commit: i, file: path, line: at + 1, kind: k % PLANTS.length });
        if (k % 3 === 0) removals.set(Math.min(COMMITS - 1, i + 50 + int(200)), { path, secret });
      }
      const rm = removals.get(i);
      if (rm !== undefined && contents.has(rm.path)) {
        const cur = contents.get(rm.path);
        const fixed = cur.replace(rm.secret + "\n", "");
        if (rm.path !== path) {
          ops.push([rm.path, fixed]);
          contents.set(rm.path, fixed);
        } else text = text.replace(rm.secret + "\n", "");
      }
      ops.push([path, text]);
      contents.set(path, text);
      // keep memory bounded: forget immutable files' content (they are never touched again)
      if (!mutable.includes(path) && !planted.some((p) => p.file === path)) contents.delete(path);
      added += text.length;
      write(`commit refs/heads/${branch}\nmark :${i + 1}\nauthor Dev ${i % 17} <dev${i % 17}@example.com> ${t} +0000\ncommitter Dev ${i % 17} <dev${i % 17}@example.com> ${t} +0000\n`);
      const msg = `${pick(["fix", "feat", "chore", "refactor"])}: ${sentence(4)}`;
      write(`data ${Buffer.byteLength(msg)}\n${msg}\n${from}`);
      for (const [p, body] of ops) {
        const b = Buffer.from(body);
        write(`M 100644 inline ${p}\ndata ${b.length}\n`);
        write(b);
        write("\n");
      }
      write("\n");
      if (pending > 1 << 22) await flush();
    }
    write("done\n");
    await flush();
    fi.stdin.end();
    await new Promise((res, rej) => fi.on("close", (c) => (c === 0 ? res() : rej(new Error(`fast-import exited ${c}`)))));
    return { planted, added };
  })();
}

async function repo() {
  const key = `scan-history-v${GEN_VERSION}-c${COMMITS}-s${SEED}`;
  const dir = join(CACHE, key);
  const meta = join(CACHE, `${key}.json`);
  if (existsSync(meta) && existsSync(dir)) return { dir, ...JSON.parse(readFileSync(meta, "utf8")) };
  mkdirSync(CACHE, { recursive: true });
  const t0 = Date.now();
  const tmp = `${dir}.building`;
  const m = await buildRepo(tmp);
  spawnSync("git", ["gc", "-q", "--prune=now"], { cwd: tmp });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  writeFileSync(meta, JSON.stringify(m));
  console.log(`built ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, ...m };
}

// ---------- runs ----------
function timed(cmd, args, opts) {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.error) throw res.error;
  return { ...res, ms };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { dir, planted, added } = await repo();
const commitCount = Number(spawnSync("git", ["rev-list", "--all", "--count"], { cwd: dir, encoding: "utf8" }).stdout.trim());
const packBytes = spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0];

const scanners = [
  {
    name: "hush",
    version: spawnSync(process.execPath, [HUSH, "--version"], { encoding: "utf8" }).stdout.trim().split(" ")[1],
    run: () => timed(process.execPath, [HUSH, "scan", "--git", "--format", "json", "--no-progress"], { cwd: dir }),
    parse: (res) => JSON.parse(res.stdout).map((f) => ({ file: f.file, line: f.line })),
  },
];
for (const name of ["gitleaks", "betterleaks"]) {
  const bin = which(name);
  if (bin === null) {
    console.log(`!!! ${name}: not installed (scripts/install-peers.sh); left out of this run`);
    continue;
  }
  const mod = /\tmod\t\S+\t(v[^\t\s]+)/.exec(spawnSync("go", ["version", "-m", bin], { encoding: "utf8" }).stdout ?? "");
  const report = join(tmpdir(), `hush-bench-${name}-${process.pid}.json`);
  scanners.push({
    name,
    version: mod?.[1] ?? "dev",
    run: () => timed(bin, ["git", dir, "--report-format", "json", "--report-path", report, "--no-banner", "--log-level", "error", "--redact", "--exit-code", "0"], { cwd: dir }),
    parse: () => {
      const rows = JSON.parse(readFileSync(report, "utf8"));
      rmSync(report, { force: true });
      return rows.map((f) => ({ file: f.File, line: f.StartLine }));
    },
  });
}

console.log(`repository: ${dir}\n  ${commitCount} commits on ${BRANCHES} branches, ${(added / 1e6).toFixed(0)} MB of added text, ${(Number(packBytes) / 1e6).toFixed(0)} MB packed on disk, ${planted.length} planted secrets (${Math.ceil(planted.length / 3)} removed again later)`);
console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}; ${RUNS} timed runs each after one warm-up, alternating\n`);

const times = new Map(scanners.map((s) => [s.name, []]));
const recall = new Map();
for (let round = 0; round <= RUNS; round++) {
  for (const s of scanners) {
    const res = s.run();
    if (res.status !== 0 && res.status !== 1) throw new Error(`${s.name} exited ${res.status}: ${res.stderr.slice(0, 500)}`);
    const found = s.parse(res);
    if (round === 0) {
      const keys = new Set(found.map((f) => `${f.file}:${f.line}`));
      const hit = planted.filter((p) => keys.has(`${p.file}:${p.line}`)).length;
      recall.set(s.name, { hit, findings: found.length });
    } else times.get(s.name).push(res.ms);
  }
}
const hushMed = median(times.get("hush"));
console.log("| scanner | version | median s | min s | time ÷ hush's | planted found | findings |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const s of scanners) {
  const ts = times.get(s.name);
  const rc = recall.get(s.name);
  console.log(`| ${s.name} | ${s.version} | ${(median(ts) / 1000).toFixed(2)} | ${(Math.min(...ts) / 1000).toFixed(2)} | ${(median(ts) / hushMed).toFixed(2)} | ${rc.hit}/${planted.length} | ${rc.findings} |`);
}

// ---------- the same engines on a directory (no git): every ref's tip checked out side by side ----------
const tree = join(tmpdir(), `hush-bench-tree-${process.pid}`);
mkdirSync(tree, { recursive: true });
try {
  for (const ref of ["main", "dev", "feature-a", "release"]) {
    mkdirSync(join(tree, ref));
    spawnSync("sh", ["-c", `git -C '${dir}' archive ${ref} | tar -x -C '${join(tree, ref)}'`]);
  }
  const bytes = Number(spawnSync("du", ["-sb", tree], { encoding: "utf8" }).stdout.split("\t")[0]);
  const dirRuns = [
    { name: "hush", run: () => timed(process.execPath, [HUSH, "scan", tree, "--format", "json", "--no-progress"], {}) },
    ...scanners.filter((s) => s.name !== "hush").map((s) => {
      const bin = which(s.name);
      const report = join(tmpdir(), `hush-bench-${s.name}-dir-${process.pid}.json`);
      return { name: s.name, run: () => { const r = timed(bin, ["dir", tree, "--report-format", "json", "--report-path", report, "--no-banner", "--log-level", "error", "--redact", "--exit-code", "0"], {}); rmSync(report, { force: true }); return r; } };
    }),
  ];
  const dt = new Map(dirRuns.map((d) => [d.name, []]));
  for (let round = 0; round <= RUNS; round++) for (const d of dirRuns) { const res = d.run(); if (round > 0) dt.get(d.name).push(res.ms); }
  const hm = median(dt.get("hush"));
  console.log(`\nworking trees of the 4 branch tips side by side: ${(bytes / 1e6).toFixed(0)} MB (\`scan DIR\` / \`dir DIR\`)\n`);
  console.log("| scanner | median s | min s | time ÷ hush's |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const d of dirRuns) console.log(`| ${d.name} | ${(median(dt.get(d.name)) / 1000).toFixed(2)} | ${(Math.min(...dt.get(d.name)) / 1000).toFixed(2)} | ${(median(dt.get(d.name)) / hm).toFixed(2)} |`);
} finally {
  rmSync(tree, { recursive: true, force: true });
}
