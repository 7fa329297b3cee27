/**
 * ssh recipients against the real sops 3.13.2: `--age "ssh-ed25519 AAAA…"` and `--age "ssh-rsa AAAA…"`
 * with keys from `ssh-keygen -N ''`. A file hush encrypts opens with sops given
 * SOPS_AGE_SSH_PRIVATE_KEY_FILE, and a file sops encrypts opens with hush the same way; a different
 * ssh key fails with 128 in both tools.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeRun, maskEncrypted, Matrix, Sandbox, type SshKey, type Tool } from "../helpers/interop.js";
import { skipUnlessPeers } from "../helpers/peers.js";

const skip = skipUnlessPeers(["sops", "ssh-keygen"]);
const INPUT = "db:\n    password: Sup3rS3cretValue\n    port: 5432\n";
const matrix = new Matrix("ssh recipient");

let box: Sandbox;
const keys: Partial<Record<"ed25519" | "rsa" | "other", SshKey>> = {};

describe("interop: ssh-ed25519 and ssh-rsa recipients", { skip, concurrency: 4 }, () => {
  before(async () => {
    box = new Sandbox("ssh");
    [keys.ed25519, keys.rsa, keys.other] = await Promise.all([
      box.sshKey("id_ed25519", "ed25519"), box.sshKey("id_rsa", "rsa"), box.sshKey("other_ed25519", "ed25519"),
    ]);
    box.write("in.yaml", INPUT);
  });
  after(() => {
    box?.dispose();
    console.log(`\nINTEROP SSH RECIPIENTS\n${matrix.render()}\n`);
  });

  for (const type of ["ed25519", "rsa"] as const) {
    for (const [writer, reader] of [["hush", "sops"], ["sops", "hush"], ["hush", "hush"]] as [Tool, Tool][]) {
      it(`ssh-${type}: ${writer} encrypts, ${reader} decrypts with SOPS_AGE_SSH_PRIVATE_KEY_FILE; another key gives 128`, async () => {
        const k = keys[type] as SshKey;
        const name = `${type}-${writer}-${reader}.enc.yaml`;
        const e = await box.tool(writer, ["encrypt", "--age", k.recipient, "in.yaml"]);
        assert.equal(e.code, 0, describeRun(`${writer} encrypt`, e));
        box.write(name, e.stdout);
        assert.match(e.stdout.toString(), new RegExp(`recipient: ${k.recipient.split(" ").slice(0, 2).join(" ").replace(/[+/]/g, "\\$&")}`));
        const [ok, wrong] = await Promise.all([
          box.tool(reader, ["decrypt", name], { env: { SOPS_AGE_SSH_PRIVATE_KEY_FILE: k.file } }),
          box.tool(reader, ["decrypt", name], { env: { SOPS_AGE_SSH_PRIVATE_KEY_FILE: (keys.other as SshKey).file } }),
        ]);
        matrix.set(`ssh-${type}`, `${writer}→${reader}`, ok.code === 0 && ok.stdout.toString() === INPUT && wrong.code === 128);
        assert.equal(ok.code, 0, describeRun(`${reader} decrypt`, ok));
        assert.equal(ok.stdout.toString(), INPUT);
        assert.equal(wrong.code, 128, describeRun(`${reader} decrypt with another ssh key`, wrong));
        assert.equal(wrong.stdout.length, 0);
      });
    }
    it(`ssh-${type}: hush's encrypted layout equals sops's (random parts masked)`, async () => {
      const k = keys[type] as SshKey;
      const [s, h] = await Promise.all([box.sops(["encrypt", "--age", k.recipient, "in.yaml"]), box.hush(["encrypt", "--age", k.recipient, "in.yaml"])]);
      assert.equal(s.code, 0, describeRun("sops encrypt", s));
      assert.equal(h.code, 0, describeRun("hush encrypt", h));
      matrix.set(`ssh-${type}`, "layout", maskEncrypted(h.stdout) === maskEncrypted(s.stdout));
      assert.equal(maskEncrypted(h.stdout), maskEncrypted(s.stdout));
    });
  }
});
