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

  it("groups add / delete by either tool leave a file the other opens, values, MAC and lastmodified untouched", async () => {
    type Meta = { sops: { key_groups?: unknown[]; age?: unknown[]; shamir_threshold?: number; mac: string; lastmodified: string } };
    const meta = (rel: string): Meta["sops"] => (parse(box.read(rel).toString()) as Meta).sops;
    const values = (rel: string): unknown => {
      const doc = parse(box.read(rel).toString()) as Record<string, unknown>;
      delete doc["sops"];
      return doc;
    };
    const k1 = keys[0] as AgeKey;
    const k2 = keys[1] as AgeKey;
    const k3 = keys[2] as AgeKey;
    for (const [tool, peerTool] of [["hush", "sops"], ["sops", "hush"]] as const) {
      // one group (k1), then add group k2 (threshold 0: both needed), then add k3 with threshold 2 -> 2-of-3
      const dir = `grp-${tool}`;
      box.write(`${dir}/in.yaml`, INPUT);
      const e = await box.tool(peerTool, ["encrypt", "--age", k1.recipient, "--output", "f.yaml", "in.yaml"], { cwd: dir });
      assert.equal(e.code, 0, describeRun(`${peerTool} encrypt`, e));
      const before = meta(`${dir}/f.yaml`);
      const beforeValues = values(`${dir}/f.yaml`);
      const a1 = await box.tool(tool, ["groups", "add", "--file", "f.yaml", "--age", k2.recipient, "-i"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: k1.file } });
      assert.equal(a1.code, 0, describeRun(`${tool} groups add`, a1));
      assert.equal(a1.stdout.length, 0, "-i prints nothing");
      assert.equal(meta(`${dir}/f.yaml`).key_groups?.length, 2);
      const both = box.keyFile(`${dir}/k12.txt`, [k1, k2]);
      for (const [env, want] of [[k1.file, 128], [k2.file, 128], [both, 0]] as const) {
        const r = await box.tool(peerTool, ["decrypt", "f.yaml"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: env } });
        assert.equal(r.code, want, describeRun(`${peerTool} decrypt after ${tool} groups add (2 groups, all needed)`, r));
        if (want === 0) assert.equal(r.stdout.toString(), INPUT);
      }
      const a2 = await box.tool(tool, ["groups", "add", "-f", "f.yaml", "--age", k3.recipient, "--shamir-secret-sharing-threshold", "2", "-i"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: both } });
      assert.equal(a2.code, 0, describeRun(`${tool} groups add (threshold 2)`, a2));
      const after = meta(`${dir}/f.yaml`);
      assert.equal(after.key_groups?.length, 3);
      assert.equal(after.shamir_threshold, 2);
      assert.equal(after.mac, before.mac, "the MAC is not touched");
      assert.equal(after.lastmodified, before.lastmodified, "lastmodified is not touched");
      assert.deepEqual(values(`${dir}/f.yaml`), beforeValues, "every value keeps its ciphertext");
      const pair13 = box.keyFile(`${dir}/k13.txt`, [k1, k3]);
      for (const [env, want] of [[pair13, 0], [k3.file, 128]] as const) {
        const r = await box.tool(peerTool, ["decrypt", "f.yaml"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: env } });
        matrix.set("groups add 1→3, 2-of-3", `${tool}→${peerTool} ${want === 0 ? "keys 13" : "key 3 alone"}`, r.code === want);
        assert.equal(r.code, want, describeRun(`${peerTool} decrypt after ${tool} groups add (2-of-3)`, r));
        if (want === 0) assert.equal(r.stdout.toString(), INPUT);
      }
      // delete group 1 (k2): k1 and k3 remain, 2 of 2
      const d = await box.tool(tool, ["groups", "delete", "--file", "f.yaml", "1"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: pair13 } });
      assert.equal(d.code, 0, describeRun(`${tool} groups delete`, d));
      box.write(`${dir}/d.yaml`, d.stdout);
      assert.equal(meta(`${dir}/d.yaml`).key_groups?.length, 2);
      const r = await box.tool(peerTool, ["decrypt", "d.yaml"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: pair13 } });
      matrix.set("groups delete 3→2", `${tool}→${peerTool}`, r.code === 0 && r.stdout.toString() === INPUT);
      assert.equal(r.code, 0, describeRun(`${peerTool} decrypt after ${tool} groups delete`, r));
      assert.equal(r.stdout.toString(), INPUT);
      const only2 = await box.tool(peerTool, ["decrypt", "d.yaml"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: box.keyFile(`${dir}/k23.txt`, [k2, k3]) } });
      assert.equal(only2.code, 128, describeRun("the deleted group's key no longer helps", only2));
      // deleting down to one group with threshold 2 is refused by both, and the file is not changed
      const bytes = box.read(`${dir}/d.yaml`);
      const x = await box.tool(tool, ["groups", "delete", "-f", "d.yaml", "-i", "0"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: pair13 } });
      assert.notEqual(x.code, 0, describeRun(`${tool} groups delete below the threshold`, x));
      assert.match(x.stderr.toString(), /Shamir threshold/);
      assert.ok(box.read(`${dir}/d.yaml`).equals(bytes), "file unchanged");
    }
  });
});
