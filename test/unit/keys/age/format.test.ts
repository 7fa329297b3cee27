// The C2SP CCTV age vectors (npm `cctv-age`) through hush's native age reader (format.ts, armor.ts,
// x25519.ts, scrypt.ts, hybrid.ts — whose KEM is typage's). Each vector names the identity, the expected outcome class and the SHA-256 of every
// plaintext byte released, even when decryption then fails. Vector kinds hush does not read natively
// are in SKIP with the reason.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import * as cctv from "cctv-age";
import { armorDecode, armorEncode } from "../../../../src/keys/age/armor.js";
import { AgeFileError, decryptAgeFileDetailed, encodeAgeFile, parseHeader, streamDecrypt, streamEncrypt } from "../../../../src/keys/age/format.js";
import type { StanzaIdentity } from "../../../../src/keys/age/format.js";
import { HybridIdentity } from "../../../../src/keys/age/hybrid.js";
import { ScryptIdentity } from "../../../../src/keys/age/scrypt.js";
import { X25519Identity, decodeX25519Identity } from "../../../../src/keys/age/x25519.js";

interface Vector {
  name: string;
  expect: string;
  payload: string;
  identities: string[];
  passphrases: string[];
  armored: boolean;
  fileKey: string | undefined;
  body: Uint8Array;
}

function parseVector(name: string, raw: Uint8Array): Vector {
  const buf = Buffer.from(raw);
  const split = buf.indexOf("\n\n");
  const head = buf.subarray(0, split).toString("utf8").split("\n");
  const get = (k: string): string[] => head.filter((l) => l.startsWith(`${k}: `)).map((l) => l.slice(k.length + 2));
  let body: Uint8Array = buf.subarray(split + 2);
  if (get("compressed")[0] === "zlib") body = inflateSync(body);
  return {
    name,
    expect: get("expect")[0] ?? "",
    payload: get("payload")[0] ?? "",
    identities: get("identity"),
    passphrases: get("passphrase"),
    armored: get("armored")[0] === "yes",
    fileKey: get("file key")[0],
    body,
  };
}

/** Vector kinds hush's reader does not handle, with the reason (none at the moment). */
const SKIP: { test: (v: Vector) => boolean; reason: string }[] = [];

const vectors = Object.entries(cctv as unknown as Record<string, Uint8Array>)
  .filter(([, v]) => v instanceof Uint8Array)
  .map(([name, raw]) => parseVector(name, raw));

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

type Outcome = { kind: "success" | "no match" | "HMAC failure" | "header failure" | "payload failure" | "armor failure"; released: Uint8Array };

async function run(v: Vector): Promise<Outcome> {
  const none = new Uint8Array(0);
  try {
    const file = v.armored ? armorDecode(Buffer.from(v.body).toString("latin1")) : v.body;
    const ids: StanzaIdentity[] = v.identities.map((s) => {
      if (s.startsWith("AGE-SECRET-KEY-PQ-1")) return new HybridIdentity(s);
      const scalar = decodeX25519Identity(s);
      assert.ok(scalar, `${v.name}: identity decodes`);
      return new X25519Identity(scalar);
    });
    ids.push(...v.passphrases.map((p) => new ScryptIdentity(p)));
    const r = await decryptAgeFileDetailed(file, ids);
    if (r === null) return { kind: "no match", released: none };
    if (r.error !== null) return { kind: "payload failure", released: r.plaintext };
    return { kind: "success", released: r.plaintext };
  } catch (e) {
    if (!(e instanceof AgeFileError)) throw e;
    const kind = ({ armor: "armor failure", header: "header failure", hmac: "HMAC failure", payload: "payload failure" } as const)[e.failure];
    return { kind, released: none };
  }
}

describe("CCTV age vectors through the native reader", () => {
  it("has the vector set", () => assert.ok(vectors.length > 100));
  it("includes the post-quantum hybrid vectors", () => assert.ok(vectors.filter((v) => v.name.includes("hybrid")).length >= 19));
  for (const v of vectors) {
    const skip = SKIP.find((s) => s.test(v));
    it(`${v.name}: ${v.expect}`, { skip: skip?.reason ?? false }, async () => {
      const got = await run(v);
      assert.equal(got.kind, v.expect);
      if (v.expect === "success" || v.expect === "payload failure") assert.equal(sha256(got.released), v.payload);
    });
  }
});

describe("round trips on the CCTV vectors", () => {
  for (const v of vectors) {
    if (SKIP.some((s) => s.test(v))) continue;
    if (v.armored && v.expect === "success") {
      it(`${v.name}: armor re-encodes to the canonical form`, () => {
        const bin = armorDecode(Buffer.from(v.body).toString("latin1"));
        assert.deepEqual(armorDecode(armorEncode(bin)), bin);
        assert.match(armorEncode(bin), /\n-----END AGE ENCRYPTED FILE-----\n$/);
      });
    }
    if (!v.armored && v.expect === "success" && v.fileKey !== undefined) {
      it(`${v.name}: STREAM re-encrypts to the same bytes`, () => {
        const h = parseHeader(v.body);
        const fileKey = Buffer.from(v.fileKey ?? "", "hex");
        const nonce = v.body.subarray(h.payloadOffset, h.payloadOffset + 16);
        const ct = v.body.subarray(h.payloadOffset + 16);
        const pt = streamDecrypt(fileKey, nonce, ct);
        assert.equal(pt.error, null);
        assert.deepEqual(Buffer.from(streamEncrypt(fileKey, nonce, pt.plaintext)), Buffer.from(ct));
      });
    }
  }
});

describe("encodeAgeFile", () => {
  it("writes a file the reader opens, for empty, one-chunk and multi-chunk payloads", async () => {
    const id = new X25519Identity(new Uint8Array(32).fill(7));
    const { x25519Wrap, decodeX25519Recipient } = await import("../../../../src/keys/age/x25519.js");
    for (const size of [0, 1, 32, 65536, 65537, 3 * 65536]) {
      const payload = new Uint8Array(size).map((_, i) => i & 0xff);
      const fileKey = new Uint8Array(16).fill(9);
      const file = encodeAgeFile(fileKey, [x25519Wrap(decodeX25519Recipient(id.recipient), fileKey)], payload);
      const r = await decryptAgeFileDetailed(file, [id]);
      assert.ok(r);
      assert.equal(r.error, null);
      assert.deepEqual(Buffer.from(r.plaintext), Buffer.from(payload));
    }
  });
});
