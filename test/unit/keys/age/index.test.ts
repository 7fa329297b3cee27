// The public age API against real data: sops's fixtures (keys/age-unit, sops-age, humphd,
// sops-nix), typage (age-encryption) in both directions, and the real age CLI in both directions.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Decrypter, Encrypter, armor, generateHybridIdentity as typageHybridIdentity, generateIdentity, identityToRecipient } from "age-encryption";
import { parse as parseYaml } from "yaml";
import { bech32 } from "@scure/base";
import { isHushError } from "../../../../src/errors.js";
import {
  ageDecryptArmored,
  ageEncryptArmored,
  ageMasterKey,
  generateHybridIdentity,
  generateX25519Identity,
  hybridRecipientOf,
  parseAgeIdentities,
  parseAgeRecipient,
  sshIdentityFromPrivateKey,
  x25519RecipientOf,
} from "../../../../src/keys/age/index.js";
import { parseIdentitySource } from "../../../../src/keys/age/identities.js";
import { parseHeader } from "../../../../src/keys/age/format.js";

const FIX = resolve(process.cwd(), "../shared/fixtures/sops");
const fx = (p: string): string => readFileSync(join(FIX, p), "utf8");
const hex = (b: Uint8Array | null): string => Buffer.from(b ?? new Uint8Array(0)).toString("hex");
const DATA = new TextEncoder().encode("data");

describe("sops age-unit fixtures", () => {
  it("decrypts mock-encrypted-key.age with mock-identity.txt to \"data\"", async () => {
    const ids = parseAgeIdentities(fx("keys/age-unit/mock-identity.txt"), "mock-identity.txt");
    assert.equal(ids.length, 1);
    assert.equal(ids[0]?.describe(), fx("keys/age-unit/mock-recipient.txt").trim());
    assert.equal(Buffer.from((await ageDecryptArmored(fx("keys/age-unit/mock-encrypted-key.age"), ids)) ?? []).toString(), "data");
  });

  it("returns null for an identity that matches no stanza", async () => {
    const ids = parseAgeIdentities(fx("keys/age-unit/mock-other-identity.txt"), "other");
    assert.equal(await ageDecryptArmored(fx("keys/age-unit/mock-encrypted-key.age"), ids), null);
  });

  it("decrypts mock-encrypted-ssh-key.age with the OpenSSH ed25519 identity", async () => {
    const id = sshIdentityFromPrivateKey(fx("keys/age-unit/mock-ssh-identity"), "mock-ssh-identity");
    assert.equal(id.kind, "ssh-ed25519");
    assert.equal(id.describe(), "ssh key mock-ssh-identity");
    assert.equal(Buffer.from((await ageDecryptArmored(fx("keys/age-unit/mock-encrypted-ssh-key.age"), [id])) ?? []).toString(), "data");
    // An X25519 identity does not match an ssh-ed25519 stanza.
    const other = parseAgeIdentities(fx("keys/age-unit/mock-identity.txt"), "x");
    assert.equal(await ageDecryptArmored(fx("keys/age-unit/mock-encrypted-ssh-key.age"), other), null);
  });

  it("encrypts to the ssh recipient in mock-ssh-identity.pub and decrypts with the private key", async () => {
    const r = parseAgeRecipient(fx("keys/age-unit/mock-ssh-identity.pub"));
    assert.equal(r.kind, "ssh-ed25519");
    const enc = await ageEncryptArmored(r, DATA);
    const id = sshIdentityFromPrivateKey(fx("keys/age-unit/mock-ssh-identity"), "k");
    assert.deepEqual(await ageDecryptArmored(enc, [id]), DATA);
  });

  it("decrypts with the passphrase-protected identity file (passphrase `passphrase`)", async () => {
    const prompts: string[] = [];
    const ids = parseIdentitySource(readFileSync(join(FIX, "keys/age-unit/mock-encrypted-identity.age")), "SOPS_AGE_KEY", async (m) => {
      prompts.push(m);
      return "passphrase";
    });
    const out = await ageDecryptArmored(fx("keys/age-unit/mock-encrypted-key.age"), ids);
    assert.equal(Buffer.from(out ?? []).toString(), "data");
    assert.deepEqual(prompts, ["Enter passphrase for identity 'SOPS_AGE_KEY':"]);
  });

  it("reports an incorrect passphrase for the protected identity file", async () => {
    const ids = parseIdentitySource(readFileSync(join(FIX, "keys/age-unit/mock-encrypted-identity.age")), "keys.txt", async () => "wrong");
    await assert.rejects(ageDecryptArmored(fx("keys/age-unit/mock-encrypted-key.age"), ids), (e: unknown) =>
      isHushError(e, "KEY_FORMAT") && /incorrect passphrase/.test(e.message));
  });

  it("parses the post-quantum identity in mock-hybrid-identity.txt", async () => {
    const ids = parseAgeIdentities(`# c\n${fx("keys/age-unit/mock-hybrid-identity.txt")}`, "hy.txt");
    assert.equal(ids.length, 1);
    assert.equal(ids[0]?.kind, "mlkem768x25519");
    const recipient = await hybridRecipientOf(fx("keys/age-unit/mock-hybrid-identity.txt"));
    assert.equal(recipient, await identityToRecipient(fx("keys/age-unit/mock-hybrid-identity.txt").trim()));
    const enc = await ageEncryptArmored(parseAgeRecipient(recipient), DATA);
    assert.deepEqual(await ageDecryptArmored(enc, ids), DATA);
    assert.equal(ids[0]?.describe(), recipient, "describe() names the recipient once typage computed it");
  });

  it("rejects a malformed post-quantum identity naming the line, never the key", () => {
    const good = fx("keys/age-unit/mock-hybrid-identity.txt").trim();
    const bad = `${good.slice(0, -1)}${good.endsWith("Q") ? "P" : "Q"}`; // checksum no longer matches
    for (const word of [bad, good.toLowerCase(), "AGE-SECRET-KEY-PQ-1QQQQ"]) {
      assert.throws(() => parseAgeIdentities(`\n\n${word}\n`, "hy.txt"), (e: unknown) =>
        isHushError(e, "KEY_FORMAT") && e.message === "failed to parse 'hy.txt' age identities: line 3: " +
          (word === good.toLowerCase() ? "unknown identity type" : "malformed post-quantum secret key") && !e.message.includes(word));
    }
  });
});

