import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { iniStore } from "../../../src/stores/ini.js";
import { HushError } from "../../../src/errors.js";
import { Comment, treeList, treeMap } from "../../../src/tree/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("ini store", () => {
  const PLAIN = [
    "; top",
    "g = 1",
    "",
    "; about s",
    "[s]",
    "; about k",
    "k     = v",
    "hash  = `a#b`",
    "ml    = \"\"\"x",
    "y\"\"\"",
    "sp    = \" p \"",
    "empty = ",
    "",
    "[t]",
    "z = 2",
    "",
  ].join("\n");
  const BRANCH = treeMap([
    // `; top` sits above `g`, so go-ini gives it to the key g and sops puts it after the key.
    { key: "DEFAULT", value: treeMap([{ key: "g", value: "1" }, new Comment("top")]) },
    {
      key: "s",
      value: treeMap([
        new Comment("about s"),
        { key: "k", value: "v" },
        new Comment("about k"),
        { key: "hash", value: "a#b" },
        { key: "ml", value: "x\ny" },
        { key: "sp", value: " p " },
        { key: "empty", value: "" },
      ]),
    },
    { key: "t", value: treeMap([{ key: "z", value: "2" }]) },
  ]);

  it("loads sections, keys and comments as sops does (key comments after the key)", () => {
    assert.deepEqual(iniStore.loadPlain(enc(PLAIN)), [BRANCH]);
  });

  it("writes aligned keys, quoted values, comments above their key, blank lines between sections", () => {
    assert.equal(dec(iniStore.emitPlain([BRANCH])), PLAIN);
  });

  it("leaves out an empty leading DEFAULT section entirely", () => {
    const t = treeMap([{ key: "DEFAULT", value: treeMap() }, { key: "a", value: treeMap([{ key: "k", value: "v" }]) }]);
    assert.equal(dec(iniStore.emitPlain([t])), "[a]\nk = v\n");
    assert.deepEqual(iniStore.loadPlain(enc("[a]\nk = v\n")), [t]);
  });

  it("parses go-ini value forms: inline comments, surrounding quotes, continuation, backticks, colon", () => {
    const [b] = iniStore.loadPlain(enc("a = x ; note\nb = 'q'\nc = \"d\"e\"\nd = one \\\n  two\ne = `p;q` tail\nf: g\n"));
    const def = b!.items[0];
    assert.ok(def !== undefined && "value" in def);
    assert.deepEqual(
      def.value,
      treeMap([
        { key: "a", value: "x" },
        new Comment("note"),
        { key: "b", value: "q" },
        { key: "c", value: '"d"e"' },
        { key: "d", value: "one two" },
        { key: "e", value: "p;q" },
        { key: "f", value: "g" },
      ]),
    );
  });

  it("keeps a repeated key at its first position with the last value, and repeated sections apart", () => {
    const [b] = iniStore.loadPlain(enc("[s]\nk = 1\nj = 2\nk = 3\n[s]\nk = 4\n"));
    assert.deepEqual(b, treeMap([
      { key: "DEFAULT", value: treeMap() },
      { key: "s", value: treeMap([{ key: "k", value: "3" }, { key: "j", value: "2" }]) },
      { key: "s", value: treeMap([{ key: "k", value: "4" }]) },
    ]));
  });

  it("numbers go-ini auto-increment keys (- = v) per section", () => {
    const [b] = iniStore.loadPlain(enc("- = a\n- = b\n[s]\n- = c\n"));
    assert.deepEqual(b, treeMap([
      { key: "DEFAULT", value: treeMap([{ key: "#1", value: "a" }, { key: "#2", value: "b" }]) },
      { key: "s", value: treeMap([{ key: "#1", value: "c" }]) },
    ]));
  });

  it("quotes keys with = : \" (backticks) or ` (triple quotes), counting bytes for alignment", () => {
    const t = treeMap([{ key: "s", value: treeMap([
      { key: "a=b", value: "1" },
      { key: "c`d", value: "2" },
      { key: "é", value: "3" },
    ]) }]);
    assert.equal(dec(iniStore.emitPlain([t])), '[s]\n`a=b`     = 1\n"""c`d""" = 2\né        = 3\n');
  });

  it("reports parse errors with the line number and without the line", () => {
    const cases: [string, number][] = [
      ["[s]\nk = v\n[hunter2\n", 3],
      ["a = 1\nhunter2\n", 2],
      ["[]\n", 1],
      ["=hunter2\n", 1],
      ['"" = hunter2\n', 1],
      ['a = """hunter2\nmore\n', 3],
    ];
    for (const [text, line] of cases) {
      assert.throws(
        () => iniStore.loadPlain(enc(text), { file: "c.ini" }),
        (e) => e instanceof HushError && e.code === "PARSE" && e.line === line && e.file === "c.ini" && !/hunter2/.test(e.message),
        text,
      );
    }
  });

  it("refuses sections that are not mappings and comment lines go-ini would crash on", () => {
    assert.throws(() => iniStore.emitPlain([treeMap([{ key: "s", value: "x" }])]), (e) => e instanceof HushError && e.code === "EMIT");
    assert.throws(
      () => iniStore.emitPlain([treeMap([{ key: "s", value: treeMap([{ key: "k", value: "v" }, new Comment("a\n\nb")]) }])]),
      (e) => e instanceof HushError && e.code === "EMIT",
    );
  });

  it("writes non-strings with ValToString and nested values as Go %v", () => {
    const t = treeMap([{ key: "s", value: treeMap([
      { key: "b", value: false },
      { key: "f", value: 2 },
      { key: "l", value: treeList([1n, 2.5, "x"]) },
    ]) }]);
    assert.equal(dec(iniStore.emitPlain([t])), "[s]\nb = false\nf = 2.0\nl = [1 2.5 x]\n");
  });

  const META = treeMap([
    { key: "age", value: treeList([treeMap([{ key: "enc", value: "-----BEGIN-----\nQUJD\n-----END-----\n" }, { key: "recipient", value: "age1x" }])]) },
    { key: "lastmodified", value: "2024-01-01T00:00:00Z" },
    { key: "mac_only_encrypted", value: true },
    { key: "version", value: "3.13.2" },
  ]);
  const ENCRYPTED = [
    "[s]",
    "k = ENC[x]",
    "",
    "[sops]",
    "age__list_0__map_enc       = -----BEGIN-----\\nQUJD\\n-----END-----\\n",
    "age__list_0__map_recipient = age1x",
    "lastmodified               = 2024-01-01T00:00:00Z",
    "mac_only_encrypted         = true",
    "version                    = 3.13.2",
    "",
  ].join("\n");

  it("writes metadata as a flattened [sops] section with \\n escaped (3.13.2)", () => {
    const out = dec(iniStore.emitEncrypted({ branches: [treeMap([{ key: "DEFAULT", value: treeMap() }, { key: "s", value: treeMap([{ key: "k", value: "ENC[x]" }]) }])], metadata: META }));
    assert.equal(out, ENCRYPTED);
  });

  it("reads escaped and triple-quoted multi-line metadata alike", () => {
    const expected = treeMap([...META.items.slice(0, 2), { key: "mac_only_encrypted", value: "true" }, META.items[3]!]);
    assert.deepEqual(iniStore.loadEncrypted(enc(ENCRYPTED)).metadata, expected);
    const tripled = ENCRYPTED.replace("-----BEGIN-----\\nQUJD\\n-----END-----\\n", '"""-----BEGIN-----\nQUJD\n-----END-----\n"""');
    assert.deepEqual(iniStore.loadEncrypted(enc(tripled)).metadata, expected);
  });

  it("has metadata only with a sops section", () => {
    assert.equal(iniStore.hasMetadata(iniStore.loadPlain(enc(ENCRYPTED))[0]!), true);
    assert.equal(iniStore.hasMetadata(iniStore.loadPlain(enc("[s]\nk=v\n"))[0]!), false);
    assert.throws(() => iniStore.loadEncrypted(enc("[s]\nk=v\n")), (e) => e instanceof HushError && e.code === "METADATA_NOT_FOUND");
  });

  it("emitValue is Go json.Marshal", () => {
    assert.equal(dec(iniStore.emitValue("a<b")), '"a\\u003cb"');
    assert.equal(dec(iniStore.emitValue(treeList([1n, "x"]))), '[1,"x"]');
    assert.equal(dec(iniStore.emitValue(treeMap([{ key: "k", value: "v" }]))), '[{"Key":"k","Value":"v"}]');
  });

  it("strips a UTF-8 BOM", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc("a = 1\n")]);
    assert.deepEqual(iniStore.loadPlain(bytes), [treeMap([{ key: "DEFAULT", value: treeMap([{ key: "a", value: "1" }]) }])]);
  });
});
