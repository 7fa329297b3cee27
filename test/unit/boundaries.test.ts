/**
 * Enforces the import table in STYLE.md "Boundaries" by reading the import lines of every file in src/.
 * Deviations from the table, on purpose: every module may import `errors` (tree's path parser throws
 * HushError) and `deps` (the lazy loader of two bundled packages, see src/deps.ts: no behaviour of its own); `tree` is the shared data type, so workflows and cli may import it too; stores may
 * `import type` the key-entry contract from keys/master-key.ts (the metadata block lists keys); cli, the
 * top layer, may `import type` option shapes from any lower layer (no runtime edge, no cycle).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";

const SRC = resolve(process.cwd(), "src");
/** Internal modules each module may import (errors is always allowed). `index` is the public API. */
const ALLOW: Record<string, readonly string[]> = {
  errors: [], tree: [], sys: [], cipher: [], keys: [], config: [],
  stores: ["tree"],
  // engine may use the RE2 translator for selector regexes (a pure function; config types stay type-only).
  engine: ["tree", "stores", "cipher", "keys", "config/re2.ts"],
  workflows: ["engine", "stores", "config", "keys", "sys", "tree"],
  cli: ["workflows", "engine", "sys", "tree"],
  index: ["tree", "stores", "cipher", "keys", "config", "engine", "workflows", "sys"],
};
const TYPE_ONLY: Record<string, readonly string[]> = {
  stores: ["keys/master-key.ts"], engine: ["config"], cli: ["stores", "config", "keys", "cipher"],
};
const NO_SIDE_EFFECTS = ["node:fs", "node:fs/promises", "node:child_process", "node:process", "node:os"];
const DENY_EXTERNAL: Record<string, readonly string[]> = {
  stores: NO_SIDE_EFFECTS, engine: NO_SIDE_EFFECTS, cipher: NO_SIDE_EFFECTS, keys: NO_SIDE_EFFECTS, tree: NO_SIDE_EFFECTS,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}
/** `errors`, `tree`, `workflows/edit`, … for a path relative to src/. */
function moduleOf(rel: string): string {
  const parts = rel.split("/");
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, "");
  return parts[0] === "workflows" ? `workflows/${parts[1]}` : parts[0]!;
}
const IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function violations(src: string): string[] {
  const out: string[] = [];
  for (const file of files(src)) {
    const rel = relative(src, file).split("\\").join("/");
    const mod = moduleOf(rel);
    const kind = mod.split("/")[0]!;
    const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    if (kind !== "cli" && /\bconsole\.|\bprocess\.exit\b/.test(text)) out.push(`${rel}: console/process.exit outside src/cli`);
    if (kind === "engine" && /\bprocess\./.test(text)) out.push(`${rel}: engine reads process`);
    for (const m of text.matchAll(IMPORT)) {
      const typeOnly = m[1] !== undefined;
      const spec = (m[2] ?? m[3])!;
      if (!spec.startsWith(".")) {
        if (DENY_EXTERNAL[kind]?.includes(spec)) out.push(`${rel}: ${kind} must not import ${spec}`);
        continue;
      }
      const target = posix.normalize(posix.join(dirname(rel), spec)).replace(/\.js$/, ".ts");
      if (target.startsWith("..")) continue;
      const to = moduleOf(target);
      const toKind = to.split("/")[0]!;
      if (to === mod || to === "errors" || to === "deps") continue;
      if (to === "cli" || toKind === "cli") out.push(`${rel}: nothing may import cli (${spec})`);
      else if (kind === "workflows" && toKind === "workflows") {
        if (!/^workflows\/[^/]+\/index\.ts$/.test(target)) out.push(`${rel}: imports another workflow's internals (${spec})`);
      } else if (!(ALLOW[kind] ?? []).includes(toKind) && !(ALLOW[kind] ?? []).includes(target)) {
        const typed = TYPE_ONLY[kind]?.some((t) => target === t || toKind === t) ?? false;
        if (!(typeOnly && typed)) out.push(`${rel}: ${kind} must not import ${toKind}${typed ? " except with import type" : ""} (${spec})`);
      }
    }
  }
  return out;
}

describe("module boundaries (STYLE.md)", () => {
  it("has no forbidden import edge in src/", () => {
    assert.deepEqual(violations(SRC), []);
  });

  it("reports each kind of forbidden edge in a sample tree", () => {
    const root = mkdtempSync(join(tmpdir(), "hush-bound-"));
    const put = (rel: string, text: string): void => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    put("stores/a.ts", 'import { x } from "../cipher/aes.js";\nimport type { K } from "../keys/master-key.js";\nimport {\n  y,\n} from "node:fs";\n');
    put("engine/b.ts", 'import type { C } from "../config/types.js";\nimport { R } from "../config/rules.js";\nconst e = process.env;\n');
    put("keys/c.ts", '// import { s } from "../sys/paths.js";\nexport { s } from "../sys/paths.js";\nconsole.log(1);\n');
    put("workflows/edit/d.ts", 'import { a } from "../run/index.js";\nimport { b } from "../run/_exec.js";\nconst m = await import("../../cli/main.js");\n');
    try {
      assert.deepEqual(violations(root).sort(), [
        "engine/b.ts: engine must not import config except with import type (../config/rules.js)",
        "engine/b.ts: engine reads process",
        "keys/c.ts: console/process.exit outside src/cli",
        "keys/c.ts: keys must not import sys (../sys/paths.js)",
        "stores/a.ts: stores must not import cipher (../cipher/aes.js)",
        "stores/a.ts: stores must not import node:fs",
        "workflows/edit/d.ts: imports another workflow's internals (../run/_exec.js)",
        "workflows/edit/d.ts: nothing may import cli (../../cli/main.js)",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
