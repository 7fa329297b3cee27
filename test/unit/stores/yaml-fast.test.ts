/**
 * Differential test of the YAML fast path (src/stores/_yaml-fast.ts): on every input it either
 * declines (null) or returns a Tree deep-equal to the full `yaml`-package loader's, comments,
 * inline flags and scalar types included; where the full loader throws, it must decline.
 * HUSH_FAST_N sets the number of generated documents (default 12,000), HUSH_FUZZ_SEED the seed.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fastLoadYaml } from "../../../src/stores/_yaml-fast.js";
import { loadYaml, loadYamlFull } from "../../../src/stores/_yaml-load.js";
import { Comment, Timestamp, treeList, treeMap } from "../../../src/tree/index.js";
import { FIXTURES } from "../../helpers/fixtures.js";
import { mutateOnce, Rng } from "../../helpers/mutate.js";

const SEED = Number(process.env["HUSH_FUZZ_SEED"] ?? 20261123);
const N = Number(process.env["HUSH_FAST_N"] ?? 12_000);

/** Checks one input; returns true when the fast path took it. */
function check(src: string, label: string): boolean {
  const fast = fastLoadYaml(src);
  if (fast === null) return false;
  let full;
  try {
    full = loadYamlFull(src, undefined);
  } catch (err) {
    assert.fail(`${label}: fast path accepted an input the full loader rejects (${(err as Error).message})\n${JSON.stringify(src)}`);
  }
  assert.deepStrictEqual(fast, full, `${label}: trees differ\n${JSON.stringify(src)}`);
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(f)) out.push(p);
  }
  return out;
}

// ---- a generator of sops-shaped YAML (what the fast path is for), with deliberate oddities ----

const WORDS = ["db", "password", "user", "api_key", "host", "port", "sops", "mac", "a", "b", "list", "x-y", "k.v", "ünï", "日本", "sp ace", "x:y", "a#b", "-d", "0x", "key'q", 'q"k'];
const ODD_WORDS = ["true", "null", "1", "~", "<<", "? q", "x" .repeat(1100)];
/** Scalars the fast path reads; ODD ones (below) make it decline or probe its edges. */
const SCALARS = [
  "hello", "hello world", "1", "-1", "+1", "0", "010", "08", "0x1F", "0o17", "0b101", "1_000", "1.5", "-.5", ".5", "1e3", "1E+3", "6.02e23",
  ".inf", "-.Inf", ".nan", "true", "False", "TRUE", "yes", "no", "on", "off", "null", "Null", "~", "", "2024-01-01", "2024-02-30", "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10", "2001-12-14T21:59:43Z", "12:30:45", "9223372036854775807", "9223372036854775808", "18446744073709551616", "-9223372036854775809",
  "ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi==,type:str]", "a:b", "ünïcödé 日本", "😀 emoji", "trailing   ", "a,b", "a]b", "=", "0.", "1__2", "+.5", "0o", "0x", "1e", "-0", "-0.0",
  "'single'", "'it''s'", '"dq"', '"esc \\n \\t \\" \\\\ \\x41 \\u00e9 \\U0001F600"', '"\\/"', '"a # b"', "'a # b'", "[]", "{}", "-x", "a #b",
];
const ODD = ["a: b", "http://x.y/z?q=1#frag", "-", "- a", "--", "?x", "? x", ":x", "%x", "@x", "`x`",
  "[a]", "{a: 1}", "[ ]", "&anchor x", "*alias", "!tag x", "!!str 1", "'bad", '"bad \\q"', "<<", "9223372036854775808",
];

function pick<T>(r: Rng, xs: readonly T[]): T {
  return r.pick(xs);
}

function comment(r: Rng): string {
  return "#" + pick(r, [" note", "", " a: b", "  two  spaces", "#double", " ENC[x]", " trailing "]);
}

function blockScalar(r: Rng, ind: string): string {
  const head = r.chance(0.2) ? pick(r, ["|2", "| # c", ">\n", "|-2", "|4+", "|1", ">2-", "|+3"]) : pick(r, ["|", "|-", "|+", ">", ">-", ">+"]);
  const lines: string[] = [];
  const body = ind + pick(r, ["  ", "    ", " "]);
  for (let k = 1 + r.int(4); k > 0; k--) {
    lines.push(pick(r, ["", "", body + "text", body + "more words", body + "text", body + "# not a comment", body + "- item", body + "more"]));
    if (r.chance(0.03)) lines.push(pick(r, [body + "  indented", body.slice(1) + "x", body + "   "]));
  }
  if (r.chance(0.3)) lines.push("");
  return head + "\n" + lines.join("\n");
}

