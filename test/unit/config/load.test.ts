import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/load.js";
import { formatProblem } from "../../../src/config/types.js";
import type { KeyGroupSpec } from "../../../src/config/types.js";

const FIX = join(process.cwd(), "../shared/fixtures/sops");
const fixture = (p: string): string => readFileSync(join(FIX, p), "utf8");

const P1 = "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4";
const P2 = "D7229043384BCC60326C6FB9D8720D957C3D3074";
const S1 = "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw";
const S2 = "age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep";

function group(g: Partial<KeyGroupSpec>): KeyGroupSpec {
  return { age: [], pgp: [], kms: [], gcpKms: [], azureKeyvault: [], hcVault: [], hckms: [], ...g };
}

describe("loadConfig on the sops fixtures", () => {
  it("reads functional-tests.sops.yaml: key_groups, no keys, key_groups: [], an empty group, a catch-all", () => {
    const { config, errors, warnings } = loadConfig(fixture("sops-main/functional-tests.sops.yaml"));
    assert.deepEqual(errors, []);
    const rules = config.creationRules!;
    assert.equal(rules.length, 6);
    assert.equal(rules[0]!.pathRegex, "test_roundtrip_keygroups.yaml");
    assert.deepEqual(rules[0]!.keyGroups, [group({ pgp: [P1] }), group({ pgp: [P2] })]);
    assert.deepEqual(rules[2]!.keyGroups, [group({})]); // no keys at all: one empty group
    assert.deepEqual(rules[3]!.keyGroups, [group({})]); // key_groups: [] falls back to the (empty) flat keys
    assert.deepEqual(rules[4]!.keyGroups, [group({})]); // - {} is one empty group
    assert.equal(rules[5]!.pathRegex, undefined);
    assert.deepEqual(rules[5]!.keyGroups, [group({ pgp: [P1] })]);
    assert.equal(config.destinationRuleCount, 3);
    assert.deepEqual(config.stores, { yamlIndent: 0, jsonIndent: -1, jsonBinaryIndent: -1 });
    // sops's own test config misspells recreation_rule; sops ignores it silently, hush says so.
    assert.deepEqual(warnings, ["destination_rules[0].reencryption_rule: unknown key, ignored as sops does"]);
  });

  it("splits a folded comma-separated pgp list (sops-main/root.sops.yaml)", () => {
    const { config, errors } = loadConfig(fixture("sops-main/root.sops.yaml"));
    assert.deepEqual(errors, []);
    assert.deepEqual(config.creationRules![0]!.keyGroups, [group({ pgp: [P1, P2] })]);
  });

  it("reads age and pgp folded lists in file order (sops-age/root.sops.yaml)", () => {
    const { config, errors, warnings } = loadConfig(fixture("sops-age/root.sops.yaml"));
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.creationRules![0]!.keyGroups, [group({ age: [S2, S1], pgp: [P1, P2] })]);
  });

  it("reads flux.sops.yaml: store indents, anchors and aliases, selectors, a catch-all key_groups rule", () => {
    const { config, errors, warnings } = loadConfig(fixture("flux/flux.sops.yaml"));
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.stores, { yamlIndent: 2, jsonIndent: 2, jsonBinaryIndent: -1 });
    const age = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";
    const pgp = "35C1A64CD7FC0AB6EB66756B2445463C3234ECE1";
    const rules = config.creationRules!;
    assert.deepEqual(rules.map((r) => r.pathRegex), ["(inside|pgp)\\.yaml$", "json\\.yaml$", "\\.yaml$", "\\.(env|txt)$", undefined]);
    assert.deepEqual(rules[0]!.selectors, [{ kind: "encrypted_regex", value: "^(data|stringData)$" }]);
    assert.deepEqual(rules[2]!.selectors, [{ kind: "encrypted_regex", value: "^(data|stringData)$" }]);
    assert.deepEqual(rules[0]!.keyGroups, [group({ pgp: [pgp] })]);
    assert.deepEqual(rules[4]!.keyGroups, [group({ age: [age] }), group({ pgp: [pgp] })]);
    assert.deepEqual(
      [...config.recipientNames],
      [
        [pgp, "pgp"],
        [age, "age"],
      ],
    );
  });

  it("warns about humphd's misspelled path_regexp and, like sops, matches everything", () => {
    const { config, errors, warnings } = loadConfig(fixture("humphd/humphd.sops.yaml"));
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, ['creation_rules[0].path_regexp: unknown key, ignored as sops does (did you mean "path_regex"?)']);
    const rule = config.creationRules![0]!;
    assert.equal(rule.pathRegex, undefined);
    assert.deepEqual(rule.keyGroups, [
      group({
        age: [
          "age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr",
          "age19j4d6v9j7rx5fs629fu387qz4zmlpsqjexa4s08tkfrrmfdl5cwqjlaupd",
          "age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2",
        ],
      }),
    ]);
  });
});

