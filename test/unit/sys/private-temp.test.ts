import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createPrivateTempDir,
  livePrivateTempDirs,
  privateTempBase,
  removePrivateTempDir,
  withPrivateTempDir,
} from "../../../src/sys/private-temp.js";

// The compiled module, for child processes (tests run from the repo root on build/).
// The compiled module sits beside this compiled test (build/run-*/src/sys), wherever the run put it.
const MODULE = new URL("../../../src/sys/private-temp.js", import.meta.url).href;

/** Starts a child that makes a private temp dir, writes a file in it, prints the path and waits. */
function childWithTempDir(extra = ""): Promise<{ dir: string; done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; kill: (s: NodeJS.Signals) => void }> {
  const script = `
    import { createPrivateTempDir } from ${JSON.stringify(MODULE)};
    import { writeFileSync } from "node:fs";
    ${extra}
    const d = createPrivateTempDir();
    writeFileSync(d + "/plain.yaml", "secret: x\\n");
    process.stdout.write(d + "\\n");
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once("exit", (code, signal) => res({ code, signal })));
  return new Promise((res, rej) => {
    let buf = "";
    child.stdout.on("data", (b: Buffer) => {
      buf += b.toString();
      if (buf.includes("\n")) res({ dir: buf.trim(), done, kill: (s) => child.kill(s) });
    });
    child.once("exit", () => rej(new Error("child exited before printing its temp dir")));
  });
}

describe("private temp dirs", () => {
  it("prefers /dev/shm when it is writable", () => {
    if (existsSync("/dev/shm")) assert.equal(privateTempBase(), "/dev/shm");
    else assert.notEqual(privateTempBase(), "");
  });

  it("creates a 0700 directory and removes it after a normal return", async () => {
    let seen = "";
    const out = await withPrivateTempDir((d) => {
      seen = d;
      assert.equal(statSync(d).mode & 0o777, 0o700);
      writeFileSync(d + "/f", "x");
      return 42;
    });
    assert.equal(out, 42);
    assert.equal(existsSync(seen), false);
    assert.ok(!livePrivateTempDirs().includes(seen));
  });

  it("removes the directory when the callback throws", async () => {
    let seen = "";
    await assert.rejects(
      withPrivateTempDir(async (d) => {
        seen = d;
        writeFileSync(d + "/f", "x");
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(existsSync(seen), false);
  });

  it("tolerates removing a directory twice", () => {
    const d = createPrivateTempDir();
    removePrivateTempDir(d);
    removePrivateTempDir(d);
    assert.equal(existsSync(d), false);
  });

  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`removes the directory when the process gets ${sig}, and still dies of it`, async () => {
      const c = await childWithTempDir();
      assert.equal(statSync(c.dir).mode & 0o777, 0o700);
      assert.ok(existsSync(c.dir + "/plain.yaml"));
      c.kill(sig);
      const r = await c.done;
      assert.equal(r.signal, sig);
      assert.equal(existsSync(c.dir), false);
    });
  }

  it("removes the directory on process.exit", async () => {
    const c = await childWithTempDir("setTimeout(() => process.exit(7), 200);");
    const r = await c.done;
    assert.equal(r.code, 7);
    assert.equal(existsSync(c.dir), false);
  });

  it("leaves the exit to another SIGINT handler when there is one", async () => {
    const c = await childWithTempDir('process.on("SIGINT", () => process.exit(130));');
    c.kill("SIGINT");
    const r = await c.done;
    assert.equal(r.code, 130);
    assert.equal(existsSync(c.dir), false);
  });
});
