// Builds the hush CLI into dist/ (see docs/decisions.md §7–8 and ../shared/DESIGN.md "Start-up is the
// product's latency"):
//
//   dist/hush-<hash>.cjs    the whole program, one CommonJS function expression. Modules reached only by
//                           dynamic import (each command but the core ones, typage, @noble/curves) are wrapped
//                           by esbuild in lazy initialisers, and src/deps.ts requires yaml, bcrypt-pbkdf and
//                           node:child_process on first use, so a command evaluates only what it uses.
//   dist/hush-<hash>.cache  V8's code cache for that bundle, made by running a warm-up workload under this
//                           node, so a run deserialises compiled bytecode instead of parsing and compiling.
//   dist/hush.cjs           the launcher (the npm bin): compiles the bundle with the cache through node:vm
//                           and calls its main. Without a cache, or when V8 rejects it (another node
//                           version or V8 flags), it compiles the bundle normally (slower, same behaviour)
//                           and, when it can, leaves a fresh cache for the next run.
//
// Files are content-addressed and written first; the launcher is written under a temp name and renamed
// last, so a test or a build running at the same time never runs half a build.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Script } from "node:vm";

const outdir = resolve("dist");
const r = await build({
  entryPoints: ["bin/hush.ts"],
  bundle: true,
  write: false,
  outfile: "hush.cjs",
  platform: "node",
  target: "node20",
  format: "cjs",
  // import() becomes a lazy require of a lazily initialised module inside this one file
  supported: { "dynamic-import": false },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  charset: "ascii",
  // the launcher compiles the file as one function expression and calls it with CommonJS's arguments
  banner: { js: "(function (exports, require, module, __filename, __dirname) {" },
  footer: { js: "\n})" },
  // src/deps.ts reads import.meta.url only when unbundled (no `require`)
  logOverride: { "empty-import-meta": "silent" },
  logLevel: "warning",
});
const text = r.outputFiles[0].contents;
for (const b of text) if (b > 0x7f) throw new Error("build: the bundle is not ASCII; the launcher reads it as latin1");
const hash = createHash("sha256").update(text).digest("hex").slice(0, 12);
const bundleName = `hush-${hash}.cjs`;
const cacheName = `hush-${hash}.cache`;
mkdirSync(outdir, { recursive: true });
const atomicWrite = (path, data, mode = 0o644) => {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
};
if (!existsSync(join(outdir, bundleName))) atomicWrite(join(outdir, bundleName), text);

// The launcher, and (build only, never shipped) the warm-up runner that makes the code cache: the same
// loading code, then either main or the warm-up workload.
const launcherSource = (warmUp) => `#!/usr/bin/env node
// hush ${warmUp ? "code-cache warm-up (build only)" : "launcher"}, written by scripts/build.mjs: compiles ${bundleName} with its V8 code cache and runs it.
// CommonJS on purpose: node starts a CommonJS entry ~3 ms sooner than an ES module one.
"use strict";
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const { Script } = require("node:vm");
const file = __dirname + ${JSON.stringify("/" + bundleName)};
const cacheFile = __dirname + ${JSON.stringify("/" + cacheName)};
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch {}
const script = new Script(readFileSync(file, "latin1"), { filename: file, cachedData });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, require, bundle, file, __dirname);
${
  warmUp
    ? ""
    : `// No cache, or one V8 rejects (node was upgraded since the build): leave a fresh one for the next run, if
// dist/ is writable and node runs with default flags (other flags would make the next default run reject it).
if ((cachedData === undefined || script.cachedDataRejected) && process.execArgv.length === 0 && !process.env.NODE_OPTIONS) {
  process.once("exit", () => {
    const tmp = cacheFile + ".tmp-" + process.pid;
    try {
      writeFileSync(tmp, script.createCachedData(), { mode: 0o644 });
      renameSync(tmp, cacheFile);
    } catch {
      try { require("node:fs").unlinkSync(tmp); } catch {}
    }
  });
}
`
}${
  warmUp
    ? `// node WARMUP OUT: run the argv lists in OUT.json in this process, then save what V8 compiled to OUT
const out = process.argv[2];
bundle.exports.warmUp(JSON.parse(readFileSync(out + ".json", "utf8"))).then(() => {
  writeFileSync(out + ".tmp", script.createCachedData());
  renameSync(out + ".tmp", out);
});`
    : `bundle.exports.main(process.argv.slice(2)).then((code) => {
  // Nothing left but closes of files already read or written: exit now rather than wait for the loop to
  // drain and V8 to tear the heap down (8 ms after a 2 MB decrypt). Anything else (a child, a pipe, a
  // timer, an fs request) keeps the normal exit.
  if (process.getActiveResourcesInfo().every((r) => r === "CloseReq")) process.exit(code);
  process.exitCode = code;
});`
}
`;
const launcherTmp = join(outdir, `.hush-launcher-${process.pid}.cjs`);
atomicWrite(launcherTmp, launcherSource(false), 0o755);