describe("loadConfig normalization", () => {
  it("names recipients after their YAML anchors", () => {
    const { config } = loadConfig(`creation_rules:
  - key_groups:
      - age:
          - &alice age1alice
          - &bob age1bob
        pgp:
          - &carol "AAAA BBBB"
  - age: *alice
`);
    assert.deepEqual(Object.fromEntries(config.recipientNames), { age1alice: "alice", age1bob: "bob", AAAABBBB: "carol" });
    assert.deepEqual(config.creationRules![1]!.keyGroups, [group({ age: ["age1alice"] })]);
  });

  it("flattens merge groups first and dedupes within a group, as sops does", () => {
    const { config, errors } = loadConfig(`creation_rules:
  - key_groups:
      - age: [A]
        merge:
          - age: [B, A]
            pgp: [F1]
      - age: ["C, D"]
        pgp: ["F 2", "F2", "F3,F4"]
`);
    assert.deepEqual(errors, []);
    assert.deepEqual(config.creationRules![0]!.keyGroups, [
      group({ age: ["B", "A"], pgp: ["F1"] }),
      group({ age: ["C", "D"], pgp: ["F2", "F3,F4"] }), // key_groups pgp entries are not split on commas
    ]);
  });

  it("prefers non-empty key_groups over the flat keys, and keeps opaque key types", () => {
    const { config, errors } = loadConfig(`creation_rules:
  - age: X
    key_groups:
      - kms: [{arn: "arn:1", role: r, context: {a: b}, aws_profile: p}]
        gcp_kms: [{resource_id: g}]
        azure_keyvault: [{vaultUrl: "https://v", key: k, version: "1"}]
        hc_vault: ["https://vault/v1/transit/keys/n"]
        hckms: [{key_id: "r:u"}]
  - kms: "arn:a, arn:b,"
    aws_profile: prof
    gcp_kms: [g1]
    azure_keyvault: "https://a/keys/k/v"
    hc_vault_transit_uri: "https://vault/v1/transit/keys/m"
    hckms: ["r:1"]
`);
    assert.deepEqual(errors, []);
    const [r0, r1] = config.creationRules!;
    assert.deepEqual(r0!.keyGroups, [
      group({
        kms: [{ arn: "arn:1", role: "r", context: { a: "b" }, awsProfile: "p" }],
        gcpKms: ["g"],
        azureKeyvault: [{ vaultUrl: "https://v", key: "k", version: "1" }],
        hcVault: ["https://vault/v1/transit/keys/n"],
        hckms: ["r:u"],
      }),
    ]);
    assert.deepEqual(r1!.keyGroups, [
      group({
        kms: [
          { arn: "arn:a", awsProfile: "prof" },
          { arn: "arn:b", awsProfile: "prof" },
        ],
        gcpKms: ["g1"],
        azureKeyvault: ["https://a/keys/k/v"],
        hcVault: ["https://vault/v1/transit/keys/m"],
        hckms: ["r:1"],
      }),
    ]);
  });

  it("reads shamir_threshold, mac_only_encrypted (with yaml.v3's yes/no) and a selector", () => {
    const { config, errors } = loadConfig(`creation_rules:
  - shamir_threshold: 2
    mac_only_encrypted: yes
    unencrypted_regex: "^public"
`);
    assert.deepEqual(errors, []);
    const r = config.creationRules![0]!;
    assert.equal(r.shamirThreshold, 2);
    assert.equal(r.macOnlyEncrypted, true);
    assert.deepEqual(r.selectors, [{ kind: "unencrypted_regex", value: "^public" }]);
  });

  it("treats a missing or null creation_rules as no rules and [] as an empty list", () => {
    assert.equal(loadConfig("stores: {}\n").config.creationRules, undefined);
    assert.equal(loadConfig("creation_rules:\n").config.creationRules, undefined);
    assert.equal(loadConfig("").config.creationRules, undefined);
    assert.deepEqual(loadConfig("creation_rules: []\n").config.creationRules, []);
  });
});