/** The `enc` of every age entry in a sops YAML file. */
function yamlAgeEntries(path: string): { recipient: string; enc: string }[] {
  const doc = parseYaml(fx(path)) as { sops: { age: { recipient: string; enc: string }[] } };
  return doc.sops.age;
}
const dataKeyOf = (path: string): string => (JSON.parse(fx(`${path}.vectors.json`)) as { data_key_hex: string }).data_key_hex;

describe("sops files: enc blobs unwrap to the data key", () => {
  it("sops-age/example.yaml with keys/sops-age-keys.txt (no final newline): both recipients", async () => {
    const keys = fx("keys/sops-age-keys.txt");
    assert.ok(!keys.endsWith("\n"));
    const ids = parseAgeIdentities(keys, "sops-age-keys.txt");
    const entries = yamlAgeEntries("sops-age/example.yaml");
    assert.equal(entries.length, 2);
    for (const e of entries) {
      assert.equal(hex(await ageDecryptArmored(e.enc, ids)), dataKeyOf("sops-age/example.yaml"));
    }
  });

  it("humphd/secret.enc.yaml with humphd/key.txt: first recipient only", async () => {
    const ids = parseAgeIdentities(fx("humphd/key.txt"), "key.txt");
    const entries = yamlAgeEntries("humphd/secret.enc.yaml");
    const mine = entries.filter((e) => e.recipient === ids[0]?.describe());
    assert.equal(mine.length, 1);
    assert.equal(hex(await ageDecryptArmored(mine[0]?.enc ?? "", ids)), dataKeyOf("humphd/secret.enc.yaml"));
    for (const e of entries.filter((x) => x !== mine[0])) assert.equal(await ageDecryptArmored(e.enc, ids), null);
  });

  it("sops-nix/secrets.yaml with the identity derived from ssh-ed25519-key", async () => {
    const derived = fx("sops-nix/ssh-ed25519-key.derived-age-identity.txt");
    const ids = parseAgeIdentities(derived, "derived");
    const entry = yamlAgeEntries("sops-nix/secrets.yaml").find((e) => e.recipient === ids[0]?.describe());
    assert.ok(entry, "derived identity's recipient is in the file");
    assert.equal(hex(await ageDecryptArmored(entry.enc, ids)), dataKeyOf("sops-nix/secrets.yaml"));
  });

  it("accepts CRLF armor", async () => {
    const ids = parseAgeIdentities(fx("keys/sops-age-keys.txt"), "k");
    const e = yamlAgeEntries("sops-age/example.yaml")[0];
    assert.equal(hex(await ageDecryptArmored((e?.enc ?? "").replace(/\n/g, "\r\n"), ids)), dataKeyOf("sops-age/example.yaml"));
  });

  it("throws KEY_FORMAT for a tampered enc and never returns a wrong key", async () => {
    const ids = parseAgeIdentities(fx("keys/sops-age-keys.txt"), "k");
    const enc = yamlAgeEntries("sops-age/example.yaml")[0]?.enc ?? "";
    const lines = enc.split("\n");
    const l = lines[3] ?? "";
    lines[3] = (l[0] === "A" ? "B" : "A") + l.slice(1);
    await assert.rejects(ageDecryptArmored(lines.join("\n"), ids), (e: unknown) => isHushError(e, "KEY_FORMAT"));
    await assert.rejects(ageDecryptArmored("not armored", ids), (e: unknown) => isHushError(e, "KEY_FORMAT"));
  });
});

