import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dotenvStore } from "../../../src/stores/dotenv.js";
import { HushError } from "../../../src/errors.js";
import { Comment, treeList, treeMap, Timestamp } from "../../../src/tree/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("dotenv store", () => {
  const PLAIN = "#c1\nA=1\nfoo = bar \nQ=\"x\"\nEQ=a=b\nML=l1\\nl2\nCR=v\r\nE=\n";
  const BRANCH = treeMap([
    new Comment("c1"),
    { key: "A", value: "1" },
    { key: "foo ", value: " bar " },
    { key: "Q", value: '"x"' },
    { key: "EQ", value: "a=b" },
    { key: "ML", value: "l1\nl2" },
    { key: "CR", value: "v\r" },
    { key: "E", value: "" },
  ]);

  it("loads without trimming or unquoting, splitting at the first =", () => {
    assert.deepEqual(dotenvStore.loadPlain(enc(PLAIN)), [BRANCH]);
  });

  it("emits comments and key=value lines, newlines as the two characters \\n", () => {
    assert.equal(dec(dotenvStore.emitPlain([BRANCH])), PLAIN);
  });

  it("drops empty lines", () => {
    assert.deepEqual(dotenvStore.loadPlain(enc("\n\nA=1\n\n")), [treeMap([{ key: "A", value: "1" }])]);
    assert.deepEqual(dotenvStore.loadPlain(enc("")), [treeMap()]);
  });

  it("names the line number of a line without = but never its content", () => {
    for (const [text, line] of [["A=1\nhunter2\n", 2], ["A=1\r\n\r\nB=2", 2], ["\n\nsecret", 3]] as const) {
      assert.throws(
        () => dotenvStore.loadPlain(enc(text), { file: "x.env" }),
        (e) =>
          e instanceof HushError &&
          e.code === "PARSE" &&
          e.line === line &&
          e.file === "x.env" &&
          /invalid dotenv input line/.test(e.message) &&
          !/hunter2|secret/.test(e.message),
      );
    }
  });

  it("writes non-strings with sops ValToString (lowercase bools, 5.0, 1E+21)", () => {
    const t = treeMap([
      { key: "b", value: true },
      { key: "i", value: 42n },
      { key: "f", value: 5 },
      { key: "g", value: 1e21 },
      { key: "n", value: null },
      { key: "t", value: new Timestamp("2024-01-01T00:00:00Z") },
    ]);
    assert.equal(dec(dotenvStore.emitPlain([t])), "b=true\ni=42\nf=5.0\ng=1E+21\nn=<nil>\nt=2024-01-01T00:00:00Z\n");
  });

  it("refuses nested values, naming the key", () => {
    assert.throws(
      () => dotenvStore.emitPlain([treeMap([{ key: "K", value: treeList(["x"]) }])]),
      (e) => e instanceof HushError && e.code === "EMIT" && e.keyPath === '["K"]' && /complex value/.test(e.message),
    );
  });

  const ENCRYPTED =
    "A=ENC[x]\n#ENC[c]\n" +
    "sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\nYWdl\\n-----END AGE ENCRYPTED FILE-----\\n\n" +
    "sops_age__list_0__map_recipient=age1xyz\n" +
    "sops_lastmodified=2024-03-26T00:43:54Z\n" +
    "sops_mac=ENC[m]\n" +
    "sops_unencrypted_suffix=_unencrypted\n" +
    "sops_version=3.13.2\n";
  const META = treeMap([
    {
      key: "age",
      value: treeList([
        treeMap([
          { key: "enc", value: "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n" },
          { key: "recipient", value: "age1xyz" },
        ]),
      ]),
    },
    { key: "lastmodified", value: "2024-03-26T00:43:54Z" },
    { key: "mac", value: "ENC[m]" },
    { key: "unencrypted_suffix", value: "_unencrypted" },
    { key: "version", value: "3.13.2" },
  ]);

  it("unflattens the sops_ lines into the metadata map and writes them back flattened", () => {
    const doc = dotenvStore.loadEncrypted(enc(ENCRYPTED));
    assert.deepEqual(doc.metadata, META);
    assert.deepEqual(doc.branches, [treeMap([{ key: "A", value: "ENC[x]" }, new Comment("ENC[c]")])]);
    assert.equal(dec(dotenvStore.emitEncrypted(doc)), ENCRYPTED);
  });

  it("accepts the metadata lines in any order (pre-3.10 files)", () => {
    const lines = ENCRYPTED.trimEnd().split("\n");
    const shuffled = [lines[0], lines[6], lines[3], lines[1], lines[5], lines[2], lines[4], lines[7]].join("\n") + "\n";
    assert.deepEqual(dotenvStore.loadEncrypted(enc(shuffled)).metadata, META);
  });

  it("writes ints and bools in metadata as text (shamir_threshold, mac_only_encrypted)", () => {
    const doc = { branches: [treeMap()], metadata: treeMap([{ key: "mac_only_encrypted", value: true }, { key: "shamir_threshold", value: 2n }]) };
    assert.equal(dec(dotenvStore.emitEncrypted(doc)), "sops_mac_only_encrypted=true\nsops_shamir_threshold=2\n");
  });

  it("needs sops_ lines to find metadata, and counts any sops_ key as metadata", () => {
    assert.throws(() => dotenvStore.loadEncrypted(enc("A=1\n")), (e) => e instanceof HushError && e.code === "METADATA_NOT_FOUND");
    assert.equal(dotenvStore.hasMetadata(treeMap([{ key: "sops_x", value: "1" }])), true);
    assert.equal(dotenvStore.hasMetadata(treeMap([{ key: "sops", value: "1" }, new Comment("sops_x")])), false);
  });

  it("refuses data keys with the reserved sops_ prefix when writing metadata", () => {
    assert.throws(
      () => dotenvStore.emitEncrypted({ branches: [treeMap([{ key: "sops_x", value: "1" }])], metadata: treeMap() }),
      (e) => e instanceof HushError && e.code === "EMIT" && /reserved key prefix/.test(e.message),
    );
  });

  it("emitValue handles strings only", () => {
    assert.equal(dec(dotenvStore.emitValue("a\nb")), "a\nb");
    assert.throws(() => dotenvStore.emitValue(1.5), (e) => e instanceof HushError && e.code === "EMIT");
  });
});
