/**
 * `hush deploy --cleanup` interrupted while its command runs: the derived plaintext is removed on
 * SIGTERM and on SIGINT to hush, hush dies of the signal, and no file under the work dir (state included)
 * holds the secret. Runs the built bundle, as a user would.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { HushError } from "../../../../src/errors.js";
import { deploy, parseDeployConfig } from "../../../../src/workflows/deploy/index.js";
import { encryptFile } from "../../../../src/workflows/files/index.js";
import { testRepo } from "../bulk/_ctx.js";

const HUSH = resolve(process.cwd(), "dist/hush.cjs");
const SECRET = "Sig-S3cr3t-value-91";

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(Buffer.from(needle))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("deploy --cleanup interrupted", () => {
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    it(`removes the plaintext when hush gets ${sig} during the command`, async () => {
      const r = testRepo("hush-deploy-sig-");
      const plain = join(r.dir, "plain.yaml");
      writeFileSync(plain, `TOKEN: ${SECRET}\n`);
      writeFileSync(join(r.dir, "s.enc.yaml"), await encryptFile(r.ctx, { file: plain, age: r.recipient }));
      writeFileSync(plain, "gone\n");
      // the command signals that it started, then waits; hush is interrupted while it runs
      writeFileSync(join(r.dir, "hush.yaml"), `deploy:\n  web:\n    source: s.enc.yaml\n    path: out/.env\n    command: ["sh", "-c", "touch started; sleep 30"]\n`);
      const child = spawn(process.execPath, [HUSH, "deploy", "--cleanup"], { cwd: r.dir, env: r.env, stdio: "ignore", detached: true });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
      try {
        await waitFor(() => existsSync(join(r.dir, "started")), 20_000);
        assert.ok(existsSync(join(r.dir, "out/.env")), "the file exists while the command runs");
        process.kill(child.pid!, sig);
        const st = await exited;
        assert.equal(st.signal, sig);
      } finally {
        try {
          process.kill(-child.pid!, "SIGKILL"); // the sleeping command, in hush's process group
        } catch {
          // already gone
        }
      }
      assert.ok(!existsSync(join(r.dir, "out/.env")));
      assert.deepEqual(filesContaining(r.dir, SECRET), []);
    });
  }

  it("removes the plaintext when the command itself is killed, and names the signal", async () => {
    const r = testRepo("hush-deploy-sig-");
    const plain = join(r.dir, "plain.yaml");
    writeFileSync(plain, `TOKEN: ${SECRET}\n`);
    writeFileSync(join(r.dir, "s.enc.yaml"), await encryptFile(r.ctx, { file: plain, age: r.recipient }));
    writeFileSync(plain, "gone\n");
    const yaml = `deploy:\n  web:\n    source: s.enc.yaml\n    path: out/.env\n    command: ["sh", "-c", "kill -9 $$"]\n`;
    const cfg = parseDeployConfig(yaml, join(r.dir, "hush.yaml"));
    await assert.rejects(deploy(r.ctx, cfg, { cleanup: true }), (e: unknown) => e instanceof HushError && e.code === "DEPLOY_COMMAND" && e.message === "deploy.web: command killed by SIGKILL");
    assert.ok(!existsSync(join(r.dir, "out/.env")));
    assert.deepEqual(filesContaining(r.dir, SECRET), []);
  });
});