describe("encrypting (spec 2.4 shape)", () => {
  it("writes one stanza, 64-column armor and the final newline", async () => {
    const { identity, recipient } = generateX25519Identity();
    assert.equal(x25519RecipientOf(identity), recipient);
    const enc = await ageEncryptArmored(parseAgeRecipient(recipient), new Uint8Array(32).fill(1));
    assert.match(enc, /^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    assert.ok(enc.endsWith("\n-----END AGE ENCRYPTED FILE-----\n"));
    const body = enc.split("\n").slice(1, -2);
    body.slice(0, -1).forEach((l) => assert.equal(l.length, 64));
    const bin = Buffer.from(body.join(""), "base64").toString("latin1");
    assert.equal(bin.split("\n-> ").length - 1, 1);
  });

  it("ageMasterKey trims the recipient and wraps into an AgeKeyEntry", async () => {
    const { identity, recipient } = generateX25519Identity();
    const mk = ageMasterKey(`  ${recipient}  `);
    assert.equal(mk.id, recipient);
    const entry = await mk.wrap(new Uint8Array(33).fill(5));
    assert.equal(entry.type, "age");
    assert.ok(entry.type === "age");
    assert.equal(entry.recipient, recipient);
    assert.deepEqual(await ageDecryptArmored(entry.enc, parseAgeIdentities(identity, "t")), new Uint8Array(33).fill(5));
  });

  it("rejects recipients with sops's messages", () => {
    assert.throws(() => parseAgeRecipient("foo"), { message: 'failed to parse input, unknown recipient type: "foo"' });
    assert.throws(() => parseAgeRecipient("age1pq1abc"), {
      message: 'failed to parse input as Bech32-encoded age public key: malformed recipient "age1pq1abc"',
    });
    assert.throws(() => parseAgeRecipient("age1yubikey1qabc"), (e: unknown) => isHushError(e, "KEY_FORMAT") && /^failed to parse input as age key from age plugin: invalid recipient encoding/.test(e.message));
    assert.throws(() => parseAgeRecipient("age1notvalid"), (e: unknown) => isHushError(e, "KEY_FORMAT") && /Bech32/.test(e.message));
    assert.throws(() => parseAgeRecipient("ssh-dss AAAAB3NzaC1kc3M="), (e: unknown) => isHushError(e, "KEY_FORMAT") && /age-ssh/.test(e.message));
  });

  it("x25519RecipientOf rejects a malformed identity without echoing it", () => {
    const bad = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQ";
    assert.throws(() => x25519RecipientOf(bad), (e: unknown) => isHushError(e, "KEY_FORMAT") && !e.message.includes(bad));
  });
});

describe("typage cross-check (x25519)", () => {
  it("typage decrypts what hush encrypts", async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const payload = new Uint8Array(32).map((_, i) => i);
    const enc = await ageEncryptArmored(parseAgeRecipient(recipient), payload);
    const d = new Decrypter();
    d.addIdentity(identity);
    assert.deepEqual(await d.decrypt(armor.decode(enc)), payload);
  });

  it("hush decrypts what typage encrypts", async () => {
    const { identity, recipient } = generateX25519Identity();
    const e = new Encrypter();
    e.addRecipient(recipient);
    const payload = new Uint8Array(33).fill(0xab);
    const enc = armor.encode(await e.encrypt(payload));
    assert.deepEqual(await ageDecryptArmored(enc, parseAgeIdentities(identity, "t")), payload);
  });
});

