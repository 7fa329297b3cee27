// Identity discovery (spec section 9) with a fake AgeSourceEnv: sops's order, its location names
// and error texts (checked against sops 3.13.2's output), and no key material in any message.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { KeyEntry } from "../../../../src/keys/master-key.js";
import {
  SOPS_AGE_KEY,
  SOPS_AGE_KEY_CMD,
  SOPS_AGE_KEY_FILE,
  SOPS_AGE_SSH_PRIVATE_KEY_CMD,
  SOPS_AGE_SSH_PRIVATE_KEY_FILE,
  ageEncryptArmored,
  ageUnwrapper,
  formatAgeError,
  loadAgeIdentities,
  parseAgeRecipient,
  userConfigDir,
} from "../../../../src/keys/age/index.js";
import type { AgeSourceEnv } from "../../../../src/keys/age/index.js";

const FIX = resolve(process.cwd(), "../shared/fixtures/sops");
const fx = (p: string): string => readFileSync(join(FIX, p), "utf8");
const S1 = fx("keys/sops-age-keys.txt").split("\n").filter((l) => l.startsWith("AGE-SECRET-KEY-"));
const MOCK_ID = fx("keys/age-unit/mock-identity.txt").trim();
const MOCK_RECIPIENT = fx("keys/age-unit/mock-recipient.txt").trim();
const SSH_KEY = fx("keys/age-unit/mock-ssh-identity");

interface Fake extends AgeSourceEnv {
  commands: { cmdline: string; extraEnv: Record<string, string> }[];
  prompts: string[];
}

function fakeEnv(opts: {
  env?: Record<string, string>;
  files?: Record<string, string | Uint8Array>;
  commands?: Record<string, string>;
  passphrase?: string;
}): Fake {
  const fake: Fake = {
    env: opts.env ?? {},
    homeDir: "/home/u",
    configDir: "/home/u/.config",
    commands: [],
    prompts: [],
    readFile(path) {
      const f = opts.files?.[path];
      if (f === undefined) return null;
      return typeof f === "string" ? new TextEncoder().encode(f) : f;
    },
    runCommand(cmdline, extraEnv) {
      fake.commands.push({ cmdline, extraEnv });
      const out = opts.commands?.[cmdline];
      if (out === undefined) throw new Error("exit status 1");
      return new TextEncoder().encode(out);
    },
  };
  if (opts.passphrase !== undefined) {
    const p = opts.passphrase;
    fake.promptPassphrase = async (m) => {
      fake.prompts.push(m);
      return p;
    };
  }
  return fake;
}

const ALL_LOCATIONS = [
  "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
  "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
  "/home/u/.ssh/id_ed25519",
  "/home/u/.ssh/id_rsa",
  "SOPS_AGE_KEY",
  "SOPS_AGE_KEY_FILE",
  "SOPS_AGE_KEY_CMD",
  "/home/u/.config/sops/age/keys.txt",
];

