import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { storeByName } from "../../../../src/stores/index.js";
import type { TreeMap } from "../../../../src/tree/index.js";
import { mergeBranches } from "../../../../src/workflows/git/tree-merge.js";
import { conflictBranches, markConflicts, markerLines, readConflict } from "../../../../src/workflows/git/conflict.js";

const yaml = storeByName("yaml");
const load = (s: string): TreeMap[] => yaml.loadPlain(new TextEncoder().encode(s));
const emit = (b: TreeMap[]): string => new TextDecoder().decode(yaml.emitPlain(b));
function merge(base: string | null, ours: string, theirs: string): { ours: string; theirs: string; conflicts: string[] } {
  const r = mergeBranches(base === null ? null : load(base), load(ours), load(theirs));
  return { ours: emit(r.ours), theirs: emit(r.theirs), conflicts: r.conflicts };
}

describe("three-way tree merge", () => {
  const base = "a: 1\nb:\n    x: 1\n    q: 2\nc: 3\n";
  it("takes each side's change to different keys, nested too", () => {
    const r = merge(base, "a: 10\nb:\n    x: 1\n    q: 2\nc: 3\n", "a: 1\nb:\n    x: 1\n    q: 20\nc: 3\n");
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.ours, "a: 10\nb:\n    x: 1\n    q: 20\nc: 3\n");
    assert.equal(r.theirs, r.ours);
  });
  it("accepts the same change on both sides", () => {
    const r = merge(base, "a: 5\nb:\n    x: 1\n    q: 2\nc: 3\n", "a: 5\nb:\n    x: 1\n    q: 2\nc: 3\n");
    assert.deepEqual(r.conflicts, []);
  });
  it("places keys added by theirs after their predecessor, and deletions from either side", () => {
    const r = merge(base, "a: 1\nb:\n    x: 1\n    q: 2\n", "a: 1\nnew: v\nb:\n    x: 1\n    q: 2\n    z: 9\nc: 3\n");
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.ours, "a: 1\nnew: v\nb:\n    x: 1\n    q: 2\n    z: 9\n");
  });
  it("reports different changes to one key, add/add with different values, and delete/modify", () => {
    assert.deepEqual(merge(base, "a: 2\nb:\n    x: 1\n    q: 2\nc: 3\n", "a: 3\nb:\n    x: 1\n    q: 2\nc: 3\n").conflicts, ['["a"]']);
    assert.deepEqual(merge(base, base.replace("c: 3\n", "c: 3\nd: o\n"), base.replace("c: 3\n", "c: 3\nd: t\n")).conflicts, ['["d"]']);
    assert.deepEqual(merge(base, "a: 1\nb:\n    x: 1\nc: 3\n", "a: 1\nb:\n    x: 1\n    q: 7\nc: 3\n").conflicts, ['["b"]["q"]']);
    assert.deepEqual(merge(null, "k: 1\nm:\n    p: 1\n", "k: 1\nm:\n    q: 2\n").conflicts, []);
  });
  it("treats lists as whole values and keeps the int/float distinction", () => {
    assert.deepEqual(merge("l:\n    - 1\n", "l:\n    - 1\n    - 2\n", "l:\n    - 0\n    - 1\n").conflicts, ['["l"]']);
    assert.deepEqual(merge("v: 2\n", "v: 1\n", "v: '1'\n").conflicts, ['["v"]']);
    assert.deepEqual(merge("v: 2\n", "v: 1\n", "v: 1\n").conflicts, []);
  });
  it("keeps the comments of the side that changed them; both changed differently is a conflict", () => {
    const r = merge("# c\na: 1\nb: 2\n", "# c\na: 5\nb: 2\n", "# changed\na: 1\nb: 2\n");
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.ours, "# changed\na: 5\nb: 2\n");
    assert.equal(merge("# c\na: 1\n", "# o\na: 1\n", "# t\na: 1\n").conflicts.length, 1);
  });
});

describe("conflict markers", () => {
  it("marks exactly the differing lines", () => {
    assert.equal(
      markConflicts("a\nb: 1\nc\n", "a\nb: 2\nc\n"),
      "a\n<<<<<<< ours\nb: 1\n=======\nb: 2\n>>>>>>> theirs\nc\n",
    );
    assert.equal(markConflicts("a\nx\n", "a\n"), "a\n<<<<<<< ours\nx\n=======\n>>>>>>> theirs\n");
    assert.equal(markConflicts("same\n", "same\n"), "same\n");
  });
  it("finds leftover markers by line", () => {
    assert.deepEqual(markerLines("a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n"), [2, 4, 6]);
    assert.deepEqual(markerLines("a: '======='\n"), []);
  });
  it("wraps and recognises the conflict form in each store", () => {
    for (const name of ["yaml", "json", "dotenv", "ini", "binary"] as const) {
      const s = storeByName(name);
      const settings = { selector: { kind: "encrypted_regex" as const, value: "^pw$" }, macOnlyEncrypted: true };
      const got = readConflict(s, conflictBranches(s, "x\n<<<<<<< ours\n", settings));
      assert.deepEqual(got, { text: "x\n<<<<<<< ours\n", settings }, name);
      assert.equal(readConflict(s, load("a: 1\n")), null);
    }
  });
});

describe("line merge of multi-line values", () => {
  it("merges non-overlapping line changes, refuses overlapping ones", async () => {
    const { mergeLines } = await import("../../../../src/workflows/git/text-merge.js");
    assert.equal(mergeLines("1\n2\n3\n4\n", "one\n2\n3\n4\n", "1\n2\n3\nfour\n"), "one\n2\n3\nfour\n");
    assert.equal(mergeLines("1\n2\n3\n", "1\n2\n3\nadded\n", "0\n1\n2\n3\n"), "0\n1\n2\n3\nadded\n");
    assert.equal(mergeLines("1\n2\n3\n", "1\nx\n3\n", "1\nx\n3\n"), "1\nx\n3\n");
    assert.equal(mergeLines("1\n2\n3\n", "1\nx\n3\n", "1\ny\n3\n"), null);
    assert.equal(mergeLines("1\n2\n3\n", "1\n3\n", "1\n2\n3\n"), "1\n3\n");
  });
  it("lets a PEM-like value in YAML merge inside the tree", () => {
    const base = "cert: |\n    l1\n    l2\n    l3\n";
    const r = merge(base, "cert: |\n    L1\n    l2\n    l3\n", "cert: |\n    l1\n    l2\n    L3\n");
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.ours, "cert: |\n    L1\n    l2\n    L3\n");
  });
});
