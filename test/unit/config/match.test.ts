import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/load.js";
import { matchCreationRule, pathForMatching } from "../../../src/config/match.js";
import type { CreationRuleMatch } from "../../../src/config/match.js";
import type { KeyGroupSpec, SopsConfig } from "../../../src/config/types.js";
import { HushError } from "../../../src/errors.js";

const FIX = join(process.cwd(), "../shared/fixtures/sops");

function load(text: string): SopsConfig {
  const r = loadConfig(text);
  return r.config;
}

const ages = (m: CreationRuleMatch | null): string[][] => (m === null ? [] : m.keyGroups.map((g: KeyGroupSpec) => g.age));

// Recipients of four throw-away age keys used in the real-sops experiment below.
const A = "age1hxw63aknz692uqra0wprxfemm8l2kldk2g6k6mrsjhga99qr65qqxe9l6t";
const B = "age1clrtul44n8l92swz8maa3puqeyzpktheyx7rrfqre0g2e395y52q9ahczu";
const C = "age17p235uvezlvc33jpdrj8g4gg8hzey2n49nw0lqekx85pfluveepq2c4le2";
const D = "age1h907r8cwyuqkvews56wz52v5ttykzuea7enlls65eg3wjf9r7vascls9e0";

const EXPERIMENT = `creation_rules:
  - path_regex: (?i)^PROD/
    age: ${A}
  - path_regex: ^secrets/[[:alpha:]]+\\.yaml\\z
    age: [${B}, "${C}, ${D}"]
  - path_regex: ^/tmp/
    age: ${C}
  - path_regex: groups\\.yaml$
    key_groups:
      - age: [${A}]
        merge:
          - age: [${B}, ${A}]
      - age: [${C}]
    age: ${D}
  - path_regex: empty\\.yaml$
    key_groups: []
    age: ${D}
  - path_regex: "\\\\.json$"
    age: ${B}
  - path_regexp: anything
    age: ${D}
`;