describe("loadAgeIdentities", () => {
  it("with nothing configured lists every location, in sops's order and words", async () => {
    const r = await loadAgeIdentities(fakeEnv({}));
    assert.deepEqual(r, { identities: [], errors: [], locations: ALL_LOCATIONS });
    // The exact text sops 3.13.2 prints (HOME=/home/u, nothing configured).
    assert.equal(
      formatAgeError("failed to load age identities", null, r.errors, r.locations),
      "failed to load age identities. Did not find keys in locations 'SOPS_AGE_SSH_PRIVATE_KEY_FILE', 'SOPS_AGE_SSH_PRIVATE_KEY_CMD', '/home/u/.ssh/id_ed25519', '/home/u/.ssh/id_rsa', 'SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', 'SOPS_AGE_KEY_CMD', and '/home/u/.config/sops/age/keys.txt'.",
    );
  });

  it("formats one and two locations as sops does", () => {
    assert.equal(formatAgeError("m", "c", ["a", "b"], ["X"]), "m: c. Errors while loading age identities: a; b. Did not find keys in location 'X'.");
    assert.equal(formatAgeError("m", null, [], ["X", "Y"]), "m. Did not find keys in locations 'X' and 'Y'.");
    assert.equal(formatAgeError("m", null, [], []), "m");
  });

  it("reads SOPS_AGE_KEY with comments and several keys per line", async () => {
    const r = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_KEY]: `# two keys\n${S1.join(" ")}\n\n${MOCK_ID}` } }));
    assert.equal(r.identities.length, 3);
    assert.deepEqual(r.errors, []);
    assert.ok(!r.locations.includes(SOPS_AGE_KEY));
    assert.ok(!r.locations.includes("/home/u/.config/sops/age/keys.txt"), "the default file is named only when nothing was found");
  });

  it("reads post-quantum identities from SOPS_AGE_KEY, SOPS_AGE_KEY_CMD and the keys file, and unwraps sops's age-pq.yaml", async () => {
    const pq = fx("flux/age-pq.txt").split("\n").filter((l) => l.startsWith("AGE-SECRET-KEY-PQ-1"));
    assert.equal(pq.length, 1);
    const entry = (parseYaml(fx("flux/age-pq.yaml")) as { sops: { age: { recipient: string; enc: string }[] } }).sops.age[0];
    assert.ok(entry);
    const dataKey = (JSON.parse(fx("flux/age-pq.yaml.vectors.json")) as { data_key_hex: string }).data_key_hex;
    const sources: Parameters<typeof fakeEnv>[0][] = [
      { env: { [SOPS_AGE_KEY]: `${MOCK_ID} ${pq[0]}` } },
      { env: { [SOPS_AGE_KEY_CMD]: "get-key" }, commands: { "get-key": fx("flux/age-pq.txt") } },
      { files: { "/home/u/.config/sops/age/keys.txt": `${MOCK_ID}\r\n${fx("flux/age-pq.txt")}` } },
    ];
    for (const opts of sources) {
      const u = ageUnwrapper(fakeEnv(opts));
      const key = await u.unwrap({ type: "age", recipient: entry.recipient, enc: entry.enc });
      assert.equal(Buffer.from(key ?? []).toString("hex"), dataKey);
      assert.deepEqual(u.lastLoad()?.errors, []);
      assert.ok(u.lastLoad()?.identities.some((i) => i.kind === "mlkem768x25519"));
    }
  });

  it("reads a CRLF SOPS_AGE_KEY_FILE (sops 3.13.2 accepts it too)", async () => {
    const r = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_KEY_FILE]: "/k.txt" }, files: { "/k.txt": `# c\r\n${MOCK_ID}\r\n` } }));
    assert.deepEqual(r.identities.map((i) => i.describe()), [MOCK_RECIPIENT]);
  });

  it("reports a missing SOPS_AGE_KEY_FILE with sops's text", async () => {
    const r = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_KEY_FILE]: "/nonexistent" } }));
    assert.deepEqual(r.errors, ["failed to open SOPS_AGE_KEY_FILE file: open /nonexistent: no such file or directory"]);
    assert.deepEqual(r.locations, ALL_LOCATIONS.filter((l) => l !== SOPS_AGE_KEY_FILE));
  });

  it("reads the default keys.txt in the config dir", async () => {
    const r = await loadAgeIdentities(fakeEnv({ files: { "/home/u/.config/sops/age/keys.txt": MOCK_ID } }));
    assert.equal(r.identities.length, 1);
    assert.deepEqual(r.locations, ALL_LOCATIONS.slice(0, -1));
  });

  it("always tries ~/.ssh/id_ed25519, also when other keys are configured", async () => {
    const r = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_KEY]: MOCK_ID }, files: { "/home/u/.ssh/id_ed25519": SSH_KEY } }));
    assert.deepEqual(r.identities.map((i) => i.kind), ["ssh-ed25519", "x25519"]);
    assert.equal(r.identities[0]?.describe(), "ssh key /home/u/.ssh/id_ed25519");
  });

  it("runs SOPS_AGE_KEY_CMD and SOPS_AGE_SSH_PRIVATE_KEY_CMD with SOPS_AGE_RECIPIENT", async () => {
    const fake = fakeEnv({
      env: { [SOPS_AGE_KEY_CMD]: "pass show age", [SOPS_AGE_SSH_PRIVATE_KEY_CMD]: "cat 'my key'" },
      commands: { "pass show age": `${MOCK_ID}\n`, "cat 'my key'": SSH_KEY },
    });
    const r = await loadAgeIdentities(fake, "age1recipient");
    assert.deepEqual(r.identities.map((i) => i.kind), ["ssh-ed25519", "x25519"]);
    assert.deepEqual(fake.commands, [
      { cmdline: "cat 'my key'", extraEnv: { SOPS_AGE_RECIPIENT: "age1recipient" } },
      { cmdline: "pass show age", extraEnv: { SOPS_AGE_RECIPIENT: "age1recipient" } },
    ]);
  });

  it("collects a failing command and a missing SSH key file as errors", async () => {
    const r = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_KEY_CMD]: "false", [SOPS_AGE_SSH_PRIVATE_KEY_FILE]: "/nope" } }));
    assert.deepEqual(r.errors, ["failed to open file: open /nope: no such file or directory", "failed to execute command false: exit status 1"]);
  });

  it("decrypts a passphrase-protected identity in SOPS_AGE_KEY through the prompt", async () => {
    const fake = fakeEnv({ env: { [SOPS_AGE_KEY]: fx("keys/age-unit/mock-encrypted-identity.age") }, passphrase: "passphrase" });
    const u = ageUnwrapper(fake);
    const entry: KeyEntry = { type: "age", recipient: MOCK_RECIPIENT, enc: fx("keys/age-unit/mock-encrypted-key.age") };
    assert.equal(Buffer.from((await u.unwrap(entry)) ?? []).toString(), "data");
    assert.deepEqual(fake.prompts, ["Enter passphrase for identity 'SOPS_AGE_KEY':"]);
  });

  it("never puts key material in an error message", async () => {
    const broken = `${MOCK_ID}\n${S1[0]?.slice(0, -3)}xyz\n`;
    const sshBroken = SSH_KEY.split("\n").filter((_, i) => i !== 2).join("\n"); // a line of the key body dropped
    const r = await loadAgeIdentities(fakeEnv({
      env: { [SOPS_AGE_KEY_FILE]: "/k", [SOPS_AGE_KEY]: `AGE-SECRET-KEY-1ZZZ ${MOCK_ID}` },
      files: { "/k": broken, "/home/u/.ssh/id_rsa": sshBroken },
    }));
    assert.equal(r.identities.length, 0);
    assert.deepEqual(r.errors.length, 3);
    assert.ok(r.errors.some((e) => e === "failed to parse 'SOPS_AGE_KEY_FILE' age identities: line 2: malformed secret key"), r.errors.join("\n"));
    const secrets = [MOCK_ID, ...S1, S1[0]?.slice(0, -3) ?? "", "AGE-SECRET-KEY-1ZZZ", "BJdWTJ"];
    for (const msg of [...r.errors, formatAgeError("failed to load age identities", null, r.errors, r.locations)]) {
      for (const s of secrets) assert.ok(!msg.includes(s), `error message leaks key material: ${msg}`);
      assert.ok(!/AGE-SECRET-KEY-1[0-9A-Z]{10}/.test(msg));
    }
  });
});

