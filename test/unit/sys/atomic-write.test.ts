import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { _writeFileAtomic, writeFileAtomic } from "../../../src/sys/atomic-write.js";
import { isHushError } from "../../../src/errors.js";

describe("writeFileAtomic", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-aw-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (p: string): number => statSync(p).mode & 0o7777;

  it("replaces the content and keeps an existing file's mode", async () => {
    const p = join(dir, "keep.yaml");
    writeFileSync(p, "old\n");
    chmodSync(p, 0o640);
    await writeFileAtomic(p, "new\n");
    assert.equal(readFileSync(p, "utf8"), "new\n");
    assert.equal(mode(p), 0o640);
    chmodSync(p, 0o604);
    await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual(new Uint8Array(readFileSync(p)), new Uint8Array([1, 2, 3]));
    assert.equal(mode(p), 0o604);
  });

  it("keeps an existing file's owner and group when allowed to (root)", { skip: process.getuid?.() !== 0 && "needs root" }, async () => {
    const p = join(dir, "owned.yaml");
    writeFileSync(p, "a");
    chownSync(p, 1234, 5678);
    chmodSync(p, 0o2640); // set-gid survives because chmod comes after chown
    await writeFileAtomic(p, "b");
    const st = statSync(p);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [1234, 5678, 0o2640]);
  });

  it("gives a new file 0666 less the umask, as sops's os.Create does", async () => {
    const p = join(dir, "new.yaml");
    await writeFileAtomic(p, "x");
    assert.equal(mode(p), 0o666 & ~process.umask());
    const q = join(dir, "new-0600.yaml");
    await writeFileAtomic(q, "x", { mode: 0o600 });
    assert.equal(mode(q), 0o600);
  });

  it("writes through a symlink and leaves the link in place", async () => {
    const real = join(dir, "real.yaml");
    const link = join(dir, "link.yaml");
    writeFileSync(real, "a");
    chmodSync(real, 0o600);
    symlinkSync("real.yaml", link);
    await writeFileAtomic(link, "b");
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(real, "utf8"), "b");
    assert.equal(mode(real), 0o600);
  });

  it("leaves the target untouched and removes the temp file when a step fails", async () => {
    const sub = join(dir, "fail");
    mkdirSync(sub);
    const p = join(sub, "secrets.yaml");
    writeFileSync(p, "original\n");
    chmodSync(p, 0o640);
    let seenTemp = "";
    await assert.rejects(
      _writeFileAtomic(p, "replacement\n", {}, {
        beforeRename: (t) => {
          seenTemp = t;
          assert.equal(mode(t), 0o640);
          assert.equal(readFileSync(t, "utf8"), "replacement\n");
          throw Object.assign(new Error("disk on fire"), { code: "EIO" });
        },
      }),
      (e: unknown) => isHushError(e, "WRITE_OUTPUT") && e.file === p && e.exitCode === 3,
    );
    assert.notEqual(seenTemp, "");
    assert.equal(readFileSync(p, "utf8"), "original\n");
    assert.equal(mode(p), 0o640);
    assert.deepEqual(readdirSync(sub), ["secrets.yaml"]);
  });

  it("fails with WRITE_OUTPUT naming the file when the directory is missing", async () => {
    const p = join(dir, "no-such-dir", "x.yaml");
    await assert.rejects(writeFileAtomic(p, "x", { displayName: "x.yaml" }), (e: unknown) =>
      isHushError(e, "WRITE_OUTPUT") && e.file === "x.yaml" && /directory does not exist/.test(e.message));
  });

  it("refuses to replace a directory", async () => {
    const d = join(dir, "adir");
    mkdirSync(d);
    await assert.rejects(writeFileAtomic(d, "x"), (e: unknown) => isHushError(e, "WRITE_OUTPUT"));
    assert.ok(statSync(d).isDirectory());
  });

  it("creates the temp file 0600 and exclusive, next to the target", async () => {
    const p = join(dir, "private.yaml");
    writeFileSync(p, "a");
    chmodSync(p, 0o644);
    let tempMode = -1;
    let tempDir = "";
    await _writeFileAtomic(p, "b", {}, {
      afterOpen: (t) => {
        tempMode = mode(t);
        tempDir = join(t, "..");
      },
    });
    assert.equal(tempMode, 0o600);
    assert.equal(tempDir, dir);
    assert.equal(readFileSync(p, "utf8"), "b");
    assert.equal(mode(p), 0o644);
  });
});
