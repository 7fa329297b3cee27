import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { binaryStore } from "../../../src/stores/binary.js";
import { HushError } from "../../../src/errors.js";
import { treeMap } from "../../../src/tree/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("binary store", () => {
  const RAW = new Uint8Array([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0d, 0x0a, 0x41]);

  it("loads the whole file as raw bytes under data", () => {
    assert.deepEqual(binaryStore.loadPlain(RAW), [treeMap([{ key: "data", value: RAW }])]);
  });

  it("loads an empty file as data: \"\" (left unencrypted by sops)", () => {
    assert.deepEqual(binaryStore.loadPlain(new Uint8Array()), [treeMap([{ key: "data", value: "" }])]);
  });

  it("does not share the caller's buffer", () => {
    const input = RAW.slice();
    const [branch] = binaryStore.loadPlain(input);
    input[0] = 9;
    const it0 = branch!.items[0];
    assert.ok(it0 !== undefined && "value" in it0 && it0.value instanceof Uint8Array);
    assert.equal(it0.value[0], 0);
  });

  it("emits the data bytes exactly, with no newline and no UTF-8 round trip", () => {
    assert.deepEqual(binaryStore.emitPlain([treeMap([{ key: "data", value: RAW }])]), RAW);
    assert.deepEqual(binaryStore.emitPlain([treeMap([{ key: "other", value: "x" }, { key: "data", value: "é" }])]), enc("é"));
  });

  it("fails with sops's message and hint when there is no data", () => {
    assert.throws(
      () => binaryStore.emitPlain([treeMap([{ key: "foo", value: "bar" }])]),
      (e) =>
        e instanceof HushError &&
        e.code === "EMIT" &&
        e.exitCode === 4 &&
        e.message === "error emitting binary store: no binary data found in tree" &&
        e.hints[0] === "This is likely not an encrypted binary file? If not, use --output-type to select the correct output type.",
    );
    assert.throws(() => binaryStore.emitPlain([treeMap([{ key: "data", value: 1n }])]), (e) => e instanceof HushError && e.code === "EMIT");
    assert.throws(() => binaryStore.emitPlain([]), (e) => e instanceof HushError && e.code === "EMIT");
  });

  it("writes and reads the encrypted form as the JSON store does", () => {
    const doc = { branches: [treeMap([{ key: "data", value: "ENC[x]" }])], metadata: treeMap([{ key: "version", value: "3.13.2" }]) };
    const out = binaryStore.emitEncrypted(doc);
    assert.equal(dec(out), '{\n\t"data": "ENC[x]",\n\t"sops": {\n\t\t"version": "3.13.2"\n\t}\n}\n');
    assert.deepEqual(binaryStore.loadEncrypted(out), doc);
    assert.equal(dec(binaryStore.emitEncrypted(doc, { indent: 2 })).split("\n")[1], '  "data": "ENC[x]",');
  });

  it("cannot extract a single value", () => {
    assert.throws(() => binaryStore.emitValue("x"), (e) => e instanceof HushError && e.code === "EMIT");
  });
});