describe("ageUnwrapper", () => {
  const doc = parseYaml(fx("sops-age/example.yaml")) as { sops: { age: { recipient: string; enc: string }[] } };
  const dataKey = (JSON.parse(fx("sops-age/example.yaml.vectors.json")) as { data_key_hex: string }).data_key_hex;

  it("unwraps sops-age/example.yaml with SOPS_AGE_KEY_FILE and loads identities once", async () => {
    let reads = 0;
    const fake = fakeEnv({ env: { [SOPS_AGE_KEY_FILE]: "/k" }, files: { "/k": fx("keys/sops-age-keys.txt") } });
    const read = fake.readFile.bind(fake);
    fake.readFile = (p) => {
      if (p === "/k") reads++;
      return read(p);
    };
    const u = ageUnwrapper(fake);
    for (const e of doc.sops.age) {
      assert.equal(Buffer.from((await u.unwrap({ type: "age", ...e })) ?? []).toString("hex"), dataKey);
    }
    assert.equal(reads, 1);
    assert.equal(await u.unwrap({ type: "pgp", fp: "X", createdAt: "", enc: "" }), null);
  });

  it("returns null and explains itself when no identities are found", async () => {
    const u = ageUnwrapper(fakeEnv({}));
    assert.equal(await u.unwrap({ type: "age", ...doc.sops.age[0]! }), null);
    const [msg] = u.describeSources();
    assert.match(msg ?? "", /^failed to load age identities\. Did not find keys in locations 'SOPS_AGE_SSH_PRIVATE_KEY_FILE'/);
  });

  it("returns null for identities that do not match, with sops's reason", async () => {
    const u = ageUnwrapper(fakeEnv({ env: { [SOPS_AGE_KEY]: MOCK_ID } }));
    assert.equal(await u.unwrap({ type: "age", ...doc.sops.age[0]! }), null);
    assert.equal(
      u.describeSources()[0],
      "failed to create reader for decrypting sops data key with age: no identity matched any of the recipients. Did not find keys in locations 'SOPS_AGE_SSH_PRIVATE_KEY_FILE', 'SOPS_AGE_SSH_PRIVATE_KEY_CMD', '/home/u/.ssh/id_ed25519', '/home/u/.ssh/id_rsa', 'SOPS_AGE_KEY_FILE', and 'SOPS_AGE_KEY_CMD'.",
    );
    for (const d of u.describeSources()) assert.ok(!d.includes(MOCK_ID));
  });

  it("loads once per recipient when a key command is set (the command sees the recipient)", async () => {
    const fake = fakeEnv({ env: { [SOPS_AGE_KEY_CMD]: "keys" }, commands: { keys: fx("keys/sops-age-keys.txt") } });
    const u = ageUnwrapper(fake);
    for (const e of doc.sops.age) await u.unwrap({ type: "age", ...e });
    assert.deepEqual(fake.commands.map((c) => c.extraEnv["SOPS_AGE_RECIPIENT"]), doc.sops.age.map((e) => e.recipient));
  });
});