describe("post-quantum hybrid (mlkem768x25519)", () => {
  it("flux/age-pq.yaml (sops 3.12.1) with flux/age-pq.txt: the enc unwraps to the data key", async () => {
    const ids = parseAgeIdentities(fx("flux/age-pq.txt"), "age-pq.txt");
    assert.deepEqual(ids.map((i) => i.kind), ["mlkem768x25519"]);
    const [entry] = yamlAgeEntries("flux/age-pq.yaml");
    assert.ok(entry);
    assert.ok(entry.recipient.startsWith("age1pq1"));
    assert.equal(hex(await ageDecryptArmored(entry.enc, ids)), dataKeyOf("flux/age-pq.yaml"));
    assert.equal(ids[0]?.describe(), entry.recipient);
  });

  it("wraps into exactly one mlkem768x25519 stanza (spec 2.4 shape) that typage opens", async () => {
    const identity = await typageHybridIdentity();
    const recipient = await identityToRecipient(identity);
    const r = parseAgeRecipient(`  ${recipient}\n`);
    assert.equal(r.kind, "mlkem768x25519");
    assert.equal(r.recipient, recipient);
    const payload = new Uint8Array(32).map((_, i) => i * 3);
    const enc = await ageEncryptArmored(r, payload);
    assert.ok(enc.endsWith("\n-----END AGE ENCRYPTED FILE-----\n"));
    const h = parseHeader(armor.decode(enc));
    assert.deepEqual(h.stanzas.map((s) => [s.type, s.args.length, s.body.length]), [["mlkem768x25519", 1, 32]]);
    const d = new Decrypter();
    d.addIdentity(identity);
    assert.deepEqual(await d.decrypt(armor.decode(enc)), payload);
  });

  it("hush decrypts what typage encrypts to a hybrid and an X25519 recipient, with either identity", async () => {
    const pq = await generateHybridIdentity();
    assert.equal(await hybridRecipientOf(pq.identity), pq.recipient);
    const x = generateX25519Identity();
    const e = new Encrypter();
    e.addRecipient(x.recipient);
    e.addRecipient(pq.recipient);
    const payload = new Uint8Array(33).fill(0xcd);
    const enc = armor.encode(await e.encrypt(payload));
    assert.deepEqual(await ageDecryptArmored(enc, parseAgeIdentities(pq.identity, "pq")), payload);
    assert.deepEqual(await ageDecryptArmored(enc, parseAgeIdentities(x.identity, "x")), payload);
    assert.deepEqual(await ageDecryptArmored(enc, parseAgeIdentities(`${x.identity}\n${pq.identity}`, "both")), payload);
  });

  it("returns null for another hybrid identity, and a hybrid identity ignores X25519 files", async () => {
    const a = await generateHybridIdentity();
    const b = await generateHybridIdentity();
    const enc = await ageEncryptArmored(parseAgeRecipient(a.recipient), DATA);
    assert.equal(await ageDecryptArmored(enc, parseAgeIdentities(b.identity, "b")), null);
    const xEnc = await ageEncryptArmored(parseAgeRecipient(generateX25519Identity().recipient), DATA);
    assert.equal(await ageDecryptArmored(xEnc, parseAgeIdentities(a.identity, "a")), null);
  });

  it("ageMasterKey wraps a data key for an age1pq1 recipient", async () => {
    const pq = await generateHybridIdentity();
    const entry = await ageMasterKey(pq.recipient).wrap(new Uint8Array(32).fill(4));
    assert.ok(entry.type === "age");
    assert.equal(entry.recipient, pq.recipient);
    assert.deepEqual(await ageDecryptArmored(entry.enc, parseAgeIdentities(pq.identity, "t")), new Uint8Array(32).fill(4));
  });

  it("rejects a tampered hybrid stanza body length as a malformed file", async () => {
    const pq = await generateHybridIdentity();
    const bin = armor.decode(await ageEncryptArmored(parseAgeRecipient(pq.recipient), DATA));
    const text = Buffer.from(bin).toString("latin1");
    const at = text.indexOf("\n", text.indexOf("-> mlkem768x25519")) + 1;
    const tampered = Buffer.from(`${text.slice(0, at)}AAAA${text.slice(at)}`, "latin1");
    await assert.rejects(ageDecryptArmored(armor.encode(tampered), parseAgeIdentities(pq.identity, "t")), (e: unknown) => isHushError(e, "KEY_FORMAT"));
  });
});

