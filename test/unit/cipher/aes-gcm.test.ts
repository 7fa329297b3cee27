/**
 * parseEnc splits an `ENC[...]` string with lastIndexOf when it can; the split must be the one
 * sops's greedy regex makes. Checked on sops-shaped values and on generated strings built from the
 * separators themselves (repeated, reordered, empty groups), seeded (HUSH_FUZZ_SEED).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEnc } from "../../../src/cipher/aes-gcm.js";
import { Rng } from "../../helpers/mutate.js";

const SEED = Number(process.env["HUSH_FUZZ_SEED"] ?? 20261123);
// sops's `encre`, as the reference for where the groups split.
const SOPS_RE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/s;

type Outcome = { data: string; iv: string; tag: string; type: string } | { error: string };

function viaParseEnc(s: string): Outcome {
  try {
    const v = parseEnc(s);
    const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
    return { data: b64(v.data), iv: b64(v.iv), tag: b64(v.tag), type: v.type };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** What parseEnc must return: the regex's groups, each decoded as canonical base64. */
function reference(s: string): Outcome {
  const m = SOPS_RE.exec(s);
  if (m === null) return { error: "value does not match sops' data format (ENC[AES256_GCM,...])" };
  const parts = [m[1], m[2], m[3]] as string[];
  const names = ["data", "iv", "tag"];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const p = parts[i] as string;
    const clean = p.replace(/[\r\n]/g, "");
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) return { error: `malformed encrypted value: ${names[i]} is not valid base64` };
    out.push(Buffer.from(clean, "base64").toString("base64"));
  }
  return { data: out[0] as string, iv: out[1] as string, tag: out[2] as string, type: m[4] as string };
}

describe("parseEnc", () => {
  it("splits a sops value as sops's regex does", () => {
    const s = "ENC[AES256_GCM,data:aGVsbG8=,iv:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=,tag:YWJjZGVmZ2hpamtsbW5vcA==,type:str]";
    assert.deepEqual(viaParseEnc(s), reference(s));
    assert.equal((viaParseEnc(s) as { type: string }).type, "str");
  });

  it("agrees with the regex on 50,000 strings made of its separators", () => {
    const r = new Rng(SEED);
    const PIECES = [",iv:", ",tag:", ",type:", "]", "[", ",", ":", "AAAA", "QQ==", "QUI=", "", "x", "\n", "ENC[AES256_GCM,data:", "type:", "iv:", "=", "é"];
    for (let i = 0; i < 50_000; i++) {
      let s = r.chance(0.9) ? "ENC[AES256_GCM,data:" : r.pick(["ENC[AES256_GCM,data", "ENC[AES256_GCM,dat:", ""]);
      for (let k = 1 + r.int(10); k > 0; k--) s += r.pick(PIECES);
      if (r.chance(0.5)) s += r.pick(["AAAA,iv:AAAA,tag:AAAA,type:str]", ",iv:QQ==,tag:QQ==,type:int]", "]", ",type:]", "]x", ""]);
      assert.deepEqual(viaParseEnc(s), reference(s), JSON.stringify(s));
    }
  });
});
