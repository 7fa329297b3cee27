// Bundles bin/hush.ts and everything it imports into one ESM file, dist/hush.mjs.
// One file means one module load at start-up (see ../shared/DESIGN.md "Start-up is the product's latency").
import { build } from "esbuild";
import { chmodSync } from "node:fs";

await build({
  entryPoints: ["bin/hush.ts"],
  outfile: "dist/hush.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __hushCreateRequire } from 'node:module'; const require = __hushCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
chmodSync("dist/hush.mjs", 0o755);
