// Bundles bin/hush.ts and everything it imports into one ESM file, dist/hush.mjs.
// One file means one module load at start-up (see ../shared/DESIGN.md "Start-up is the product's latency").
import { build } from "esbuild";
import { chmodSync, renameSync } from "node:fs";

await build({
  entryPoints: ["bin/hush.ts"],
  outfile: `dist/hush.mjs.tmp-${process.pid}`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __hushCreateRequire } from 'node:module'; const require = __hushCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
// Written under a temp name and renamed, so a concurrent run never sees half a bundle.
chmodSync(`dist/hush.mjs.tmp-${process.pid}`, 0o755);
renameSync(`dist/hush.mjs.tmp-${process.pid}`, "dist/hush.mjs");
