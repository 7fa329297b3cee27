/**
 * install-secrets mounts an in-memory file system at the mount point, as sops-nix does: a ramfs, or a
 * tmpfs with useTmpfs, once (a second run finds it mounted), and never under --root.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mountedType } from "../../../../src/sys/mounts.js";
import { encryptFile } from "../../../../src/workflows/files/index.js";
import { installSecrets } from "../../../../src/workflows/install-secrets/index.js";
import { testRepo } from "../bulk/_ctx.js";

describe("mountedType", () => {
  it("reads the file system type of a mount point from mountinfo (octal escapes, the last mount wins)", () => {
    const info = [
      "22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw",
      "30 22 0:30 / /run/secrets.d rw,nosuid,nodev - tmpfs none rw",
      "31 30 0:31 / /run/secrets.d rw,nosuid,nodev,noexec - ramfs none rw,mode=751",
      "32 22 0:32 / /tmp/with\\040space rw - ramfs none rw",
    ].join("\n");
    assert.equal(mountedType("/run/secrets.d", info), "ramfs");
    assert.equal(mountedType("/tmp/with space", info), "ramfs");
    assert.equal(mountedType("/run", info), null);
    assert.equal(mountedType("/", info), "ext4");
  });
});

// Mounting needs root with CAP_SYS_ADMIN; containers often lack it, so a probe mount decides.
function canMount(): string | false {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return "needs root on Linux";
  const probe = mkdtempSync(join(tmpdir(), "hush-mount-probe-"));
  try {
    const r = spawnSync("mount", ["-t", "ramfs", "none", probe]);
    if (r.status !== 0) return "this machine does not allow mounting (no CAP_SYS_ADMIN)";
    spawnSync("umount", [probe]);
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe("install-secrets mounts a ramfs or tmpfs at the mount point", { skip: canMount() }, () => {
  let dir: string;
  const mounted: string[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-mount-"));
  });
  after(() => {
    for (const m of mounted.reverse()) spawnSync("umount", ["-l", m]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const useTmpfs of [false, true]) {
    it(`mounts a ${useTmpfs ? "tmpfs" : "ramfs"} once and installs into it`, async () => {
      const r = testRepo("hush-mount-repo-");
      const plain = join(r.dir, "s.yaml");
      writeFileSync(plain, "token: in-memory-only\n");
      const enc = join(dir, `s-${useTmpfs}.yaml`);
      writeFileSync(enc, await encryptFile(r.ctx, { file: plain, age: r.recipient }));
      const mount = join(dir, `secrets-${useTmpfs}.d`);
      const link = join(dir, `secrets-${useTmpfs}`);
      mkdirSync(join(dir, "m"), { recursive: true });
      const manifest = join(dir, `m/${useTmpfs}.json`);
      writeFileSync(
        manifest,
        JSON.stringify({ secrets: [{ name: "token", key: "token", path: join(link, "token"), sopsFile: enc, mode: "0400" }], secretsMountPoint: mount, symlinkPath: link, keepGenerations: 1, ageKeyFile: r.keyFile, useTmpfs }),
      );
      await installSecrets(r.ctx, { manifest });
      mounted.push(mount);
      assert.equal(mountedType(mount), useTmpfs ? "tmpfs" : "ramfs");
      assert.equal(readFileSync(join(link, "token"), "utf8"), "in-memory-only");
      // a second run finds it mounted and mounts nothing over it
      await installSecrets(r.ctx, { manifest });
      const lines = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.split(" ")[4] === mount);
      assert.equal(lines.length, 1);
      assert.equal(readFileSync(join(link, "token"), "utf8"), "in-memory-only");
    });
  }
});
