// SSH key parsing and the ssh-to-age derivation, checked against sops-nix's derived identity,
// ssh-keygen's own output and the age CLI's tags.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isHushError } from "../../../../src/errors.js";
import {
  parseAgeIdentities,
  sshIdentityFromPrivateKey,
  x25519IdentityFromSshKey,
  x25519RecipientFromSshKey,
  x25519RecipientOf,
} from "../../../../src/keys/age/index.js";
import { formatAuthorizedKey, parseAuthorizedKey, parseSshPrivateKey, sshTag } from "../../../../src/keys/age/openssh.js";

const FIX = resolve(process.cwd(), "../shared/fixtures/sops");
const fx = (p: string): string => readFileSync(join(FIX, p), "utf8");

describe("ssh-to-age (sops-nix)", () => {
  it("derives sops-nix's identity from ssh-ed25519-key", () => {
    assert.equal(x25519IdentityFromSshKey(fx("sops-nix/ssh-ed25519-key")), fx("sops-nix/ssh-ed25519-key.derived-age-identity.txt").trim());
  });

  it("derives the matching age1 recipient from ssh-ed25519-key.pub (one of secrets.yaml's recipients)", async () => {
    const r = await x25519RecipientFromSshKey(fx("sops-nix/ssh-ed25519-key.pub"));
    assert.equal(r, x25519RecipientOf(fx("sops-nix/ssh-ed25519-key.derived-age-identity.txt")));
    assert.ok(fx("sops-nix/secrets.yaml").includes(`recipient: ${r}`));
  });

  it("refuses an rsa key", async () => {
    await assert.rejects(x25519RecipientFromSshKey("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQE="), (e: unknown) => isHushError(e, "KEY_FORMAT"));
  });
});

describe("parsing", () => {
  it("round-trips an authorized_keys line and keeps the ed25519 key", () => {
    const line = fx("keys/age-unit/mock-ssh-identity.pub").trim();
    const pk = parseAuthorizedKey(line);
    assert.equal(`${formatAuthorizedKey(pk)} Test`, line);
    const priv = parseSshPrivateKey(fx("keys/age-unit/mock-ssh-identity"));
    assert.ok(!priv.encrypted);
    assert.deepEqual(Buffer.from(priv.key.publicKey.wire), Buffer.from(pk.wire));
  });

  it("rejects a key whose blob type disagrees with the prefix, and other key types", () => {
    const blob = fx("keys/age-unit/mock-ssh-identity.pub").split(" ")[1] ?? "";
    assert.throws(() => parseAuthorizedKey(`ssh-rsa ${blob}`), (e: unknown) => isHushError(e, "KEY_FORMAT"));
    assert.throws(() => parseAuthorizedKey(`ecdsa-sha2-nistp256 ${blob}`), /unknown SSH recipient type/);
  });

  it("names the source and never the key in a malformed-key error", () => {
    const text = fx("keys/age-unit/mock-ssh-identity").split("\n").filter((_, i) => i !== 3).join("\n");
    assert.throws(() => sshIdentityFromPrivateKey(text, "/k"), (e: unknown) =>
      isHushError(e, "KEY_FORMAT") && e.message.startsWith("malformed SSH identity in '/k'") && !e.message.includes("BJdWTJ"));
    assert.throws(() => parseAgeIdentities("hello\n", "src"), { message: "failed to parse 'src' age identities: line 1: unknown identity type" });
  });
});

describe("against ssh-keygen", () => {
  const keygen = "/usr/bin/ssh-keygen";
  const skip = existsSync(keygen) ? false : process.env["CI"] === "true" ? assert.fail(`missing ${keygen}`) : `${keygen} is not installed`;
  if (skip) console.error(`\n!!! SKIPPING ssh-keygen tests: ${keygen} is not installed\n`);

  it("reads the public key out of rsa and ed25519 private keys, encrypted or not", { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-ssh-"));
    try {
      for (const [args, pass] of [[["-t", "ed25519"], ""], [["-t", "rsa", "-b", "2048"], ""], [["-t", "ed25519"], "pw"], [["-t", "rsa", "-b", "2048"], "pw"]] as const) {
        const f = join(dir, `k${args[1]}${pass}`);
        execFileSync(keygen, ["-q", ...args, "-N", pass, "-C", "c", "-f", f]);
        const parsed = parseSshPrivateKey(readFileSync(f, "utf8"));
        const pub = parseAuthorizedKey(readFileSync(`${f}.pub`, "utf8"));
        const got = parsed.encrypted ? parsed.publicKey : parsed.key.publicKey;
        assert.equal(parsed.encrypted, pass !== "");
        assert.ok(got);
        assert.equal(sshTag(got), sshTag(pub));
        assert.equal(formatAuthorizedKey(got), formatAuthorizedKey(pub));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
