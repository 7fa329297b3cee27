/**
 * hush install-secrets on sops-nix's own test assets (test/vectors/sops-nix), with the manifests and the
 * assertions of sops-nix's pkgs/sops-install-secrets/main_test.go (TestAge and the GPG test): a symlinked
 * secret owned nobody:nogroup with mode 0400 holding "test_value", a JSON secret 0700 owned root, the
 * 13-byte binary secret, dotenv and INI whole files, and the symlink on generation 2 after a second run.
 */
import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { requirePeer } from "../helpers/peers.js";
import { mountedType } from "../../src/sys/mounts.js";
import { privateTempBase } from "../../src/sys/private-temp.js";
import { FIXTURES } from "../helpers/fixtures.js";

const HUSH = resolve("dist/hush.cjs");
const ASSETS = resolve("test/vectors/sops-nix");
const IS_ROOT = process.getuid?.() === 0;

function install(manifest: object, dir: string, env: Record<string, string>): string {
  const p = join(dir, "manifest.json");
  writeFileSync(p, JSON.stringify(manifest));
  const r = spawnSync(process.execPath, [HUSH, "install-secrets", p], { env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

/** As root, install-secrets mounts a ramfs at the mount point, as sops-nix does: unmount it before removing the tree. */
function cleanup(d: { path: string; secretsPath: string }): void {
  if (mountedType(d.secretsPath) !== null) spawnSync("umount", ["-l", d.secretsPath]);
  rmSync(d.path, { recursive: true, force: true });
}

function testDir(): { path: string; secretsPath: string; symlinkPath: string } {
  const path = mkdtempSync(join(tmpdir(), "symlinkDir"));
  return { path, secretsPath: join(path, "secrets.d"), symlinkPath: join(path, "secrets") };
}

describe("sops-nix test assets through hush install-secrets", () => {
  /**
   * sops-nix's testInstallSecret: secrets.yaml's test_key installed for nobody:nogroup (root only) over an
   * existing file, with the keys `keys` gives; returns hush's stderr.
   */
  const installTestSecret = (t: TestContext, name: string, keys: Record<string, unknown>): string | null => {
    if (!IS_ROOT) {
      t.skip(`sops-nix's ${name} chowns to nobody:nogroup: it needs root (CI runs as root)`);
      return null;
    }
    const d = testDir();
    try {
      const target = join(d.path, "existing-target");
      closeSync(openSync(target, "w"));
      const m = {
        secrets: [{ name: "test", key: "test_key", owner: "nobody", group: "nogroup", sopsFile: join(ASSETS, "secrets.yaml"), path: target, mode: "0400", restartUnits: ["affected-service"], reloadUnits: ["affected-reload-service"] }],
        secretsMountPoint: d.secretsPath,
        symlinkPath: d.symlinkPath,
        ...keys,
      };
      const stderr = install(m, d.path, { PATH: process.env["PATH"] ?? "", HOME: d.path });
      assert.ok(lstatSync(target).isSymbolicLink());
      assert.equal(readFileSync(target, "utf8"), "test_value");
      assert.equal(statSync(target).mode & 0o777, 0o400);
      // sops-nix mounts a ramfs there (where this machine allows mounts)
      const fs = mountedType(d.secretsPath);
      assert.ok(fs === "ramfs" || fs === null, `mounted ${fs}`);
      return stderr;
    } finally {
      cleanup(d);
    }
  };

  it("TestAge: ageKeyFile, an existing target file replaced by the symlink", (t) => {
    installTestSecret(t, "TestAge", { ageKeyFile: join(ASSETS, "age-keys.txt") });
  });

  it("TestSSHKey: sshKeyPaths, an RSA host key made into the GPG key secrets.yaml is encrypted to", (t) => {
    if (requirePeer(t, "gpg") === null) return;
    const before = new Set(readdirSync(privateTempBase()).filter((n) => n.startsWith("hush-gpg-")));
    // no age key and no GnuPG home of its own: only the converted RSA key can open the file; a missing key
    // and an ed25519 key are reported and skipped, as sops-nix does
    const stderr = installTestSecret(t, "TestSSHKey", { sshKeyPaths: [join(ASSETS, "missing-key"), join(FIXTURES, "sops-nix", "ssh-ed25519-key"), join(ASSETS, "ssh-key")] });
    if (stderr === null) return;
    assert.match(stderr, /cannot read ssh key '.*missing-key': ENOENT/);
    assert.match(stderr, /cannot convert ssh key '.*ssh-ed25519-key': only RSA keys can become PGP keys, got ssh-ed25519/);
    assert.doesNotMatch(stderr, /PRIVATE KEY/);
    // the throw-away GnuPG home holding the converted key is gone
    assert.deepEqual(readdirSync(privateTempBase()).filter((n) => n.startsWith("hush-gpg-") && !before.has(n)), []);
  });

  it("testGPG: every format, owners, modes, and generation 2 on the second run", (t) => {
    const gpg = requirePeer(t, "gpg");
    if (gpg === null) return;
    const d = testDir();
    const gpgHome = join(d.path, "gpg-home");
    mkdirSync(gpgHome);
    chmodSync(gpgHome, 0o700);
    const env = { PATH: process.env["PATH"] ?? "", HOME: d.path, GNUPGHOME: gpgHome };
    try {
      const imp = spawnSync(gpg, ["--batch", "--import", join(ASSETS, "key.asc")], { env, encoding: "utf8" });
      assert.equal(imp.status, 0, imp.stderr);
      const yaml = { name: "test", key: "test_key", owner: "nobody", group: "nogroup", sopsFile: join(ASSETS, "secrets.yaml"), path: join(d.path, "test-target"), mode: "0400", restartUnits: ["affected-service"], reloadUnits: ["affected-reload-service"] };
      const m = {
        secrets: [
          yaml,
          { ...yaml, name: "test2", owner: "root", group: "root", format: "json", sopsFile: join(ASSETS, "secrets.json"), path: join(d.secretsPath, "test2"), mode: "0700" },
          { ...yaml, name: "test3", format: "binary", sopsFile: join(ASSETS, "secrets.bin"), path: join(d.secretsPath, "test3") },
          { ...yaml, name: "test4", owner: "root", group: "root", format: "dotenv", sopsFile: join(ASSETS, "secrets.env"), path: join(d.secretsPath, "test4") },
          { ...yaml, name: "test5", owner: "root", group: "root", format: "ini", sopsFile: join(ASSETS, "secrets.ini"), path: join(d.secretsPath, "test5") },
        ],
        secretsMountPoint: d.secretsPath,
        symlinkPath: d.symlinkPath,
        gnupgHome: gpgHome,
      };
      if (!IS_ROOT) {
        t.skip("sops-nix's GPG test chowns to nobody/root: it needs root (CI runs as root)");
        return;
      }
      install(m, d.path, env);
      assert.ok(lstatSync(yaml.path).isSymbolicLink());
      const st = statSync(yaml.path);
      assert.ok(st.isFile());
      assert.equal(st.mode & 0o777, 0o400);
      assert.equal(readFileSync(yaml.path, "utf8"), "test_value");
      const passwd = readFileSync("/etc/passwd", "utf8");
      const group = readFileSync("/etc/group", "utf8");
      assert.ok(passwd.split("\n").some((l) => l.startsWith(`nobody:x:${st.uid}:`)));
      assert.ok(group.split("\n").some((l) => l.startsWith(`nogroup:x:${st.gid}:`)));
      const js = statSync(join(d.secretsPath, "1", "test2"));
      assert.equal(js.mode & 0o777, 0o700);
      assert.deepEqual([js.uid, js.gid], [0, 0]);
      assert.equal(readFileSync(join(d.symlinkPath, "test3")).length, 13);
      assert.match(readFileSync(join(d.symlinkPath, "test4"), "utf8"), /^# This is an example file\.\nhello=Welcome to SOPS!/);
      assert.match(readFileSync(join(d.symlinkPath, "test5"), "utf8"), /^; This is an example file\.\n\[Welcome!\]\n/);
      install(m, d.path, env);
      assert.equal(readlinkSync(d.symlinkPath), join(d.secretsPath, "2"));
    } finally {
      spawnSync("gpgconf", ["--kill", "gpg-agent"], { env });
      cleanup(d);
    }
  });
});
