/**
 * The age plugin client (src/keys/age/plugin.ts) against a scripted plugin: what hush sends in phase 1,
 * how it answers each phase-2 request, and that malformed or truncated plugin output is a typed error
 * (never a hang), with the plugin always closed. The real plugins are in test/interop/age-plugin.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isHushError } from "../../../../src/errors.js";
import { encodeStanza, type Stanza } from "../../../../src/keys/age/format.js";
import { pluginIdentityName, pluginRecipientName, pluginUnwrap, pluginWrap, type PluginHost, type PluginIO } from "../../../../src/keys/age/plugin.js";

const stanza = (type: string, args: string[] = [], body: Uint8Array = new Uint8Array(0)): string => encodeStanza({ type, args, body });
const b64 = (s: string): string => Buffer.from(s).toString("base64").replace(/=+$/, "");

/** A host whose plugin prints `script` (all at once) and records what hush wrote and asked. */
function scripted(script: string, answers: { value?: string | null; confirm?: boolean | null } = {}) {
  const sent: string[] = [];
  const shown: string[] = [];
  const asked: string[] = [];
  let closed = 0;
  const lines = script.split("\n");
  // a script ending in "\n" leaves an empty last element: no line after it
  if (lines[lines.length - 1] === "") lines.pop();
  const host: PluginHost = {
    start(): PluginIO {
      return {
        write: (t) => void sent.push(t),
        readLine: async () => (lines.length > 0 ? (lines.shift() as string) : null),
        close: async () => void closed++,
      };
    },
    message: (_n, t) => void shown.push(t),
    requestValue: async (_n, p, secret) => {
      asked.push(`${secret ? "secret" : "public"}:${p}`);
      return answers.value === undefined ? "1234" : answers.value;
    },
    confirm: async (_n, p, yes, no) => {
      asked.push(`confirm:${p}:${yes}/${no ?? ""}`);
      return answers.confirm === undefined ? true : answers.confirm;
    },
  };
  return { host, sent, shown, asked, closed: () => closed };
}

const FILE_KEY = new Uint8Array(16).fill(9);
const STANZAS: Stanza[] = [{ type: "X25519", args: ["abc"], body: new Uint8Array(32).fill(1) }];

describe("age plugin client", () => {
  it("identity-v1: sends the identity and every stanza, answers msg/secret/confirm/unknown, returns the file key", async () => {
    const p = scripted(
      stanza("msg", [], new Uint8Array(Buffer.from("touch it"))) +
        stanza("request-secret", [], new Uint8Array(Buffer.from("PIN:"))) +
        stanza("confirm", [b64("yes"), b64("no")], new Uint8Array(Buffer.from("sure?"))) +
        stanza("frobnicate") +
        stanza("file-key", ["0"], FILE_KEY) +
        stanza("done"),
    );
    const k = await pluginUnwrap(p.host, "test", "AGE-PLUGIN-TEST-1XYZ", STANZAS);
    assert.deepEqual(k, FILE_KEY);
    assert.deepEqual(p.shown, ["touch it"]);
    assert.deepEqual(p.asked, ["secret:PIN:", "confirm:sure?:yes/no"]);
    assert.equal(
      p.sent.join(""),
      stanza("add-identity", ["AGE-PLUGIN-TEST-1XYZ"]) +
        stanza("recipient-stanza", ["0", "X25519", "abc"], STANZAS[0]!.body) +
        stanza("done") +
        stanza("ok") +
        stanza("ok", [], new Uint8Array(Buffer.from("1234"))) +
        stanza("ok", ["yes"]) +
        stanza("unsupported") +
        stanza("ok"),
    );
    assert.equal(p.closed(), 1);
  });

  it("identity-v1: no file key is null; a refused request is reported to the plugin as fail", async () => {
    const p = scripted(stanza("request-public", [], new Uint8Array(Buffer.from("name?"))) + stanza("done"), { value: null });
    assert.equal(await pluginUnwrap(p.host, "test", "AGE-PLUGIN-TEST-1XYZ", STANZAS), null);
    assert.ok(p.sent.join("").endsWith(stanza("done") + stanza("fail")));
  });

  it("an error stanza is acknowledged, then thrown with the plugin's words on one line", async () => {
    const p = scripted(stanza("error", ["identity"], new Uint8Array(Buffer.from("the key\nis gone"))));
    await assert.rejects(pluginUnwrap(p.host, "test", "AGE-PLUGIN-TEST-1XYZ", STANZAS), (e: unknown) => isHushError(e, "KEY_FORMAT") && e.message === "test plugin: the key is gone");
    assert.ok(p.sent.join("").endsWith(stanza("ok")));
    assert.equal(p.closed(), 1);
  });

  for (const [what, script] of [
    ["output ends before done", stanza("msg", [], new Uint8Array(Buffer.from("hi")))],
    ["a line that is not a stanza", "hello\n"],
    ["a stanza ends in the middle of its body", "-> file-key 0\n" + "A".repeat(64) + "\n"],
    ["a body line longer than 64 columns", "-> file-key 0\n" + "A".repeat(65) + "\n"],
    ["a body that is not base64", "-> file-key 0\n!!!\n"],
    ["a file key of the wrong size", stanza("file-key", ["0"], new Uint8Array(15)) + stanza("done")],
    ["a file key for another file", stanza("file-key", ["1"], FILE_KEY) + stanza("done")],
    ["two file keys", stanza("file-key", ["0"], FILE_KEY) + stanza("file-key", ["0"], FILE_KEY) + stanza("done")],
    ["a malformed confirm", stanza("confirm", ["!!"]) + stanza("done")],
    ["an empty argument", "-> file-key  0\n\n"],
  ] as const) {
    it(`identity-v1: ${what} is a typed error and the plugin is closed`, async () => {
      const p = scripted(script);
      await assert.rejects(pluginUnwrap(p.host, "test", "AGE-PLUGIN-TEST-1XYZ", STANZAS), (e: unknown) => isHushError(e, "KEY_FORMAT") && e.message.startsWith("test plugin: "));
      assert.equal(p.closed(), 1);
    });
  }

  it("recipient-v1: sends recipient, file key, labels extension, done; collects the stanzas", async () => {
    const body = new Uint8Array(48).fill(3); // a full body line: the stanza needs an empty line after it
    const p = scripted(stanza("recipient-stanza", ["0", "piv-p256", "tag"], body) + stanza("labels", ["postquantum"]) + stanza("done"));
    const out = await pluginWrap(p.host, "test", "age1test1xyz", FILE_KEY);
    assert.deepEqual(out, [{ type: "piv-p256", args: ["tag"], body }]);
    assert.equal(p.sent.join(""), stanza("add-recipient", ["age1test1xyz"]) + stanza("wrap-file-key", [], FILE_KEY) + stanza("extension-labels") + stanza("done") + stanza("ok") + stanza("ok"));
  });

  it("recipient-v1: no stanza, or one for another file, is an error", async () => {
    await assert.rejects(pluginWrap(scripted(stanza("done")).host, "test", "age1test1xyz", FILE_KEY), /test plugin: received zero recipient stanzas/);
    await assert.rejects(pluginWrap(scripted(stanza("recipient-stanza", ["1", "x"]) + stanza("done")).host, "test", "age1test1xyz", FILE_KEY), /test plugin: malformed recipient stanza/);
  });

  it("names plugins from their encodings, and nothing else", () => {
    assert.equal(pluginRecipientName("age1yubikey1qqqqqqqqqqqq"), null, "bad checksum");
    assert.equal(pluginIdentityName("AGE-SECRET-KEY-1QQQQ"), null);
  });
});
