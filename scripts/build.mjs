// Bundles bin/hush.ts and everything it imports into dist/hush.mjs. Code that only some commands
// need (typage's post-quantum path, @noble/curves for ssh-ed25519) is split into content-hashed
// chunks under dist/chunks/ and loaded by dynamic import when used, so a plain X25519 decrypt never
// compiles it (see ../shared/DESIGN.md "Start-up is the product's latency" and docs/decisions.md).
import { build } from "esbuild";
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const outdir = "dist";
const r = await build({
  entryPoints: { hush: "bin/hush.ts" },
  outdir,
  bundle: true,
  splitting: true,
  write: false,
  platform: "node",
  target: "node20",
  format: "esm",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  minify: false,
  legalComments: "none",
  banner: { js: "import { createRequire as __hushCreateRequire } from 'node:module'; const require = __hushCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
// Chunks are content-addressed, so writing them first is safe while another build or test runs;
// the entry is written under a temp name and renamed, so nobody ever runs half a bundle.
const entry = join(process.cwd(), outdir, "hush.mjs");
for (const f of r.outputFiles) {
  if (f.path === entry) continue;
  mkdirSync(dirname(f.path), { recursive: true });
  if (!existsSync(f.path)) writeFileSync(`${f.path}.tmp-${process.pid}`, f.contents), renameSync(`${f.path}.tmp-${process.pid}`, f.path);
}
const main = r.outputFiles.find((f) => f.path === entry);
if (main === undefined) throw new Error(`build: no entry among ${r.outputFiles.map((f) => relative(".", f.path)).join(", ")}`);
const tmp = `${entry}.tmp-${process.pid}`;
writeFileSync(tmp, "#!/usr/bin/env node\n" + main.text);
chmodSync(tmp, 0o755);
renameSync(tmp, entry);
