// In-process phase timings for one decrypt, run by bench/engine.mjs in a fresh node process:
//   node bench/_phases.mjs LIB.mjs FILE KEYFILE
// or for one encrypt of a plaintext file (parse, new data key, encrypt values + MAC, emit):
//   node bench/_phases.mjs LIB.mjs FILE --encrypt
// LIB.cjs is a bundle of hush's own engine/store/age modules, made by engine.mjs the way scripts/build.mjs
// makes the product (one CommonJS function expression, compiled through node:vm with the V8 code cache
// LIB.cjs.cache), so module load costs what the product's launcher pays and the product is not changed
// or instrumented. With PHASES_WRITE_CACHE=1 the run saves that cache afterwards (the warm-up run).
// Prints one JSON line: milliseconds since the process started for each phase boundary.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

const [lib, file, keyFile] = process.argv.slice(2);
const t = { bootstrap: performance.now() };
let mark = performance.now();
const lap = (name) => {
  const now = performance.now();
  t[name] = now - mark;
  mark = now;
};

let cachedData;
try {
  cachedData = readFileSync(lib + ".cache");
} catch {}
const script = new Script(readFileSync(lib, "latin1"), { filename: lib, cachedData });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(lib), mod, lib, dirname(lib));
const m = mod.exports;
lap("moduleLoad");
const saveCache = () => {
  if (process.env.PHASES_WRITE_CACHE === "1") writeFileSync(lib + ".cache", script.createCachedData());
};
if (keyFile === "--encrypt") {
  // The age wrap of the data key (one X25519 stanza, ~2 ms) and the small sops block are left out.
  const store = m.storeForPath(file);
  const branches = store.loadPlain(readFileSync(file), { file });
  lap("parse");
  // The CSPRNG the CLI uses (pooled), not the engine's default.
  const dataKey = m.newDataKey(m.systemRandomBytes);
  lap("keyUnwrap");
  const enc = m.encryptBranches(branches, { selector: null, macOnlyEncrypted: false }, dataKey, { randomBytes: m.systemRandomBytes });
  lap("decryptAndMac");
  const out = store.emitPlain(enc.branches);
  lap("emit");
  t.total = performance.now();
  t.outBytes = out.length;
  process.stdout.write(JSON.stringify(t) + "\n");
  saveCache();
  process.exit(0);
}
const bytes = readFileSync(file);
const store = m.storeForPath(file);
const { branches, metadata } = m.readEncrypted(bytes, store, file);
lap("parse");
const unwrapper = m.ageUnwrapper({
  env: { SOPS_AGE_KEY_FILE: keyFile },
  homeDir: "",
  configDir: "",
  readFile: (p) => {
    try {
      return readFileSync(p);
    } catch {
      return null;
    }
  },
  runCommand: () => {
    throw new Error("no commands in the bench");
  },
});
const dataKey = await m.getDataKey(metadata, { unwrapperFor: (type) => (type === "age" ? unwrapper : null) });
lap("keyUnwrap");
const plain = m.decryptBranches(branches, metadata, dataKey, {});
lap("decryptAndMac");
const out = store.emitPlain(plain);
lap("emit");
t.total = performance.now();
t.outBytes = out.length;
process.stdout.write(JSON.stringify(t) + "\n");
saveCache();