// ---- the real age CLI ----

const AGE = join(homedir(), "go/bin/age");
const SSH_KEYGEN = "/usr/bin/ssh-keygen";
function missing(bin: string): string | false {
  if (existsSync(bin)) return false;
  if (process.env["CI"] === "true") assert.fail(`required binary missing in CI: ${bin}`);
  console.error(`\n!!! SKIPPING age CLI interop: ${bin} is not installed\n`);
  return `${bin} is not installed`;
}

describe("age CLI interop (x25519, ssh-ed25519, ssh-rsa)", () => {
  const skip = missing(AGE) || missing(SSH_KEYGEN);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-age-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { kind: "x25519" },
    { kind: "ssh-ed25519", keygen: ["-t", "ed25519"] },
    { kind: "ssh-rsa", keygen: ["-t", "rsa", "-b", "3072"] },
  ] as const;

  for (const c of cases) {
    const setup = (): { identityFile: string; recipient: string; identities: ReturnType<typeof parseAgeIdentities> } => {
      if (c.kind === "x25519") {
        const { identity, recipient } = generateX25519Identity();
        const identityFile = join(dir, "x25519.txt");
        writeFileSync(identityFile, `${identity}\n`);
        return { identityFile, recipient, identities: parseAgeIdentities(identity, "t") };
      }
      const identityFile = join(dir, c.kind);
      if (!existsSync(identityFile)) execFileSync(SSH_KEYGEN, ["-q", ...c.keygen, "-N", "", "-C", "hush-test", "-f", identityFile]);
      return {
        identityFile,
        recipient: readFileSync(`${identityFile}.pub`, "utf8").trim(),
        identities: [sshIdentityFromPrivateKey(readFileSync(identityFile, "utf8"), identityFile)],
      };
    };

    it(`age -d decrypts hush's armored output for ${c.kind}`, { skip }, async () => {
      const { identityFile, recipient } = setup();
      const payload = new Uint8Array(32).map((_, i) => 255 - i);
      const enc = await ageEncryptArmored(parseAgeRecipient(recipient), payload);
      const r = spawnSync(AGE, ["-d", "-i", identityFile], { input: enc });
      assert.equal(r.status, 0, r.stderr.toString());
      assert.deepEqual(new Uint8Array(r.stdout), payload);
    });

    it(`hush decrypts age -a -r output for ${c.kind}`, { skip }, async () => {
      const { recipient, identities } = setup();
      const payload = new Uint8Array(33).map((_, i) => i * 7);
      const r = spawnSync(AGE, ["-a", "-r", recipient], { input: payload });
      assert.equal(r.status, 0, r.stderr.toString());
      assert.deepEqual(await ageDecryptArmored(r.stdout.toString(), identities), payload);
      assert.equal(identities[0]?.kind, c.kind);
    });
  }

  it("post-quantum both ways: age-keygen -pq, age -a -r age1pq1… → hush, hush → age -d -i", { skip }, async () => {
    const keyFile = join(dir, "pq.txt");
    const kg = spawnSync(`${AGE}-keygen`, ["-pq", "-o", keyFile]);
    assert.equal(kg.status, 0, kg.stderr.toString());
    const recipient = execFileSync(`${AGE}-keygen`, ["-y", keyFile]).toString().trim();
    assert.match(recipient, /^age1pq1[a-z0-9]+$/);
    const identities = parseAgeIdentities(readFileSync(keyFile, "utf8"), keyFile);
    assert.deepEqual(identities.map((i) => i.kind), ["mlkem768x25519"]);
    assert.equal(await hybridRecipientOf(readFileSync(keyFile, "utf8").split("\n").find((l) => l.startsWith("AGE-")) ?? ""), recipient);

    const payload = new Uint8Array(33).map((_, i) => i * 5);
    const r = spawnSync(AGE, ["-a", "-r", recipient], { input: payload });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.deepEqual(await ageDecryptArmored(r.stdout.toString(), identities), payload);

    const enc = await ageEncryptArmored(parseAgeRecipient(recipient), payload);
    const d = spawnSync(AGE, ["-d", "-i", keyFile], { input: enc });
    assert.equal(d.status, 0, d.stderr.toString());
    assert.deepEqual(new Uint8Array(d.stdout), payload);
  });

  it("a passphrase-protected ssh key recognises its stanza and reports it is not supported", { skip }, async () => {
    const keyFile = join(dir, "enc_ed25519");
    execFileSync(SSH_KEYGEN, ["-q", "-t", "ed25519", "-N", "secret-pass", "-C", "x", "-f", keyFile]);
    const id = sshIdentityFromPrivateKey(readFileSync(keyFile, "utf8"), keyFile);
    const mine = await ageEncryptArmored(parseAgeRecipient(readFileSync(`${keyFile}.pub`, "utf8")), DATA);
    await assert.rejects(ageDecryptArmored(mine, [id]), (e: unknown) => isHushError(e, "KEY_FORMAT") && /passphrase-protected/.test(e.message));
    const other = await ageEncryptArmored(parseAgeRecipient(generateX25519Identity().recipient), DATA);
    assert.equal(await ageDecryptArmored(other, [id]), null);
  });

  it("reads a PKCS#1 PEM RSA key (ssh-keygen -m PEM)", { skip }, async () => {
    const keyFile = join(dir, "pem_rsa");
    execFileSync(SSH_KEYGEN, ["-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-C", "x", "-f", keyFile]);
    const id = sshIdentityFromPrivateKey(readFileSync(keyFile, "utf8"), keyFile);
    const r = spawnSync(AGE, ["-a", "-R", `${keyFile}.pub`], { input: DATA });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.deepEqual(await ageDecryptArmored(r.stdout.toString(), [id]), DATA);
  });
});

