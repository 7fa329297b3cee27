/**
 * OWNER (exit 172): a file for another user, asked of a process that is not root. CI runs as root, so
 * the bundle is run as `nobody` through setpriv; run as a normal user, hush itself is that process.
 * Nothing may be written in either case.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encryptFile } from "../../../../src/workflows/files/index.js";
import { testRepo } from "../bulk/_ctx.js";
import { peer } from "../../../helpers/peers.js";

const HUSH = resolve(process.cwd(), "dist/hush.cjs");
const IS_ROOT = process.getuid?.() === 0;

/** argv that runs hush as a user that is not root (nobody when we are root). */
function asNonRoot(args: string[]): string[] | null {
  if (!IS_ROOT) return [process.execPath, HUSH, ...args];
  const setpriv = peer("setpriv");
  if (setpriv === null) return null;
  return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, HUSH, ...args];
}

describe("OWNER: only root may hand a file to someone else", () => {
  it("deploy and install-secrets refuse with exit 172, naming the target or secret, and write nothing", async (t) => {
    const r = testRepo("hush-owner-");
    const dir = mkdtempSync(join(tmpdir(), "hush-owner-work-"));
    try {
      chmodSync(dir, 0o777);
      const plain = join(r.dir, "p.yaml");
      writeFileSync(plain, "db:\n  password: x-owner-secret\n");
      writeFileSync(join(dir, "s.enc.yaml"), await encryptFile(r.ctx, { file: plain, age: r.recipient }));
      writeFileSync(join(dir, "key.txt"), readFileSync(r.keyFile));
      chmodSync(join(dir, "key.txt"), 0o644);
      chmodSync(join(dir, "s.enc.yaml"), 0o644);
      writeFileSync(join(dir, "hush.yaml"), "deploy:\n  web:\n    source: s.enc.yaml\n    path: out/.env\n    owner: root\n");
      writeFileSync(join(dir, "m.json"), JSON.stringify({
        secrets: [{ name: "pw", key: "db/password", path: "/run/secrets/pw", sopsFile: join(dir, "s.enc.yaml"), mode: "0400", owner: "root", group: "root" }],
        secretsMountPoint: join(dir, "root/run/secrets.d"),
        symlinkPath: join(dir, "root/run/secrets"),
      }));
      const env = { PATH: process.env["PATH"] ?? "", HOME: dir, SOPS_AGE_KEY_FILE: join(dir, "key.txt") };
      const deploy = asNonRoot(["deploy"]);
      if (deploy === null) {
        t.skip("running as root without setpriv: cannot drop to a non-root user");
        return;
      }
      const d = spawnSync(deploy[0]!, deploy.slice(1), { cwd: dir, env, encoding: "utf8" });
      assert.equal(d.status, 172, d.stderr);
      assert.match(d.stderr, /^hush: error: .*hush\.yaml: deploy\.web\.owner: only root can give a file to another user \(owner root\)$/m);
      assert.ok(!existsSync(join(dir, "out")));
      const inst = asNonRoot(["install-secrets", "m.json"])!;
      const i = spawnSync(inst[0]!, inst.slice(1), { cwd: dir, env, encoding: "utf8" });
      assert.equal(i.status, 172, i.stderr);
      assert.match(i.stderr, /^hush: error: m\.json: secret "pw": only root can install it as root:root$/m);
      assert.ok(!existsSync(join(dir, "root")));
      assert.ok(!d.stderr.includes("x-owner-secret") && !i.stderr.includes("x-owner-secret"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
