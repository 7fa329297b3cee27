import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HushError } from "../../../../src/errors.js";
import { encryptFile, rotateFile, setValue } from "../../../../src/workflows/files/index.js";
import { fingerprintBytes, fingerprintFile, fingerprintKey } from "../../../../src/workflows/fingerprint/index.js";
import { testRepo } from "../bulk/_ctx.js";

const enc = new TextEncoder();

describe("fingerprint", () => {
  it("is HKDF-SHA256(data key, info 'hush fingerprint v1') then HMAC-SHA256, first 16 hex (vector from Python's hmac)", () => {
    const key = fingerprintKey(new Uint8Array(Array.from({ length: 32 }, (_, i) => i)));
    assert.equal(Buffer.from(key).toString("hex"), "e7a4d8e95fc487ac1ba79b0a562bf17b0b9381a6ca4f034770284de94f6ba0b8");
    assert.equal(fingerprintBytes(key, enc.encode("hunter2")), "10fd23957c1d476d");
    assert.equal(fingerprintBytes(key, new Uint8Array()), "8b5273b846f7b1cd");
  });

  it("lists every leaf, stays the same when the file is re-encrypted with its data key, and changes on rotate", async () => {
    const r = testRepo("hush-fp-");
    const plain = join(r.dir, "s.yaml");
    writeFileSync(plain, "db:\n  password: hunter2\n  port: 5432\nlist: [a, null]\n");
    const file = join(r.dir, "s.enc.yaml");
    writeFileSync(file, await encryptFile(r.ctx, { file: plain, age: r.recipient }));
    const before = await fingerprintFile(r.ctx, { file });
    assert.deepEqual(before.lines.map((l) => l.keyPath), ['["db"]["password"]', '["db"]["port"]', '["list"][0]', '["list"][1]']);
    for (const l of before.lines) assert.match(l.fingerprint, /^[0-9a-f]{16}$/);
    // the value's text decides, not its type: 5432 (int) is the bytes "5432"; null is ""
    const v = (s: string) => fingerprintFile(r.ctx, { file, value: enc.encode(s) });
    assert.equal((await v("5432")).given, before.lines[1]!.fingerprint);
    assert.equal((await v("")).given, before.lines[3]!.fingerprint);

    const cipherBefore = readFileSync(file, "utf8");
    writeFileSync(file, (await setValue(r.ctx, { file }, '["other"]', '"x"'))!);
    assert.notEqual(readFileSync(file, "utf8"), cipherBefore);
    const after = await fingerprintFile(r.ctx, { file, keyPath: '["db"]' });
    assert.deepEqual(after.lines, before.lines.slice(0, 2));

    writeFileSync(file, await rotateFile(r.ctx, { file }));
    const rotated = await fingerprintFile(r.ctx, { file, keyPath: '["db"]' });
    assert.notEqual(rotated.lines[0]!.fingerprint, before.lines[0]!.fingerprint);
    assert.notEqual(rotated.lines[1]!.fingerprint, before.lines[1]!.fingerprint);
  });

  it("compares a copy from elsewhere with one value, and never puts the value in an error", async () => {
    const r = testRepo("hush-fp-");
    const plain = join(r.dir, "s.yaml");
    writeFileSync(plain, "token: s3cr3t\nmap: {a: b}\n");
    const file = join(r.dir, "s.enc.yaml");
    writeFileSync(file, await encryptFile(r.ctx, { file: plain, age: r.recipient }));
    assert.equal((await fingerprintFile(r.ctx, { file, keyPath: '["token"]', value: enc.encode("s3cr3t") })).matches, true);
    assert.equal((await fingerprintFile(r.ctx, { file, keyPath: '["token"]', value: enc.encode("s3cr3t\n") })).matches, false);
    await assert.rejects(fingerprintFile(r.ctx, { file, keyPath: '["map"]', value: enc.encode("x") }), (e: unknown) => e instanceof HushError && e.code === "USAGE");
    await assert.rejects(fingerprintFile(r.ctx, { file, keyPath: '["nope"]' }), (e: unknown) => e instanceof HushError && e.file === file && !e.message.includes("s3cr3t"));
  });
});
