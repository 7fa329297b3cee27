/**
 * Key groups + Shamir 2-of-3 against the real sops 3.13.2: three age keys in three `key_groups`
 * with `shamir_threshold: 2`. A file either tool writes opens with the other given any 2 of the 3
 * keys (one key file holding two identities), and ONE key alone fails in BOTH tools with exit 128.
 * The metadata block hush writes has the same shape as sops's (key_groups entries with `age:` and
 * `hc_vault: []`, shamir_threshold), compared parsed and byte for byte with random parts masked.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { type AgeKey, describeRun, maskEncrypted, Matrix, Sandbox } from "../helpers/interop.js";
import { skipUnlessPeers } from "../helpers/peers.js";

const skip = skipUnlessPeers(["sops", "age-keygen"]);
const INPUT = "db:\n    password: Sup3rS3cretValue\n    port: 5432\nlist:\n    - a\n    - 1.5\n";
const matrix = new Matrix("shamir 2-of-3");

let box: Sandbox;
let keys: AgeKey[];

/** The shape of a parsed value: strings become "<str>", so only key names, nesting and other scalars remain. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v === "string" ? "<str>" : v;
}

describe("interop: key groups with Shamir 2-of-3", { skip, concurrency: 4 }, () => {
  const files: Record<"hush" | "sops", Buffer> = { hush: Buffer.alloc(0), sops: Buffer.alloc(0) };
  before(async () => {
    box = new Sandbox("groups");
    keys = await Promise.all([box.ageKey("k1"), box.ageKey("k2"), box.ageKey("k3")]);
    box.write(
      ".sops.yaml",
      `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n${keys.map((k) => `      - age:\n          - ${k.recipient}\n`).join("")}`,
    );
    box.write("in.yaml", INPUT);
    const [s, h] = await Promise.all([box.sops(["encrypt", "in.yaml"]), box.hush(["encrypt", "in.yaml"])]);
    assert.equal(s.code, 0, describeRun("sops encrypt", s));
    assert.equal(h.code, 0, describeRun("hush encrypt", h));
    files.sops = s.stdout;
    files.hush = h.stdout;
    box.write("sops.enc.yaml", s.stdout);
    box.write("hush.enc.yaml", h.stdout);
    for (const [i, j] of [[0, 1], [0, 2], [1, 2]] as const) box.keyFile(`keys/pair-${i + 1}${j + 1}.txt`, [keys[i] as AgeKey, keys[j] as AgeKey]);
  });
  after(() => {
    box?.dispose();
    console.log(`\nINTEROP KEY GROUPS + SHAMIR 2-of-3\n${matrix.render()}\n`);
  });

  it("hush writes the same metadata layout as sops for the same key_groups config", () => {
    const sopsMeta = (parse(files.sops.toString()) as { sops: Record<string, unknown> }).sops;
    const hushMeta = (parse(files.hush.toString()) as { sops: Record<string, unknown> }).sops;
    assert.deepEqual(Object.keys(hushMeta), Object.keys(sopsMeta));
    assert.equal(hushMeta["shamir_threshold"], 2);
    assert.deepEqual(shape(hushMeta), shape(sopsMeta));
    const groups = hushMeta["key_groups"] as { age: { recipient: string }[]; hc_vault: unknown[] }[];
    assert.equal(groups.length, 3);
    groups.forEach((g, i) => {
      assert.deepEqual(Object.keys(g), ["age", "hc_vault"]);
      assert.deepEqual(g.hc_vault, []);
      assert.equal(g.age[0]?.recipient, keys[i]?.recipient);
    });
    assert.equal(maskEncrypted(files.hush), maskEncrypted(files.sops));
    matrix.set("metadata layout", "hush vs sops", true);
  });

  for (const writer of ["hush", "sops"] as const) {
    for (const reader of ["hush", "sops"] as const) {
      for (const pair of ["12", "13", "23"]) {
        matrix.row(`${writer} writes, ${reader} reads`);
        it(`${writer}-written file opens with ${reader} given keys ${pair[0]} and ${pair[1]}`, async () => {
          const env = { SOPS_AGE_KEY_FILE: box.path(`keys/pair-${pair}.txt`) };
          const [ref, r] = await Promise.all([
            box.sops(["decrypt", "sops.enc.yaml"], { env }),
            box.tool(reader, ["decrypt", `${writer}.enc.yaml`], { env }),
          ]);
          assert.equal(ref.code, 0, describeRun("sops decrypt (reference)", ref));
          matrix.set(`${writer} writes, ${reader} reads`, `keys ${pair}`, r.code === 0 && r.stdout.equals(ref.stdout));
          assert.equal(r.code, 0, describeRun(`${reader} decrypt`, r));
          assert.equal(r.stdout.toString(), ref.stdout.toString());
          assert.equal(r.stdout.toString(), INPUT);
        });
      }
      for (const one of [1, 2, 3]) {
        it(`${writer}-written file does not open with ${reader} given only key ${one} (exit 128)`, async () => {
          const r = await box.tool(reader, ["decrypt", `${writer}.enc.yaml`], { env: { SOPS_AGE_KEY_FILE: (keys[one - 1] as AgeKey).file } });
          matrix.set(`${writer} writes, ${reader} reads`, `key ${one} alone`, r.code === 128 ? "ok(128)" : `FAIL(${r.code})`);
          assert.equal(r.code, 128, describeRun(`${reader} decrypt with one key`, r));
          assert.equal(r.stdout.length, 0);
          if (reader === "hush") assert.ok(!r.stderr.toString().includes("AGE-SECRET-KEY"), "no key material in the error");
        });
      }
    }
  }

  it("updatekeys by either tool keeps a Shamir file the other opens with 2 keys", async () => {
    for (const [tool, peerTool] of [["hush", "sops"], ["sops", "hush"]] as const) {
      // Re-running updatekeys with an unchanged config is a no-op for sops; make it change: drop to 2-of-2 on k1,k2.
      box.write(
        "upd/.sops.yaml",
        `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n${keys.slice(0, 2).map((k) => `      - age:\n          - ${k.recipient}\n`).join("")}`,
      );
      box.write(`upd/f-${tool}.yaml`, tool === "hush" ? files.sops : files.hush); // each tool updates the other's file
      const env = { SOPS_AGE_KEY_FILE: box.path("keys/pair-12.txt") };
      const u = await box.tool(tool, ["updatekeys", "-y", `f-${tool}.yaml`], { cwd: "upd", env });
      assert.equal(u.code, 0, describeRun(`${tool} updatekeys`, u));
      const r = await box.tool(peerTool, ["decrypt", `f-${tool}.yaml`], { cwd: "upd", env });
      matrix.set(`updatekeys 3→2 groups`, `${tool}→${peerTool}`, r.code === 0 && r.stdout.toString() === INPUT);
      assert.equal(r.code, 0, describeRun(`${peerTool} decrypt after ${tool} updatekeys`, r));
      assert.equal(r.stdout.toString(), INPUT);
      const meta = (parse(box.read(`upd/f-${tool}.yaml`).toString()) as { sops: { key_groups: unknown[] } }).sops;
      assert.equal(meta.key_groups.length, 2);
      const k3 = await box.tool(peerTool, ["decrypt", `f-${tool}.yaml`], { cwd: "upd", env: { SOPS_AGE_KEY_FILE: box.keyFile("keys/k1k3.txt", [keys[0] as AgeKey, keys[2] as AgeKey]) } });
      assert.equal(k3.code, 128, describeRun("removed group's key no longer helps", k3));
    }
  });
});
