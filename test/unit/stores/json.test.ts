import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { jsonStore } from "../../../src/stores/json.js";
import { HushError } from "../../../src/errors.js";
import { Comment, treeList, treeMap, Timestamp } from "../../../src/tree/index.js";
import type { TreeMap } from "../../../src/tree/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const load = (s: string): TreeMap => jsonStore.loadPlain(enc(s))[0]!;

function parseError(text: string): HushError {
  try {
    jsonStore.loadPlain(enc(text), { file: "f.json" });
  } catch (e) {
    assert.ok(e instanceof HushError);
    return e;
  }
  assert.fail("expected a parse error");
}

describe("json store", () => {
  const PLAIN = '{\n\t"foo": "bar",\n\t"n": {\n\t\t"list": [\n\t\t\t1,\n\t\t\t2.5,\n\t\t\ttrue,\n\t\t\tnull\n\t\t],\n\t\t"e": {},\n\t\t"a": []\n\t}\n}\n';
  const BRANCH = treeMap([
    { key: "foo", value: "bar" },
    {
      key: "n",
      value: treeMap([
        { key: "list", value: treeList([1n, 2.5, true, null]) },
        { key: "e", value: treeMap() },
        { key: "a", value: treeList() },
      ]),
    },
  ]);

  it("loads a plain document into the tree", () => {
    assert.deepEqual(load(PLAIN), BRANCH);
  });

  it("emits the tree exactly like sops decrypt (TAB indent, trailing newline, empty {} and [])", () => {
    assert.equal(dec(jsonStore.emitPlain([BRANCH])), PLAIN);
  });

  it("prints sops's functional-test output for {\"foo\":\"bar\"}", () => {
    assert.equal(dec(jsonStore.emitPlain(jsonStore.loadPlain(enc('{"foo":"bar"}')))), '{\n\t"foo": "bar"\n}\n');
  });

  it("indents with N spaces when asked, and refuses an indent below -1", () => {
    const t = treeMap([{ key: "a", value: treeList([1n]) }]);
    assert.equal(dec(jsonStore.emitPlain([t], { indent: 2 })), '{\n  "a": [\n    1\n  ]\n}\n');
    assert.equal(dec(jsonStore.emitPlain([t], { indent: 0 })), '{\n"a": [\n1\n]\n}\n');
    assert.throws(() => jsonStore.emitPlain([t], { indent: -2 }), (e) => e instanceof HushError && e.code === "EMIT");
  });

  it("keeps key order and duplicate keys", () => {
    const t = load('{"b":1,"a":2,"b":3}');
    assert.deepEqual(
      t.items.map((i) => ("key" in i ? i.key : "")),
      ["b", "a", "b"],
    );
    assert.equal(dec(jsonStore.emitPlain([t])), '{\n\t"b": 1,\n\t"a": 2,\n\t"b": 3\n}\n');
  });

  it("makes int64 integers bigints and everything else floats (sops 3.13.2)", () => {
    const t = load('{"a":7,"b":-0,"c":9223372036854775807,"d":9223372036854775808,"e":1.0,"f":1e2,"g":-9223372036854775809}');
    assert.deepEqual(
      t.items.map((i) => ("key" in i ? i.value : null)),
      [7n, 0n, 9223372036854775807n, 9223372036854775808, 1, 100, -9223372036854775809],
    );
  });

  it("writes floats the way Go encoding/json does", () => {
    const t = treeMap([
      { key: "a", value: 1e21 },
      { key: "b", value: 1e20 },
      { key: "c", value: 1e-7 },
      { key: "d", value: 0.000001 },
      { key: "e", value: 25.4 },
      { key: "f", value: -0 },
      { key: "g", value: 7 },
    ]);
    assert.equal(
      dec(jsonStore.emitPlain([t])),
      '{\n\t"a": 1e+21,\n\t"b": 100000000000000000000,\n\t"c": 1e-7,\n\t"d": 0.000001,\n\t"e": 25.4,\n\t"f": -0,\n\t"g": 7\n}\n',
    );
  });

  it("refuses NaN and infinities like json.Marshal, naming the key", () => {
    assert.throws(
      () => jsonStore.emitPlain([treeMap([{ key: "x", value: NaN }])]),
      (e) => e instanceof HushError && e.code === "EMIT" && e.keyPath === '["x"]',
    );
  });

  it("escapes < > & U+2028 U+2029 and control characters, keeps other non-ASCII raw", () => {
    const t = treeMap([{ key: "<k>", value: "<a> & \u2028\u2029 é 😀 \b\f\n\r\t\u0001\u007f \"q\" \\" }]);
    assert.equal(
      dec(jsonStore.emitPlain([t])),
      '{\n\t"\\u003ck\\u003e": "\\u003ca\\u003e \\u0026 \\u2028\\u2029 é 😀 \\b\\f\\n\\r\\t\\u0001\u007f \\"q\\" \\\\"\n}\n',
    );
  });

  it("decodes escapes, surrogate pairs, and lone surrogates or invalid UTF-8 as U+FFFD like Go", () => {
    const t = load('{"a":"\\ud83d\\ude00 \\ud800x \\u00e9 \\/"}');
    assert.equal(t.items[0] && "value" in t.items[0] ? t.items[0].value : undefined, "😀 \ufffdx é /");
    const raw = new Uint8Array([...enc('{"b":"'), 0xe2, 0x82, 0x41, 0xff, ...enc('"}')]);
    const b = jsonStore.loadPlain(raw)[0]!;
    assert.equal(b.items[0] && "value" in b.items[0] ? b.items[0].value : undefined, "\ufffd\ufffdA\ufffd");
  });

  it("writes timestamps as quoted RFC 3339 and raw bytes as strings; drops comments", () => {
    const t = treeMap([
      new Comment(" c"),
      { key: "t", value: new Timestamp("2024-01-01T00:00:00Z") },
      { key: "b", value: enc("hi") },
      { key: "l", value: treeList([new Comment("x"), 1n]) },
    ]);
    assert.equal(dec(jsonStore.emitPlain([t])), '{\n\t"t": "2024-01-01T00:00:00Z",\n\t"b": "hi",\n\t"l": [\n\t\t1\n\t]\n}\n');
  });

  it("rejects a top-level array or scalar with sops's message and never echoes the value", () => {
    for (const text of ["[1]", '"hunter2"', "42"]) {
      const e = parseError(text);
      assert.equal(e.code, "PARSE");
      assert.match(e.message, /top-level object/);
      assert.doesNotMatch(e.message, /hunter2|42/);
      assert.equal(e.file, "f.json");
    }
  });

  it("reports malformed JSON with line and column and no content", () => {
    const e = parseError('{\n  "a": "hunter2",\n  "b": }');
    assert.equal(e.code, "PARSE");
    assert.equal(e.line, 3);
    assert.equal(e.col, 8);
    assert.doesNotMatch(e.message, /hunter2/);
    for (const bad of ['{"a":1,}', '{"a" 1}', "{'a':1}", '{"a":tru}', '{"a":01}', '{"a":"x\ny"}', '{"a":1e400}', '{"a":"\\x"}']) {
      assert.equal(parseError(bad).code, "PARSE", bad);
    }
  });

  it("rejects truncated input and trailing garbage (sops would silently drop data)", () => {
    for (const bad of ["", "   ", "{", '{"a":', '{"a":[1,2', '{"a":"b"} xyz', '{"a":"b"}{"c":1}']) {
      assert.equal(parseError(bad).code, "PARSE", JSON.stringify(bad));
    }
    assert.deepEqual(load('\n {"a":"b"} \n\t'), treeMap([{ key: "a", value: "b" }]));
  });

  it("takes the sops object out on loadEncrypted and puts it back last on emitEncrypted", () => {
    const text = '{\n\t"a": "x",\n\t"sops": {\n\t\t"lastmodified": "2024-01-01T00:00:00Z",\n\t\t"version": "3.13.2"\n\t},\n\t"z": 1\n}\n';
    const doc = jsonStore.loadEncrypted(enc(text));
    assert.deepEqual(doc.branches, [treeMap([{ key: "a", value: "x" }, { key: "z", value: 1n }])]);
    assert.deepEqual(doc.metadata, treeMap([{ key: "lastmodified", value: "2024-01-01T00:00:00Z" }, { key: "version", value: "3.13.2" }]));
    assert.equal(
      dec(jsonStore.emitEncrypted(doc)),
      '{\n\t"a": "x",\n\t"z": 1,\n\t"sops": {\n\t\t"lastmodified": "2024-01-01T00:00:00Z",\n\t\t"version": "3.13.2"\n\t}\n}\n',
    );
    assert.equal(jsonStore.hasMetadata(jsonStore.loadPlain(enc(text))[0]!), true);
  });

  it("reports missing, duplicate or non-mapping sops metadata", () => {
    const code = (text: string): string | undefined => {
      try {
        jsonStore.loadEncrypted(enc(text));
      } catch (e) {
        return e instanceof HushError ? e.code : "other";
      }
      return undefined;
    };
    assert.equal(code('{"a":1}'), "METADATA_NOT_FOUND");
    assert.equal(code('{"sops":"x"}'), "METADATA_INVALID");
    assert.equal(code('{"sops":{},"sops":{}}'), "METADATA_INVALID");
  });

  it("refuses to write data that has its own sops key", () => {
    assert.throws(
      () => jsonStore.emitEncrypted({ branches: [treeMap([{ key: "sops", value: "x" }])], metadata: treeMap() }),
      (e) => e instanceof HushError && e.code === "EMIT" && /reserved/.test(e.message),
    );
  });

  it("emitValue: indented JSON with no trailing newline (sops --extract of a non-string)", () => {
    assert.equal(dec(jsonStore.emitValue(treeList([0.1, 2n, -3.25e-9, 1e100]))), "[\n\t0.1,\n\t2,\n\t-3.25e-9,\n\t1e+100\n]");
    assert.equal(dec(jsonStore.emitValue(true)), "true");
    assert.equal(dec(jsonStore.emitValue("a<b")), '"a\\u003cb"');
    assert.equal(dec(jsonStore.emitValue(treeList([]), { indent: 4 })), "[]");
  });
});