describe("matchCreationRule", () => {
  it("agrees with real sops 3.13.2 on which recipients each file gets", () => {
    // `sops encrypt <file>` run in <dir> holding EXPERIMENT as .sops.yaml; recipients read from the output
    // (a second list means key_groups with shamir_threshold 2 written by sops).
    const REAL_SOPS: [string, string[][]][] = [
      ["prod/x.yaml", [[A]]],
      ["secrets/abc.yaml", [[B, C, D]]],
      ["secrets/ab1.yaml", [[D]]],
      ["x/groups.yaml", [[B, A], [C]]],
      ["x/empty.yaml", [[D]]],
      ["x/a.json", [[B]]],
      ["x/other.yaml", [[D]]],
      ["/tmp/sopsmatch-outside/x.yaml", [[C]]],
    ];
    const config = load(EXPERIMENT);
    const dir = "/work/proj";
    for (const [file, expected] of REAL_SOPS) {
      const abs = file.startsWith("/") ? file : `${dir}/${file}`;
      assert.deepEqual(ages(matchCreationRule(config, `${dir}/.sops.yaml`, abs)), expected, file);
    }
  });

  it("matches paths relative to the config's directory, and absolute paths outside it", () => {
    assert.equal(pathForMatching("/repo/.sops.yaml", "/repo/secrets/a.yaml"), "secrets/a.yaml");
    assert.equal(pathForMatching("/repo/.sops.yaml", "/repository/a.yaml"), "/repository/a.yaml");
    assert.equal(pathForMatching("/repo/sub/.sops.yaml", "/repo/a.yaml"), "/repo/a.yaml");
    // sops trims "<dir>/": for a config at / that is "//", so paths stay absolute.
    assert.equal(pathForMatching("/.sops.yaml", "/a.yaml"), "/a.yaml");
    const config = load("creation_rules:\n  - path_regex: ^secrets/\n    age: a\n  - path_regex: ^/elsewhere/\n    age: b\n");
    assert.deepEqual(ages(matchCreationRule(config, "/repo/.sops.yaml", "/repo/secrets/x.yaml")), [["a"]]);
    assert.deepEqual(ages(matchCreationRule(config, "/repo/.sops.yaml", "/elsewhere/x.yaml")), [["b"]]);
    assert.equal(matchCreationRule(config, "/repo/.sops.yaml", "/repo/other/secrets/x.yaml"), null);
  });

  it("uses flux.sops.yaml's rules in order with their selectors and a key_groups fallback", () => {
    const config = loadConfig(readFileSync(join(FIX, "flux/flux.sops.yaml"), "utf8")).config;
    const m = (f: string): CreationRuleMatch => matchCreationRule(config, "/k/.sops.yaml", `/k/${f}`)!;
    assert.equal(m("inside.yaml").index, 0);
    assert.deepEqual(m("inside.yaml").selector, { kind: "encrypted_regex", value: "^(data|stringData)$" });
    assert.deepEqual(m("inside.yaml").keyGroups[0]!.pgp, ["35C1A64CD7FC0AB6EB66756B2445463C3234ECE1"]);
    assert.equal(m("a/json.yaml").index, 1);
    assert.deepEqual(m("a/json.yaml").selector, { kind: "encrypted_regex", value: ".*" });
    assert.equal(m("secret.yaml").index, 2);
    assert.equal(m("x.env").index, 3);
    assert.equal(m("x.env").selector, undefined);
    const fallback = m("x.json");
    assert.equal(fallback.index, 4);
    assert.equal(fallback.keyGroups.length, 2);
    assert.equal(fallback.shamirThreshold, 0);
    assert.equal(fallback.macOnlyEncrypted, false);
  });

  it("matches every file with humphd's misspelled path_regexp, as sops does", () => {
    const config = loadConfig(readFileSync(join(FIX, "humphd/humphd.sops.yaml"), "utf8")).config;
    assert.equal(matchCreationRule(config, "/h/.sops.yaml", "/h/anything.txt")!.keyGroups[0]!.age.length, 3);
  });

  it("uses functional-tests.sops.yaml's catch-all for unlisted files", () => {
    const config = loadConfig(readFileSync(join(FIX, "sops-main/functional-tests.sops.yaml"), "utf8")).config;
    const m = (f: string): CreationRuleMatch => matchCreationRule(config, "/f/.sops.yaml", `/f/${f}`)!;
    assert.equal(m("test_roundtrip_keygroups.yaml").keyGroups.length, 2);
    assert.equal(m("test_zero_keygroups.yaml").index, 3);
    assert.equal(m("unrelated.json").index, 5);
  });

  it("returns null without creation_rules and when no rule matches", () => {
    assert.equal(matchCreationRule(load("stores: {}\n"), "/r/.sops.yaml", "/r/a"), null);
    assert.equal(matchCreationRule(load("creation_rules: []\n"), "/r/.sops.yaml", "/r/a"), null);
  });

  it("fails like sops only when a broken rule is reached or used", () => {
    // Verified with sops 3.13.2: ok.yaml encrypts, two.yaml fails on the selectors, z.yaml on the regex.
    const config = load(`creation_rules:
  - path_regex: ^ok
    age: a
  - path_regex: ^two
    encrypted_regex: x
    unencrypted_suffix: _u
    age: a
  - path_regex: "("
    age: a
  - age: 5
`);
    assert.deepEqual(ages(matchCreationRule(config, "/r/.sops.yaml", "/r/ok.yaml")), [["a"]]);
    assert.throws(
      () => matchCreationRule(config, "/r/.sops.yaml", "/r/two.yaml"),
      (e: unknown) =>
        e instanceof HushError && e.code === "CONFIG" && e.message.startsWith("error loading config: creation_rules[1]: cannot use more than one of"),
    );
    assert.throws(
      () => matchCreationRule(config, "/r/.sops.yaml", "/r/z.yaml"),
      (e: unknown) =>
        e instanceof HushError &&
        e.code === "CONFIG" &&
        e.message === "can not compile regexp: creation_rules[2].path_regex: error parsing regexp: missing closing ): `(`",
    );
  });
});