function value(r: Rng, ind: string, step: string, depth: number, inSeq: boolean): string {
  const roll = r.int(depth > 3 ? 6 : 10);
  if (roll < 4) return " " + pick(r, r.chance(0.02) ? ODD : SCALARS) + (r.chance(0.1) ? " " + comment(r) : "");
  if (roll === 4) return " " + blockScalar(r, ind);
  if (roll === 5) return r.chance(0.5) ? "" : " " + comment(r);
  if (roll < 8) return (r.chance(0.2) ? " " + comment(r) : "") + "\n" + mapping(r, ind + step, step, depth + 1);
  const seqInd = !inSeq && r.chance(0.3) ? ind : ind + step;
  return (r.chance(0.2) ? " " + comment(r) : "") + "\n" + sequence(r, seqInd, step, depth + 1);
}

function keyText(r: Rng): string {
  const w = pick(r, r.chance(0.02) ? ODD_WORDS : WORDS);
  const q = r.int(10);
  if (q === 0) return `"${w.replaceAll('"', '\\"')}"`;
  if (q === 1) return `'${w.replaceAll("'", "''")}'`;
  return w + (r.chance(0.3) ? String(r.int(20)) : "");
}

function extras(r: Rng, ind: string): string {
  let s = "";
  while (r.chance(0.15)) {
    const k = r.int(4);
    if (k === 0) s += "\n";
    else if (k === 1) s += ind + comment(r) + "\n";
    else if (k === 2) s += " ".repeat(r.int(8)) + comment(r) + "\n";
    else s += " ".repeat(r.int(3)) + "\n";
  }
  return s;
}

function mapping(r: Rng, ind: string, step: string, depth: number): string {
  let s = "";
  const n = 1 + r.int(5);
  for (let i = 0; i < n; i++) s += extras(r, ind) + ind + keyText(r) + ":" + value(r, ind, step, depth, false) + "\n";
  return s.replace(/\n+$/, "");
}

function sequence(r: Rng, ind: string, step: string, depth: number): string {
  let s = "";
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) {
    s += extras(r, ind);
    const kind = r.int(depth > 3 ? 2 : 5);
    if (kind === 4) {
      // a list in a list: `- - x` then the other items aligned under the first
      const inner = sequence(r, ind + " ".repeat(step.length), step, depth + 1).split("\n");
      inner[0] = ind + "-" + " ".repeat(step.length - 1) + (inner[0] ?? "").trimStart();
      s += inner.join("\n") + "\n";
    } else if (kind < 2) s += ind + "-" + value(r, ind, step, depth, true).replace(/^\n.*/s, " x") + "\n";
    else {
      // an inline mapping: `- k: v` then the other keys aligned under the first
      const inner = mapping(r, ind + " ".repeat(step.length), step, depth + 1).split("\n");
      inner[0] = ind + "-" + " ".repeat(step.length - 1) + (inner[0] ?? "").trimStart();
      s += inner.join("\n") + "\n";
    }
  }
  return s.replace(/\n+$/, "");
}

function documentText(r: Rng): string {
  const step = pick(r, ["  ", "    ", "   "]);
  let s = "";
  if (r.chance(0.2)) s += comment(r) + "\n";
  const docs = r.chance(0.2) ? 2 + r.int(2) : 1;
  for (let d = 0; d < docs; d++) {
    if (d > 0 || r.chance(0.1)) s += (r.chance(0.1) ? pick(r, ["--- \n", "--- # c\n", "...\n---\n"]) : "---\n");
    s += extras(r, "") + mapping(r, "", step, 0) + "\n" + extras(r, step);
  }
  if (r.chance(0.1)) s = s.replace(/\n+$/, "");
  return s;
}

