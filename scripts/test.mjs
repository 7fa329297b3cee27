// The one test command (README and .ci/run call `npm test`):
// type-check + compile src/ and test/ to build/, bundle dist/hush.cjs, then run node's test runner
// on every compiled *.test.js. Node 20's runner has no glob support, so the list is built here.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const filter = process.argv.slice(2);
// Each run compiles into its own folder, so two runs at once (two engineers, or a watcher) never race.
const outDir = join("build", `run-${process.pid}`);
rmSync(outDir, { recursive: true, force: true });
// tsc still emits when it finds type errors. A full run fails on them; a filtered run
// (`npm test -- store`) reports them and goes on, so one unfinished module does not block another's tests.
const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--outDir", outDir], { stdio: "inherit" });
if (tsc.status !== 0) {
  if (filter.length === 0) process.exit(tsc.status ?? 1);
  console.error("test: type errors above; running the filtered tests anyway");
}
try {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
} catch (e) {
  if (filter.length === 0) throw e;
  console.error("test: bundle failed; running the filtered tests anyway");
}

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js") && (filter.length === 0 || filter.some((f) => p.includes(f)))) files.push(p);
  }
};
walk(join(outDir, "test"));
if (files.length === 0) {
  // With no file arguments node --test would discover every *.test.js under the cwd (stale builds too).
  console.error(`test: no test file matches ${filter.join(" ")}`);
  rmSync(outDir, { recursive: true, force: true });
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
rmSync(outDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