describe("loadConfig validation", () => {
  it("collects every problem with its dot-path and line", () => {
    const { errors, warnings } = loadConfig(`creation_rules:
  - path_regex: "("
    age: 5
  - path_regex: ok
    encrypted_regex: a
    unencrypted_suffix: _u
  - shamir_threshold: two
    mac_only_encrypted: maybe
    key_groups:
      - age: age1notalist
        pgp: [[nested]]
  - pgp: [FP, 7]
    encrypted_regex: "a(?=b)"
stores:
  json: {indent: tab}
  yaml: {indnt: 2}
`);
    // In document order; the kinds sops reports only when the rule is used are marked fatal: false.
    assert.deepEqual(
      errors.map((e) => [formatProblem(e), e.fatal !== false]),
      [
        ["creation_rules[0].path_regex: can not compile regexp: error parsing regexp: missing closing ): `(`", false],
        ["creation_rules[0].age: expected a string or a list of strings, got an integer", false],
        [
          "creation_rules[1]: cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex for the same rule",
          false,
        ],
        ["creation_rules[2].shamir_threshold: expected an integer, got a string", true],
        ["creation_rules[2].mac_only_encrypted: expected a boolean, got a string", true],
        ["creation_rules[2].key_groups[0].age: expected a list, got a string", true],
        ["creation_rules[2].key_groups[0].pgp[0]: expected a string, got a list", true],
        ["creation_rules[3].pgp[1]: expected a string, got an integer", false],
        ["creation_rules[3].encrypted_regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`", false],
        ["stores.json.indent: expected an integer, got a string", true],
      ],
    );
    assert.deepEqual(warnings, [
      'stores.yaml.indnt: unknown key, ignored as sops does (did you mean "indent"?)',
      "creation_rules[3]: unreachable, creation_rules[2] has no path_regex and matches every file first",
    ]);
    const first = errors.find((e) => e.path === "creation_rules[0].age")!;
    assert.deepEqual([first.line, first.col], [3, 10]);
  });

  it("reports a YAML syntax error with its line instead of throwing", () => {
    const { errors, config } = loadConfig("creation_rules:\n  - age: [a\n");
    assert.equal(errors.length >= 1, true);
    assert.match(formatProblem(errors[0]!), /^could not parse config file: /);
    assert.equal(config.creationRules, undefined);
  });

  it("rejects non-mapping rules and a non-list creation_rules", () => {
    assert.deepEqual(loadConfig("creation_rules: abc\n").errors.map(formatProblem), ["creation_rules: expected a list, got a string"]);
    assert.deepEqual(loadConfig("creation_rules: [abc]\n").errors.map(formatProblem), ["creation_rules[0]: expected a mapping, got a string"]);
  });

  it("warns that rules after a catch-all can never match", () => {
    const { warnings } = loadConfig("creation_rules:\n  - age: a\n  - path_regex: x\n    age: b\n");
    assert.deepEqual(warnings, ["creation_rules[1]: unreachable, creation_rules[0] has no path_regex and matches every file first"]);
  });
});