describe("typage cross-check (passphrase-protected identity file)", () => {
  it("reads an identity file that typage encrypted with a passphrase", async () => {
    const { identity, recipient } = generateX25519Identity();
    const e = new Encrypter();
    e.setPassphrase("correct horse");
    e.setScryptWorkFactor(12);
    const protectedFile = armor.encode(await e.encrypt(`# created by typage\n${identity}\n`));
    const ids = parseIdentitySource(new TextEncoder().encode(protectedFile), "keys.txt", async () => "correct horse");
    const enc = await ageEncryptArmored(parseAgeRecipient(recipient), DATA);
    assert.deepEqual(await ageDecryptArmored(enc, ids), DATA);
  });
});

describe("age plugin identities and recipients (parsing; the protocol is in test/interop/age-plugin.test.ts)", () => {
  it("parses AGE-PLUGIN-<NAME>-1… lines as plugin identities and names a malformed one by line only", () => {
    const id = "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    // a valid bech32 identity: the plugin name and an empty payload
    const good = bech32.encode("age-plugin-yubikey-", [], false).toUpperCase();
    const ids = parseAgeIdentities(`# a yubikey\n${good}\n`, "keys.txt");
    assert.equal(ids.length, 1);
    assert.equal(ids[0]?.kind, "plugin");
    assert.equal(ids[0]?.describe(), "age-plugin-yubikey identity");
    assert.throws(() => parseAgeIdentities(`\n${id}\n`, "keys.txt"), (e: unknown) => isHushError(e, "KEY_FORMAT") && /keys\.txt' age identities: line 2: malformed plugin identity$/.test(e.message) && !e.message.includes(id));
  });
  it("parses age1<name>1… recipients as plugin recipients; wrapping needs a plugin host", async () => {
    const r = parseAgeRecipient(bech32.encode("age1yubikey", bech32.toWords(new Uint8Array([1, 2, 3])), false));
    assert.equal(r.kind, "plugin");
    await assert.rejects(r.wrap(new Uint8Array(16)), /yubikey plugin: age plugins cannot be run here/);
  });
});
