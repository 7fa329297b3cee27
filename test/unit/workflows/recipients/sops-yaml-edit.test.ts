import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../../../src/config/index.js";
import { addRecipientToConfig, adminNames, recipientType, removeRecipientFromConfig } from "../../../../src/workflows/recipients/sops-yaml-edit.js";

const A = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa";
const B = "age1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const FP = "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4";

const BASE = `# team secrets: keep this comment
hush:
  admins: [alice]   # admins never lose access
creation_rules:
  # production first
  - path_regex: ^prod/.*\\.yaml$
    age:
      - &alice ${A}   # alice's laptop

  - path_regex: ^dev/   # dev files
    encrypted_regex: "^(data|stringData)$"
    age:
      - *alice
`;

describe("recipientType", () => {
  it("tells a pgp fingerprint from an age recipient", () => {
    assert.equal(recipientType(FP), "pgp");
    assert.equal(recipientType(A), "age");
    assert.equal(recipientType("ssh-ed25519 AAAAC3Nza"), "age");
  });
});

describe("addRecipientToConfig", () => {
  it("appends an anchored item to the first rule and an alias to the next, keeping every other byte", () => {
    const r = addRecipientToConfig(BASE, "bob", B, undefined);
    const want = BASE.replace(`# alice's laptop\n`, `# alice's laptop\n      - &bob ${B}\n`).replace(/- \*alice\n$/, `- *alice\n      - *bob\n`);
    assert.equal(r.text, want);
    assert.deepEqual(r.rules, [0, 1]);
    const cfg = loadConfig(r.text);
    assert.deepEqual(cfg.errors, []);
    assert.equal(cfg.config.recipientNames.get(B), "bob");
    assert.equal(cfg.config.recipientNames.get(A), "alice");
    assert.deepEqual(cfg.config.creationRules![1]!.keyGroups[0]!.age, [A, B]);
  });

  it("only touches the rules named with --rule", () => {
    const r = addRecipientToConfig(BASE, "bob", B, ["^dev/"]);
    assert.deepEqual(r.rules, [1]);
    assert.equal(r.text, BASE.replace(/- \*alice\n$/, `- *alice\n      - &bob ${B}\n`));
  });

  it("refuses a --rule that matches no path_regex", () => {
    assert.throws(() => addRecipientToConfig(BASE, "bob", B, ["^nope/"]), /no creation rule has path_regex "\^nope\/"/);
  });

  it("is a no-op for rules that already hold the key", () => {
    const once = addRecipientToConfig(BASE, "bob", B, undefined).text;
    const twice = addRecipientToConfig(once, "bob", B, undefined);
    assert.equal(twice.text, once);
    assert.deepEqual(twice.rules, []);
  });

  it("refuses a name already anchoring another recipient", () => {
    assert.throws(() => addRecipientToConfig(BASE, "alice", B, undefined), /already names another recipient/);
  });

  it("turns a comma string into a block list holding the same recipients, then the new one", () => {
    const text = `creation_rules:\n  - path_regex: x\n    age: "${A},${B}" # two\n    shamir_threshold: 0\n`;
    const r = addRecipientToConfig(text, "carol", "age1cccc", undefined);
    assert.equal(r.text, `creation_rules:\n  - path_regex: x\n    age:\n      - ${A}\n      - ${B}\n      - &carol age1cccc # two\n    shamir_threshold: 0\n`);
    assert.deepEqual(loadConfig(r.text).config.creationRules![0]!.keyGroups[0]!.age, [A, B, "age1cccc"]);
  });

  it("creates the field when the rule has none, and adds pgp fingerprints to pgp", () => {
    const text = `creation_rules:\n  - path_regex: x\n    age: ${A}\n`;
    const r = addRecipientToConfig(text, "dave", FP, undefined);
    assert.equal(r.text, `${text.slice(0, -1)}\n    pgp:\n      - &dave ${FP}\n`);
    assert.deepEqual(loadConfig(r.text).config.creationRules![0]!.keyGroups[0]!.pgp, [FP]);
  });

  it("adds to every key group of a form B rule", () => {
    const text = `creation_rules:\n  - key_groups:\n      - age:\n          - ${A}\n      - age: [${B}]\n    shamir_threshold: 1\n`;
    const r = addRecipientToConfig(text, "erin", "age1eeee", undefined);
    assert.equal(r.text, `creation_rules:\n  - key_groups:\n      - age:\n          - ${A}\n          - &erin age1eeee\n      - age: [${B}, *erin]\n    shamir_threshold: 1\n`);
    const g = loadConfig(r.text).config.creationRules![0]!.keyGroups;
    assert.deepEqual(g.map((x) => x.age), [[A, "age1eeee"], [B, "age1eeee"]]);
  });
});

describe("removeRecipientFromConfig", () => {
  it("deletes the anchored item and its aliases, keeping every other byte", () => {
    const added = addRecipientToConfig(BASE, "bob", B, undefined).text;
    const r = removeRecipientFromConfig(added, B);
    assert.equal(r.text, BASE);
    assert.deepEqual(r.rules, [0, 1]);
  });

  it("strips the key from a comma string and empties a list it was alone in", () => {
    const text = `creation_rules:\n  - path_regex: a\n    age: "${A}, ${B}"\n  - path_regex: b\n    age:\n      - ${B}\n    pgp: ${FP}\n`;
    const r = removeRecipientFromConfig(text, B);
    assert.equal(r.text, `creation_rules:\n  - path_regex: a\n    age: "${A}"\n  - path_regex: b\n    age: []\n    pgp: ${FP}\n`);
    assert.deepEqual(loadConfig(r.text).errors, []);
  });

  it("changes nothing when no rule holds the key", () => {
    const r = removeRecipientFromConfig(BASE, B);
    assert.equal(r.text, BASE);
    assert.deepEqual(r.rules, []);
  });
});

describe("adminNames", () => {
  it("reads hush.admins", () => {
    assert.deepEqual(adminNames(BASE), ["alice"]);
    assert.deepEqual(adminNames("creation_rules: []\n"), []);
  });
});
