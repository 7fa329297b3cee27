/**
 * Cross-modification against the real sops 3.13.2: `set`, `unset`, `rotate -i` and `updatekeys -y`
 * run by one tool on a file the OTHER tool wrote leave a file both tools open, with the plaintext
 * sops gets by running the same command on an identical copy. After updatekeys (recipient k1
 * removed, k3 added in .sops.yaml) the removed key fails with 128 in both tools and the added one opens it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AgeKey, describeRun, Matrix, Sandbox, sopsConfig, STORE_CASES, type Tool } from "../helpers/interop.js";
import { skipUnlessPeers } from "../helpers/peers.js";

const skip = skipUnlessPeers(["sops", "age-keygen"]);
const matrix = new Matrix("modify (by→then read by)");

let box: Sandbox;
let k1: AgeKey;
let k2: AgeKey;
let k3: AgeKey;

const INPUTS: Record<string, { ext: string; input: string; set: [string, string][]; unset: string }> = {
  yaml: {
    ext: "yaml",
    input: "# head\ndb:\n    user: admin\n    password: Sup3rS3cretValue # line\nlist:\n    - a\n    - 2\nnote_unencrypted: clear\n",
    set: [['["db"]["password"]', '"n3w-pässwörd"'], ['["new"]["nested"]', '{"a": 1, "b": [true, "x"]}'], ['["list"][1]', "3.5"], ['["list"][9]', '"appended"']],
    unset: '["db"]["user"]',
  },
  json: {
    ext: "json",
    input: String(STORE_CASES.find((s) => s.store === "json")?.input),
    set: [['["db"]["password"]', '"n3w"'], ['["port"]', "9090"], ['["new"]', '{"k": null}']],
    unset: '["list"]',
  },
  dotenv: { ext: "env", input: "user=admin\npassword=Sup3rS3cretValue\n", set: [['["password"]', '"n3w"'], ['["added"]', '"v"']], unset: '["user"]' },
  ini: { ext: "ini", input: "[db]\nuser = admin\npassword = Sup3rS3cretValue\n", set: [['["db"]["password"]', '"n3w"']], unset: '["db"]["user"]' },
};

const other = (t: Tool): Tool => (t === "hush" ? "sops" : "hush");

describe("interop: set / unset / rotate / updatekeys by one tool, read by the other", { skip, concurrency: 4 }, () => {
  before(async () => {
    box = new Sandbox("modify");
    [k1, k2, k3] = await Promise.all([box.ageKey("k1"), box.ageKey("k2"), box.ageKey("k3")]);
  });
  after(() => {
    box?.dispose();
    console.log(`\nINTEROP CROSS-MODIFICATION\n${matrix.render()}\n`);
  });

  for (const [store, c] of Object.entries(INPUTS)) {
    for (const op of ["set", "unset", "rotate", "updatekeys"] as const) {
      if (op === "updatekeys" && (store === "dotenv" || store === "ini")) continue;
      for (const by of ["hush", "sops"] as const) {
        const row = `${store} ${op}`;
        matrix.row(row);
        it(`${store}: ${op} by ${by} on a ${other(by)}-written file; both tools read it as sops would`, async () => {
          const dir = `${store}-${op}-${by}`;
          const f = `f.${c.ext}`;
          const ref = `ref.${c.ext}`;
          box.write(`${dir}/.sops.yaml`, sopsConfig([k1.recipient, k2.recipient]));
          box.write(`${dir}/in.${c.ext}`, c.input);
          const env1 = { SOPS_AGE_KEY_FILE: k1.file };
          const w = await box.tool(other(by), ["encrypt", `in.${c.ext}`], { cwd: dir });
          assert.equal(w.code, 0, describeRun(`${other(by)} encrypt`, w));
          box.write(`${dir}/${f}`, w.stdout);
          box.write(`${dir}/${ref}`, w.stdout);

          const cmds: string[][] =
            op === "set" ? c.set.map(([p, v]) => ["set", "@", p, v])
            : op === "unset" ? [["unset", "@", c.unset]]
            : op === "rotate" ? [["rotate", "-i", "@"]]
            : [["updatekeys", "-y", "@"]];
          if (op === "updatekeys") box.write(`${dir}/.sops.yaml`, sopsConfig([k2.recipient, k3.recipient])); // add k3, remove k1
          for (const cmd of cmds) {
            const [m, r] = await Promise.all([
              box.tool(by, cmd.map((a) => (a === "@" ? f : a)), { cwd: dir, env: env1 }),
              box.sops(cmd.map((a) => (a === "@" ? ref : a)), { cwd: dir, env: env1 }),
            ]);
            assert.equal(r.code, 0, describeRun(`sops ${cmd.join(" ")} (reference)`, r));
            assert.equal(m.code, 0, describeRun(`${by} ${cmd.join(" ")}`, m));
          }
          const readEnv = { SOPS_AGE_KEY_FILE: op === "updatekeys" ? k3.file : k1.file };
          const [expected, bySops, byHush] = await Promise.all([
            box.sops(["decrypt", ref], { cwd: dir, env: readEnv }),
            box.sops(["decrypt", f], { cwd: dir, env: readEnv }),
            box.hush(["decrypt", f], { cwd: dir, env: readEnv }),
          ]);
          assert.equal(expected.code, 0, describeRun("sops decrypt of its own result", expected));
          const ok = bySops.code === 0 && byHush.code === 0 && bySops.stdout.equals(expected.stdout) && byHush.stdout.equals(expected.stdout);
          matrix.set(row, `by ${by}`, ok);
          assert.equal(bySops.code, 0, describeRun("sops decrypt", bySops));
          assert.equal(bySops.stdout.toString(), expected.stdout.toString(), "sops reads the modified file");
          assert.equal(byHush.code, 0, describeRun("hush decrypt", byHush));
          assert.equal(byHush.stdout.toString(), expected.stdout.toString(), "hush reads the modified file");

          const after = box.read(`${dir}/${f}`).toString();
          if (op === "rotate") {
            const encs = (t: string): string[] => t.match(/data:[^,]*,iv:[^,]*/g) ?? [];
            const before = encs(w.stdout.toString());
            for (const e of encs(after)) assert.ok(!before.includes(e), "rotate re-encrypted every value with a new data key");
          }
          if (op === "updatekeys") {
            assert.ok(after.includes(k3.recipient) && !after.includes(k1.recipient), "recipients follow the new rule");
            for (const t of ["hush", "sops"] as const) {
              const old = await box.tool(t, ["decrypt", f], { cwd: dir, env: env1 });
              assert.equal(old.code, 128, describeRun(`${t} decrypt with the removed key`, old));
            }
            matrix.set(row, "removed key→128", true);
          }
        });
      }
    }
  }
});
