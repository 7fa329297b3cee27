/**
 * age plugins against the real programs: sops 3.13.2 and two plugins built on age's own plugin package —
 * age-plugin-batchpass (shipped with age v1.3.1) and age-plugin-hushtest (test/helpers/age-plugin-hushtest:
 * X25519 inside the plugin protocol, a message on every call, a PIN request with HUSHTEST_ASK=1).
 * A file either tool encrypts to an `age1hushtest1…` recipient opens with the other given the
 * `AGE-PLUGIN-HUSHTEST-1…` identity; a missing plugin fails alike in both; hush answers the plugin's
 * message and secret requests; and hush's identity-v1 client opens a file age encrypted with batchpass.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { bech32 } from "@scure/base";
import { parse } from "yaml";
import { ageDecryptArmored, parseAgeIdentities } from "../../src/keys/age/index.js";
import { agePluginHost } from "../../src/workflows/files/age-plugins.js";
import type { FileCtx } from "../../src/workflows/files/index.js";
import { type AgeKey, describeRun, Matrix, Sandbox } from "../helpers/interop.js";
import { peer, skipUnlessPeers } from "../helpers/peers.js";

const skip = skipUnlessPeers(["sops", "age", "age-keygen", "age-plugin-hushtest", "age-plugin-batchpass"]);
const INPUT = "db:\n    password: Sup3rS3cretValue\n    port: 5432\n";
const matrix = new Matrix("age plugins");

const words = (s: string): number[] => bech32.toWords(new Uint8Array(Buffer.from(s)));

describe("interop: age plugins", { skip, concurrency: 1 }, () => {
  let box: Sandbox;
  let native: AgeKey;
  let recipient: string;
  before(async () => {
    box = new Sandbox("age-plugin");
    native = await box.ageKey("native");
    // the plugin's recipient and identity carry the native X25519 ones as their data
    recipient = bech32.encode("age1hushtest", words(native.recipient), false);
    box.write("keys/plugin.txt", `# hushtest plugin identity\n${bech32.encode("age-plugin-hushtest-", words(native.identity), false).toUpperCase()}\n`);
    box.write("in.yaml", INPUT);
  });
  after(() => {
    box?.dispose();
    console.log(`\nINTEROP AGE PLUGINS\n${matrix.render()}\n`);
  });

  for (const [writer, reader] of [["hush", "sops"], ["sops", "hush"], ["hush", "hush"]] as const) {
    it(`${writer} encrypts to a plugin recipient; ${reader} decrypts with the plugin identity`, async () => {
      const e = await box.tool(writer, ["encrypt", "--age", recipient, "in.yaml"]);
      assert.equal(e.code, 0, describeRun(`${writer} encrypt`, e));
      const file = `${writer}-to-${reader}.enc.yaml`;
      box.write(file, e.stdout);
      // the metadata names the plugin recipient, and its stanza is the plugin's (X25519 inside)
      assert.match(e.stdout.toString(), new RegExp(`recipient: ${recipient}`));
      const d = await box.tool(reader, ["decrypt", file], { env: { SOPS_AGE_KEY_FILE: box.path("keys/plugin.txt") } });
      matrix.set(`${writer} writes (plugin recipient)`, `${reader} reads (plugin identity)`, d.code === 0 && d.stdout.toString() === INPUT);
      assert.equal(d.code, 0, describeRun(`${reader} decrypt`, d));
      assert.equal(d.stdout.toString(), INPUT);
      if (reader === "hush") assert.match(d.stderr.toString(), /^hush: hushtest plugin: unwrapping with hushtest$/m, "the plugin's message is shown, not as a warning");
    });
  }

  it("without the plugin program both tools fail with 128, and hush names the missing program", async () => {
    const e = await box.hush(["encrypt", "--age", recipient, "in.yaml"]);
    box.write("noplugin.enc.yaml", e.stdout);
    // PATH without the go bin directory, where the plugins are
    const path = (process.env["PATH"] ?? "").split(":").filter((d) => !d.endsWith("/go/bin")).join(":");
    const sopsBin = peer("sops") as string;
    box.write("bin/sops", readFileSync(sopsBin));
    spawnSync("chmod", ["755", box.path("bin/sops")]);
    const env = { SOPS_AGE_KEY_FILE: box.path("keys/plugin.txt"), PATH: `${box.path("bin")}:${path}` };
    const [h, s] = await Promise.all([box.hush(["decrypt", "noplugin.enc.yaml"], { env }), box.sops(["decrypt", "noplugin.enc.yaml"], { env })]);
    matrix.set("plugin not installed", "exit codes", `hush ${h.code} / sops ${s.code}`);
    assert.equal(h.code, 128, describeRun("hush decrypt without the plugin", h));
    assert.equal(s.code, h.code, describeRun("sops decrypt without the plugin", s));
    assert.match(h.stderr.toString(), /"hushtest" plugin not found: age-plugin-hushtest is not on PATH/);
    assert.equal(h.stdout.length, 0);
  });

  it("answers the plugin's secret request (a PIN), and a wrong answer is the plugin's error", async () => {
    const armored = (await box.hush(["encrypt", "--age", recipient, "--output", "pin.enc.yaml", "in.yaml"])).code;
    assert.equal(armored, 0);
    const entry = (parse(box.read("pin.enc.yaml").toString()) as { sops: { age: { enc: string }[] } }).sops.age[0]?.enc;
    assert.ok(entry !== undefined, "the age entry of the file");
    const identities = parseAgeIdentities(box.read("keys/plugin.txt").toString(), "plugin.txt", undefined);
    const asked: string[] = [];
    const ctx = (answer: string | null): FileCtx => ({
      cwd: box.dir,
      env: { ...box.env, HUSHTEST_ASK: "1" },
      now: () => new Date(),
      randomBytes: (n) => new Uint8Array(n),
      readStdin: async () => new Uint8Array(),
      prompt: async (q) => {
        asked.push(q);
        return answer;
      },
      warn: () => {},
    });
    const withHost = (answer: string | null) => parseAgeIdentities(box.read("keys/plugin.txt").toString(), "plugin.txt", agePluginHost(ctx(answer)));
    const key = await ageDecryptArmored(entry, withHost("1234"));
    assert.equal(key?.length, 32, "the 32-byte data key");
    assert.match(asked[0] ?? "", /^hushtest plugin: PIN: $/);
    await assert.rejects(ageDecryptArmored(entry, withHost("0000")), /hushtest plugin: wrong PIN/);
    await assert.rejects(ageDecryptArmored(entry, withHost(null)), /hushtest plugin:/, "no terminal: the request fails");
    await assert.rejects(ageDecryptArmored(entry, identities), /age plugins cannot be run here/);
    matrix.set("request-secret (PIN)", "right / wrong / none", "ok");
  });

  it("says it is waiting when the plugin is silent for 5 s (a token to touch)", async () => {
    const e = await box.hush(["encrypt", "--age", recipient, "--output", "slow.enc.yaml", "in.yaml"]);
    assert.equal(e.code, 0);
    const d = await box.hush(["decrypt", "slow.enc.yaml"], { env: { SOPS_AGE_KEY_FILE: box.path("keys/plugin.txt"), HUSHTEST_SLEEP: "6" } });
    assert.equal(d.code, 0, describeRun("hush decrypt with a slow plugin", d));
    assert.equal(d.stdout.toString(), INPUT);
    assert.match(d.stderr.toString(), /^hush: waiting on hushtest plugin\.\.\.$/m);
  });

  it("opens a file age encrypted with age-plugin-batchpass (age's own plugin) through identity-v1", async () => {
    const age = peer("age") as string;
    const payload = "a payload for batchpass\n";
    const env = { ...box.env, AGE_PASSPHRASE: "correct horse battery staple", AGE_PASSPHRASE_WORK_FACTOR: "10" };
    const enc = spawnSync(age, ["-e", "-a", "-j", "batchpass"], { input: payload, env, encoding: "utf8" });
    assert.equal(enc.status, 0, enc.stderr);
    const identity = bech32.encode("age-plugin-batchpass-", [], false).toUpperCase();
    const host = (pass: string) =>
      agePluginHost({ cwd: box.dir, env: { ...env, AGE_PASSPHRASE: pass }, now: () => new Date(), randomBytes: (n) => new Uint8Array(n), readStdin: async () => new Uint8Array(), prompt: async () => null, warn: () => {} });
    const out = await ageDecryptArmored(enc.stdout, parseAgeIdentities(identity, "env", host("correct horse battery staple")));
    assert.equal(Buffer.from(out ?? []).toString(), payload);
    await assert.rejects(ageDecryptArmored(enc.stdout, parseAgeIdentities(identity, "env", host("wrong"))), /batchpass plugin: incorrect passphrase/);
    matrix.set("age-plugin-batchpass (age v1.3.1)", "identity-v1", "ok");
  });
});
