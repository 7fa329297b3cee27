/**
 * Differential test of the direct YAML writer (src/stores/_yaml-emit-fast.ts): on every tree it
 * either declines (null) or returns exactly the full emitter's text. Trees come from every YAML
 * golden vector and sops fixture (as loaded, so encrypted files with their metadata too) and from
 * a seeded generator of sops-shaped trees with deliberate oddities. HUSH_EMIT_N sets the number of
 * generated trees (default 20,000), HUSH_FUZZ_SEED the seed.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fastEmitYaml } from "../../../src/stores/_yaml-emit-fast.js";
import { loadYaml } from "../../../src/stores/_yaml-load.js";
import { emitYamlFull, yamlStore } from "../../../src/stores/yaml.js";
import { Comment, Timestamp, treeList, treeMap, type MapItem, type TreeMap, type Value } from "../../../src/tree/index.js";
import { FIXTURES } from "../../helpers/fixtures.js";
import { Rng } from "../../helpers/mutate.js";

const SEED = Number(process.env["HUSH_FUZZ_SEED"] ?? 20261123);
const N = Number(process.env["HUSH_EMIT_N"] ?? 20_000);
const INDENTS = [4, 2, 3, 1, 10];

/** Checks one tree at one indent; returns true when the direct writer took it. */
function check(root: TreeMap, indent: number, label: string): boolean {
  const fast = fastEmitYaml(root, indent);
  if (fast === null) return false;
  const full = emitYamlFull([root], indent);
  assert.equal(fast, full, `${label} (indent ${indent}): outputs differ`);
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

// ---- a generator of trees shaped like sops files, with the cases the writer must decline ----

const KEYS = ["db", "password", "user", "api_key", "host", "a", "x-y", "k.v", "ünï", "日本", "sp ace", "x:y", "a#b", "-d", "key'q", 'q"k',
  "", "true", "1", "~", "null", "*a", "&b", "!t", "? q", "- x", "x ", " x", "a\tb", "<<", "k".repeat(129), "é".repeat(70), "multi\nline", "😀"];
const STRINGS = [
  "hello", "hello world", "", " ", "  lead", "trail ", "1", "010", "0x1F", "1.5", ".inf", "-.Inf", ".nan", "true", "False", "yes", "no", "on", "off", "y", "N",
  "null", "~", "2024-01-01", "2001-12-14T21:59:43Z", "12:30:45", "1:20", "ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi==,type:str]", "a:b", "a: b", "a #b", "#x",
  "ünïcödé 日本", "😀 emoji", "\ud800 lone", "a,b", "[x]", "{y}", "-", "- a", "-x", "--", "---", "...", "?x", "? x", ":x", "x:", "%x", "@x", "`x`", "&a", "*a", "!t",
  "|", ">", "'q'", "it's", '"dq"', 'say "hi"', "back\\slash", "tab\there", "cr\rhere", "nel\u0085x", "ls\u2028x", "nbsp\u00a0x", "bom\ufeffx", "\ufeffbom", "del\x7fx",
  "ctl\x01x", "<<", "line\n", "two\nlines", "two\nlines\n", "trailing\n\n", "\n", "\nlead", " lead\nx", "sp \nbreak", "x\n y", "a\r\nb", "x".repeat(200),
  "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24=\n-----END AGE ENCRYPTED FILE-----\n", "é\n", "tab\t\nx",
];

function scalar(r: Rng): Value {
  switch (r.int(9)) {
    case 0:
      return null;
    case 1:
      return BigInt(r.pick([0, 1, -1, 42, 9007199254740993])) * (r.chance(0.1) ? 1000000000000n : 1n);
    case 2:
      return r.pick([0, -0, 1.5, -2.25, 1e21, 1e-7, 3.0, NaN, Infinity, -Infinity, 123456789.125]);
    case 3:
      return r.chance(0.5);
    case 4:
      return new Timestamp(r.pick(["2024-01-01T00:00:00Z", "2001-12-14T21:59:43.1-05:00"]));
    case 5:
      if (r.chance(0.3)) return r.chance(0.5) ? Uint8Array.from([0xff, 0x00, 0x41]) : new TextEncoder().encode("utf8 bytes");
      return r.pick(STRINGS);
    default:
      return r.pick(STRINGS);
  }
}

function comment(r: Rng, inline: boolean): Comment {
  return new Comment(r.pick([" note", "", " a: b", "ENC[AES256_GCM,data:x,iv:y,tag:z,type:comment]", " two  spaces", "cr\rx"]), inline);
}

function value(r: Rng, depth: number): Value {
  if (depth > 4 || r.chance(0.55)) return scalar(r);
  return r.chance(0.5) ? map(r, depth + 1, false) : list(r, depth + 1);
}

function map(r: Rng, depth: number, root: boolean): TreeMap {
  const items: MapItem[] = [];
  if (root && r.chance(0.3)) for (let k = 1 + r.int(3); k > 0; k--) items.push(comment(r, r.chance(0.05)));
  const n = r.chance(0.1) ? 0 : 1 + r.int(5);
  for (let i = 0; i < n; i++) {
    if (r.chance(0.02)) items.push(comment(r, r.chance(0.5)));
    const key = r.chance(0.85) ? r.pick(KEYS.slice(0, 7)) + String(i) : r.pick(KEYS);
    items.push({ key, value: value(r, depth) });
  }
  return treeMap(items);
}

function list(r: Rng, depth: number): Value {
  const items: (Value | Comment)[] = [];
  const n = r.chance(0.1) ? 0 : 1 + r.int(4);
  for (let i = 0; i < n; i++) {
    if (r.chance(0.02)) items.push(comment(r, false));
    items.push(value(r, depth));
  }
  return treeList(items);
}

describe("yaml direct writer", () => {
  it("takes the bench's shape, plain and encrypted, and writes what the full emitter writes", () => {
    const items: MapItem[] = [new Comment(" generated by bench/engine.mjs")];
    for (let g = 0; g < 50; g++) {
      items.push({
        key: `service${g}`,
        value: treeMap([
          { key: "name", value: `n${g}` },
          { key: "port", value: BigInt(1024 + g) },
          { key: "enabled", value: g % 2 === 0 },
          { key: "tags", value: treeList(["a", "b"]) },
          { key: "extra", value: treeMap([{ key: "note", value: "x".repeat(300) }]) },
        ]),
      });
    }
    const plain = treeMap(items);
    for (const indent of INDENTS) assert.ok(check(plain, indent, "bench-like"), "the direct writer declined the bench's shape");
  });

  it("agrees on every YAML golden vector and sops fixture, at several indents", () => {
    const files = [...yamlFilesUnder(resolve("test", "vectors", "yaml")), ...yamlFilesUnder(FIXTURES)];
    assert.ok(files.length > 20);
    let taken = 0;
    let total = 0;
    for (const f of files) {
      let branches: TreeMap[];
      try {
        branches = loadYaml(readFileSync(f, "utf8"), f);
      } catch {
        continue; // a malformed-input vector
      }
      for (const b of branches) {
        for (const indent of INDENTS) {
          total++;
          if (check(b, indent, f)) taken++;
        }
      }
    }
    console.log(`# direct writer took ${taken}/${total} (file, indent) cases`);
    // Most of them are plain sops files: the writer must take them.
    assert.ok(taken >= total / 2, `direct writer took only ${taken} of ${total}`);
  });

  it("is what the YAML store writes (one document), and multi-document files still go the full way", () => {
    const one = treeMap([{ key: "a", value: "b" }]);
    assert.equal(new TextDecoder().decode(yamlStore.emitPlain([one])), "a: b\n");
    const two = yamlStore.emitPlain([one, treeMap([{ key: "c", value: 1n }])]);
    assert.equal(new TextDecoder().decode(two), emitYamlFull([one, treeMap([{ key: "c", value: 1n }])], 4));
  });

  it(`agrees with the full emitter on ${N} generated trees (seed ${SEED})`, () => {
    const r = new Rng(SEED);
    let taken = 0;
    for (let i = 0; i < N; i++) {
      const root = map(r, 0, true);
      if (check(root, r.pick(INDENTS), `tree ${i}`)) taken++;
    }
    console.log(`# direct writer took ${taken}/${N} generated trees`);
    assert.ok(taken > N / 10, `direct writer took only ${taken} of ${N} generated trees`);
  });
});
