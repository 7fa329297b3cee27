import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileMask, Masker, maskPatternsFor, secretForms, type SecretVar } from "../../../../src/workflows/run/index.js";

const b = (s: string): Buffer => Buffer.from(s, "utf8");

/** Reference: every occurrence of every pattern, overlapping ones merged, each run replaced by ***. */
function naive(text: Buffer, patterns: readonly Uint8Array[]): Buffer {
  const iv: [number, number][] = [];
  for (const p of patterns) {
    if (p.length === 0) continue;
    for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + 1)) iv.push([i, i + p.length]);
  }
  iv.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of iv) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s < last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const parts: Buffer[] = [];
  let prev = 0;
  for (const [s, e] of merged) {
    parts.push(text.subarray(prev, s), b("***"));
    prev = e;
  }
  parts.push(text.subarray(prev));
  return Buffer.concat(parts);
}

/** Feeds `text` in chunks of the given sizes (cycled) and returns the whole output. */
function feed(patterns: readonly Uint8Array[], text: Uint8Array, sizes: readonly number[]): Buffer {
  const m = new Masker(compileMask(patterns));
  const out: Uint8Array[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    out.push(m.push(text.subarray(i, i + n)));
    i += n;
  }
  out.push(m.end());
  return Buffer.concat(out);
}

/** Small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("Masker", () => {
  it("replaces each occurrence of a pattern with ***", () => {
    const out = feed([b("hunter22")], b("pw=hunter22; again hunter22."), [1000]);
    assert.equal(out.toString(), "pw=***; again ***.");
  });

  it("gives the same output for 1-byte writes as for one write", () => {
    const pats = [b("s3cr3t-token"), b("PASSWORD")];
    const text = b("a s3cr3t-token b PASSWORD c s3cr3t-toke d PASSWOR");
    const whole = feed(pats, text, [text.length]);
    assert.equal(whole.toString(), "a *** b *** c s3cr3t-toke d PASSWOR");
    assert.deepEqual(feed(pats, text, [1]), whole);
    assert.deepEqual(feed(pats, text, [2, 3, 1, 7]), whole);
  });

  it("masks the union of overlapping and nested occurrences as one ***", () => {
    const pats = [b("abcd"), b("cdef"), b("bc")];
    assert.equal(feed(pats, b("xxabcdefyy"), [1]).toString(), "xx***yy");
    assert.equal(feed(pats, b("xxabcdefyy"), [100]).toString(), "xx***yy");
    // a longer pattern found later that starts before earlier matches swallows them
    assert.equal(feed([b("bc"), b("xabcdz")], b("1xabcdz2"), [1]).toString(), "1***2");
    // adjacent (not overlapping) occurrences stay separate
    assert.equal(feed([b("abcd")], b("abcdabcd"), [3]).toString(), "******");
  });

  it("holds back only bytes that could start a pattern and releases the rest at once", () => {
    const m = new Masker(compileMask([b("abcdef")]));
    assert.equal(Buffer.from(m.push(b("hello ab"))).toString(), "hello ");
    assert.equal(m.pending, 2);
    assert.equal(Buffer.from(m.push(b("c"))).toString(), "");
    assert.equal(Buffer.from(m.push(b("x"))).toString(), "abcx");
    assert.equal(m.pending, 0);
    assert.equal(Buffer.from(m.push(b("\nprompt> "))).toString(), "\nprompt> ");
    assert.equal(Buffer.from(m.push(b("abcde"))).toString(), "");
    assert.equal(Buffer.from(m.end()).toString(), "abcde");
  });

  it("handles bytes above 0x7f and binary data", () => {
    const pat = Buffer.from([0xff, 0x00, 0x80, 0xc3, 0xa9]);
    const text = Buffer.concat([Buffer.from([1, 0xff, 0xff]), pat, Buffer.from([0, 0xff, 0x00])]);
    assert.deepEqual(feed([pat], text, [1]), Buffer.from([1, 0xff, 0xff, 0x2a, 0x2a, 0x2a, 0, 0xff, 0x00]));
  });

  it("matches a reference implementation on random text, patterns and chunkings", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const alphabet = "abc-\n";
      const word = (n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
      const pats = Array.from({ length: 1 + Math.floor(r() * 6) }, () => b(word(2 + Math.floor(r() * 5))));
      const text = b(word(200 + Math.floor(r() * 300)));
      const want = naive(text, pats);
      const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(r() * 9));
      assert.deepEqual(feed(pats, text, sizes).toString(), want.toString(), `seed ${seed}`);
      assert.deepEqual(feed(pats, text, [1]).toString(), want.toString(), `seed ${seed}, 1-byte writes`);
    }
  });
});

describe("secret forms", () => {
  const value = 'p@ss w/"ünï"&<x>!\\';
  const forms = secretForms(value).map((f) => Buffer.from(f).toString("utf8"));

  it("lists the value and its common encodings", () => {
    const raw = b(value);
    const expected = [
      value,
      raw.toString("base64"),
      raw.toString("base64").replace(/=+$/, ""),
      raw.toString("base64url"),
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%20/g, "+"),
      JSON.stringify(value).slice(1, -1),
      "p@ss w/\\\"\\u00fcn\\u00ef\\\"&<x>!\\\\",
      "p@ss w/\\\"ünï\\\"\\u0026\\u003cx\\u003e!\\\\",
      raw.toString("hex"),
      raw.toString("hex").toUpperCase(),
    ];
    for (const e of expected) assert.ok(forms.includes(e), `missing form ${e}`);
    assert.equal(new Set(forms).size, forms.length, "no duplicates");
  });

  it("adds CRLF forms for a multi-line value", () => {
    const f = secretForms("line one\nline two").map((x) => Buffer.from(x).toString());
    assert.ok(f.includes("line one\r\nline two"));
    assert.ok(f.includes(Buffer.from("line one\r\nline two").toString("base64")));
  });

  it("masks every form when it is printed in 1-byte writes", () => {
    const pats = secretForms(value);
    for (const f of pats) {
      const text = Buffer.concat([b("<<"), f, b(">>\n")]);
      assert.equal(feed(pats, text, [1]).toString(), "<<***>>\n", `form ${Buffer.from(f).toString()}`);
    }
  });
});

describe("maskPatternsFor", () => {
  const v = (name: string, value: string, textual = true): SecretVar => ({ name, value, file: "f.yaml", textual });

  it("skips values shorter than the minimum length, counted in characters", () => {
    const pats = maskPatternsFor([v("A", "abc"), v("B", "abcd"), v("C", "ééé")], 4).map((p) => Buffer.from(p).toString());
    assert.ok(!pats.includes("abc"));
    assert.ok(pats.includes("abcd"));
    assert.ok(!pats.includes("ééé"), "3 characters (6 bytes) is still short");
    assert.deepEqual(maskPatternsFor([v("A", "abc")], 3).map((p) => Buffer.from(p).toString())[0], "abc");
  });

  it("does not mask numbers and booleans", () => {
    assert.deepEqual(maskPatternsFor([v("PORT", "5432", false), v("ON", "true", false)], 1), []);
  });
});
