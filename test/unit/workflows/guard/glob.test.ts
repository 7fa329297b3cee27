import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileNamePattern, firstMatch } from "../../../../src/workflows/guard/glob.js";
import { DEFAULT_GUARD_ALLOW, DEFAULT_NEVER_COMMIT } from "../../../../src/workflows/guard/settings.js";

describe("never-commit name patterns", () => {
  const never = DEFAULT_NEVER_COMMIT.map(compileNamePattern);
  const allow = DEFAULT_GUARD_ALLOW.map(compileNamePattern);
  const refused = (p: string): boolean => firstMatch(allow, p) === null && firstMatch(never, p) !== null;
  it("matches secrets by base name at any depth, ignoring case", () => {
    for (const p of [".env", "app/.env", ".env.production", "web/.ENV.local", "x.env.local", "prod.env", "certs/server.pem", "tls.key", "home/id_rsa", "id_ed25519", "a.p12", "b.pfx", "keys.txt"])
      assert.equal(refused(p), true, p);
  });
  it("leaves templates, public keys and look-alikes alone", () => {
    for (const p of [".env.example", "a/.env.sample", ".env.template", "id_rsa.pub", "keys.txt.md", "environment.ts", "monkey.yaml", "src/key.ts"])
      assert.equal(refused(p), false, p);
  });
  it("anchors patterns with a slash to the repository root; ** crosses directories", () => {
    const p = compileNamePattern("test/fixtures/**");
    assert.equal(p.test("test/fixtures/a/b.pem"), true);
    assert.equal(p.test("src/test/fixtures/a.pem"), false);
    assert.equal(compileNamePattern("**/*.tfstate").test("infra/prod/x.tfstate"), true);
    assert.equal(compileNamePattern("**/*.tfstate").test("x.tfstate"), true);
    assert.equal(compileNamePattern("id_[rd]sa").test("id_dsa"), true);
    assert.equal(compileNamePattern("a?c").test("a/c"), false);
  });
});