describe("yaml fast path", () => {
  it("is used for the bench's large file and equals the full loader there", () => {
    let s = "# generated like bench/engine.mjs\n";
    for (let g = 0; g < 200; g++) {
      s += `service${g}:\n    name: n${g}\n    port: ${1024 + g}\n    enabled: ${g % 2 === 0}\n    password: ${"p".repeat(200)}\n`;
      s += `    tags:\n        - a${g}\n        - b${g}\n    extra:\n        note: ${"x".repeat(100)}\n`;
    }
    assert.ok(check(s, "bench-like"), "the fast path declined the bench's shape");
  });

  it("agrees on every YAML golden vector and sops fixture", () => {
    const files = [...yamlFilesUnder(resolve("test", "vectors", "yaml")), ...yamlFilesUnder(FIXTURES)];
    assert.ok(files.length > 20);
    let taken = 0;
    for (const f of files) if (check(readFileSync(f, "utf8"), f)) taken++;
    // Most of them are plain sops files: the fast path must take them.
    console.log(`# fast path took ${taken}/${files.length} files`);
    assert.ok(taken >= files.length / 2, `fast path took only ${taken} of ${files.length} files`);
  });

  it("handles the shapes it claims, with exact values", () => {
    const src = [
      "# head",
      "a: 1 # one",
      "b: '2'",
      'c: "x\\ty"',
      "d: |",
      "    lit",
      "     more",
      "",
      "e: >-",
      "    fold",
      "    ed",
      "f: []",
      "g:",
      "- x",
      "- k: v",
      "  k2: 2024-01-01",
      "# tail",
      "",
    ].join("\n");
    const t = fastLoadYaml(src);
    assert.deepStrictEqual(t, [
      treeMap([
        new Comment(" head"),
        new Comment(" one", true),
        { key: "a", value: 1n },
        { key: "b", value: "2" },
        { key: "c", value: "x\ty" },
        { key: "d", value: "lit\n more\n" },
        { key: "e", value: "fold ed" },
        { key: "f", value: treeList([]) },
        {
          key: "g",
          // yaml.v3 (and the full loader): an own-line comment at the list's column ends the list.
          value: treeList(["x", treeMap([{ key: "k", value: "v" }, { key: "k2", value: new Timestamp("2024-01-01T00:00:00Z") }]), new Comment(" tail")]),
        },
      ]),
    ]);
    assert.deepStrictEqual(t, loadYamlFull(src, undefined));
  });

  it("declines what it does not handle, so the full loader's errors stay", () => {
    for (const src of ["a: &x 1\nb: *x\n", "a: 1\na: 2\n", "a: {b: 1}\n", "a: b\n  c\n", "a:\tb\n", "%YAML 1.2\n---\na: 1\n", "- a\n", "a: 'x\n  y'\n", "a: 1\n b: 2\n", "x", "# only\n"]) {
      assert.equal(fastLoadYaml(src), null, JSON.stringify(src));
    }
    assert.throws(() => loadYaml("a: 1\na: 2\n", "f.yaml"), /line 2: mapping key "a" already defined at line 1/);
  });

  it(`agrees with the full loader on ${N} generated and mutated documents (seed ${SEED})`, () => {
    const r = new Rng(SEED);
    const corpus: Uint8Array[] = [];
    const enc = new TextEncoder();
    const dec = new TextDecoder("utf-8", { fatal: true });
    let taken = 0;
    let generatedTaken = 0;
    let generatedCount = 0;
    for (let i = 0; i < N; i++) {
      let src: string;
      if (i % 2 === 0 || corpus.length === 0) {
        src = documentText(r);
        generatedCount++;
        if (corpus.length < 200) corpus.push(enc.encode(src));
        if (check(src, `seed ${SEED} #${i} (generated)`)) {
          taken++;
          generatedTaken++;
        }
        continue;
      }
      let b = r.pick(corpus);
      for (let k = 1 + r.int(3); k > 0; k--) b = mutateOnce(r, b, "yaml", corpus);
      try {
        src = dec.decode(b);
      } catch {
        continue;
      }
      if (check(src, `seed ${SEED} #${i} (mutated)`)) taken++;
    }
    console.log(`# fast path took ${generatedTaken}/${generatedCount} generated, ${taken}/${N} in all`);
    // The generator is built to reach the fast path often; a fast path that declines everything proves nothing.
    assert.ok(generatedTaken > generatedCount / 5, `fast path took ${generatedTaken} of ${generatedCount} generated documents`);
    assert.ok(taken > N / 10, `fast path took ${taken} of ${N}`);
  });
});
