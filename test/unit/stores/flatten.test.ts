import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { flatten, unflatten } from "../../../src/stores/flatten.js";
import { HushError } from "../../../src/errors.js";
import { Comment, treeList, treeMap } from "../../../src/tree/index.js";

describe("flatten", () => {
  const NESTED = treeMap([
    {
      key: "key_groups",
      value: treeList([
        treeMap([{ key: "age", value: treeList([treeMap([{ key: "enc", value: "E" }, { key: "recipient", value: "R" }])]) }]),
      ]),
    },
    { key: "mac_only_encrypted", value: true },
    { key: "shamir_threshold", value: 2n },
  ]);
  const FLAT = treeMap([
    { key: "sops_key_groups__list_0__map_age__list_0__map_enc", value: "E" },
    { key: "sops_key_groups__list_0__map_age__list_0__map_recipient", value: "R" },
    { key: "sops_mac_only_encrypted", value: true },
    { key: "sops_shamir_threshold", value: 2n },
  ]);

  it("flattens maps with __map_ and lists with __list_<n>, keeping leaf types", () => {
    assert.deepEqual(flatten(NESTED, "sops_"), FLAT);
  });

  it("unflattens back, children sorted by byte order", () => {
    const stripped = treeMap(FLAT.items.map((it) => ("key" in it ? { key: it.key.slice(5), value: it.value } : it)).reverse());
    assert.deepEqual(unflatten(stripped), NESTED);
  });

  it("skips comments and counts list indexes over non-comment items; empty lists vanish", () => {
    const m = treeMap([
      new Comment("x"),
      { key: "l", value: treeList([new Comment("c"), "a", new Comment("d"), "b"]) },
      { key: "e", value: treeList([]) },
      { key: "m", value: treeMap([]) },
    ]);
    assert.deepEqual(flatten(m), treeMap([{ key: "l__list_0", value: "a" }, { key: "l__list_1", value: "b" }]));
  });

  it("reports a key collision while flattening", () => {
    const m = treeMap([{ key: "a__map_b", value: "1" }, { key: "a", value: treeMap([{ key: "b", value: "2" }]) }]);
    assert.throws(() => flatten(m), (e) => e instanceof HushError && /key collision "a__map_b"/.test(e.message));
  });

  it("reports incomplete lists, type mismatches and duplicates when unflattening", () => {
    const err = (items: [string, string][]): string => {
      try {
        unflatten(treeMap(items.map(([key, value]) => ({ key, value }))));
      } catch (e) {
        assert.ok(e instanceof HushError);
        return e.message;
      }
      return "no error";
    };
    assert.match(err([["l__list_1", "x"]]), /incomplete list/);
    assert.match(err([["l__list_0", "x"], ["l__list_2", "y"]]), /incomplete list/);
    assert.match(err([["a", "x"], ["a__map_b", "y"]]), /type mismatch/);
    assert.match(err([["a__list_0", "x"], ["a__map_b", "y"]]), /type mismatch/);
    assert.match(err([["a", "x"], ["a", "y"]]), /duplicate value/);
  });

  it("splits at every separator, including at the start of a key", () => {
    assert.deepEqual(
      unflatten(treeMap([{ key: "a__map___map_b", value: "1" }, { key: "__list_0", value: "2" }])),
      treeMap([
        { key: "", value: treeList(["2"]) },
        { key: "a", value: treeMap([{ key: "", value: treeMap([{ key: "b", value: "1" }]) }]) },
      ]),
    );
  });
});