describe("userConfigDir", () => {
  it("follows Go's os.UserConfigDir with sops's macOS XDG rule", () => {
    assert.equal(userConfigDir({}, "/home/u", "linux"), "/home/u/.config");
    assert.equal(userConfigDir({ XDG_CONFIG_HOME: "/x" }, "/home/u", "linux"), "/x");
    assert.equal(userConfigDir({ XDG_CONFIG_HOME: "rel" }, "/home/u", "linux"), "");
    assert.equal(userConfigDir({}, "/Users/u", "darwin"), "/Users/u/Library/Application Support");
    assert.equal(userConfigDir({ XDG_CONFIG_HOME: "/x" }, "/Users/u", "darwin"), "/x");
    assert.equal(userConfigDir({ AppData: "C:\\Users\\u\\AppData\\Roaming" }, "C:\\Users\\u", "win32"), "C:\\Users\\u\\AppData\\Roaming");
  });
});

describe("passphrase-protected ssh keys", () => {
  const keygen = "/usr/bin/ssh-keygen";
  const skip = existsSync(keygen) ? false : process.env["CI"] === "true" ? assert.fail(`missing ${keygen}`) : `${keygen} is not installed`;

  it("takes the public key of an encrypted PEM key from <path>.pub and, with no prompt, reports it when its stanza comes", { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-ssh-"));
    try {
      const f = join(dir, "id_rsa");
      execFileSync(keygen, ["-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "secret-pw", "-C", "c", "-f", f]);
      const files = { "/s/key": readFileSync(f, "utf8") };
      const without = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_SSH_PRIVATE_KEY_FILE]: "/s/key" }, files }));
      assert.equal(without.identities.length, 0);
      assert.match(without.errors[0] ?? "", /no '\/s\/key\.pub'/);
      const pub = readFileSync(`${f}.pub`, "utf8");
      const u = ageUnwrapper(fakeEnv({ env: { [SOPS_AGE_SSH_PRIVATE_KEY_FILE]: "/s/key" }, files: { ...files, "/s/key.pub": pub } }));
      const enc = await ageEncryptArmored(parseAgeRecipient(pub), new Uint8Array(32));
      // with no prompt to ask on, the stanza match is a clear error naming the key (never the passphrase)
      await assert.rejects(u.unwrap({ type: "age", recipient: pub.trim(), enc }), /passphrase-protected and no passphrase prompt is available/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects an encrypted key from SOPS_AGE_SSH_PRIVATE_KEY_CMD with sops's words", { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-ssh-"));
    try {
      const f = join(dir, "k");
      execFileSync(keygen, ["-q", "-t", "ed25519", "-N", "pw", "-C", "c", "-f", f]);
      const r = await loadAgeIdentities(fakeEnv({ env: { [SOPS_AGE_SSH_PRIVATE_KEY_CMD]: "get" }, commands: { get: readFileSync(f, "utf8") } }));
      assert.deepEqual(r.errors, ["the SSH key returned by running SOPS_AGE_SSH_PRIVATE_KEY_CMD is password protected, which is unsupported"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