// The code cache: a throw-away key, a small file of each common store, and the everyday commands on them,
// all in one process; the cache then holds the bytecode of everything a common run compiles.
// A cache another node version (or other V8 flags) made is rejected by V8 at run time: remake it then.
const cacheUsable = (() => {
  try {
    return !new Script(Buffer.from(text).toString("latin1"), { filename: join(outdir, bundleName), cachedData: readFileSync(join(outdir, cacheName)) }).cachedDataRejected;
  } catch {
    return false;
  }
})();
if (!cacheUsable) {
  const work = mkdtempSync(join(tmpdir(), "hush-build-"));
  try {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, SOPS_AGE_KEY_FILE: join(work, "key.txt") };
    const run = (args, extra = {}) => spawnSync(process.execPath, [launcherTmp, ...args], { cwd: work, env: { ...env, ...extra }, encoding: "utf8" });
    const kg = run(["keygen", "-o", "key.txt"]);
    const recipient = run(["keygen", "-y", "key.txt"]).stdout.trim();
    if (kg.status !== 0 || !recipient.startsWith("age1")) throw new Error(`build: warm-up keygen failed: ${kg.stderr}`);
    writeFileSync(join(work, "a.yaml"), "db:\n    user: app # comment\n    password: hunter2-hunter2\nlist:\n    - 1\n    - two\n");
    writeFileSync(join(work, "a.json"), '{"db": {"user": "app", "password": "hunter2-hunter2"}, "n": 1.5, "ok": true}\n');
    writeFileSync(join(work, "a.env"), "DB_USER=app\nDB_PASSWORD=hunter2-hunter2\n");
    writeFileSync(join(work, "s.yaml"), "API_TOKEN: tok-0123456789\nDB_PASSWORD: hunter2-hunter2\n");
    const argvs = [];
    for (const f of ["a.yaml", "a.json", "a.env", "s.yaml"]) {
      argvs.push(["encrypt", "--age", recipient, "-i", f], ["decrypt", f], ["decrypt", "--extract", f === "a.env" ? '["DB_USER"]' : f === "s.yaml" ? '["API_TOKEN"]' : '["db"]', f]);
    }
    argvs.push(["run", "-f", "s.yaml", "--", "true"], ["exec-env", "a.env", "true"], ["export", "a.env"], ["set", "a.yaml", '["db"]["user"]', '"app2"'], ["filestatus", "a.yaml"], ["--version"]);
    writeFileSync(join(work, "cache.json"), JSON.stringify(argvs));
    const out = join(work, "cache");
    const warmer = join(outdir, `.hush-warmup-${process.pid}.cjs`);
    atomicWrite(warmer, launcherSource(true), 0o755);
    let w;
    try {
      w = spawnSync(process.execPath, [warmer, out], { cwd: work, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    } finally {
      rmSync(warmer, { force: true });
    }
    if (w.status !== 0 || !existsSync(out)) throw new Error(`build: code-cache warm-up failed (exit ${w.status}): ${w.stderr}`);
    atomicWrite(join(outdir, cacheName), readFileSync(out));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
renameSync(launcherTmp, join(outdir, "hush.cjs"));
// The entry of earlier builds, for hooks and scripts that recorded its path: the same program, ~3 ms slower.
atomicWrite(join(outdir, "hush.mjs"), '#!/usr/bin/env node\n// hush: the entry is dist/hush.cjs (CommonJS starts sooner); this file stays for paths recorded before.\nimport "./hush.cjs";\n', 0o755);

// Keep the three newest builds (a test run elsewhere may still be reading the one before), drop older ones
// and the chunk layout of earlier builds. `--release` (npm prepack) keeps only this build, so a package
// ships one bundle and its cache.
const keep = process.argv.includes("--release") ? 1 : 3;
rmSync(join(outdir, "chunks"), { recursive: true, force: true });
const builds = readdirSync(outdir)
  .filter((n) => /^hush-[0-9a-f]{12}\.cjs$/.test(n))
  .map((n) => ({ n, t: statSync(join(outdir, n)).mtimeMs }))
  .sort((a, b) => (a.n === bundleName ? -1 : b.n === bundleName ? 1 : b.t - a.t));
for (const { n } of builds.slice(keep)) {
  if (n === bundleName) continue;
  for (const f of [n, n.replace(/\.cjs$/, ".cache")]) if (existsSync(join(outdir, f))) unlinkSync(join(outdir, f));
}
