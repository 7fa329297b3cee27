import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { lookPath, runCapture, runInherit } from "../../../src/sys/spawn.js";
import { isHushError } from "../../../src/errors.js";

const NODE = process.execPath;
const env = { PATH: dirname(NODE) + ":/usr/bin:/bin" };

describe("spawn", () => {
  it("captures stdout bytes, stderr text and the exit code", async () => {
    const r = await runCapture(
      [NODE, "-e", "process.stdout.write(Buffer.from([0,255,10])); process.stderr.write('oops'); process.exit(3)"],
      { env },
    );
    assert.deepEqual(r.stdout, new Uint8Array([0, 255, 10]));
    assert.equal(r.stderr, "oops");
    assert.equal(r.exitCode, 3);
    assert.equal(r.signal, null);
  });

  it("passes stdin and exactly the given environment", async () => {
    const r = await runCapture(
      [NODE, "-e", "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(s+'|'+process.env.SOPS_AGE_RECIPIENT+'|'+(process.env.HOME??'none')))"],
      { env: { ...env, SOPS_AGE_RECIPIENT: "age1xyz", HOME: undefined }, stdin: "in" },
    );
    assert.equal(Buffer.from(r.stdout).toString(), "in|age1xyz|none");
  });

  it("reports death by signal as 128 + signal number", async () => {
    const r = await runCapture([NODE, "-e", "process.kill(process.pid, 'SIGTERM')"], { env });
    assert.equal(r.signal, "SIGTERM");
    assert.equal(r.exitCode, 143);
  });

  it("runs a program with inherited stdio and returns its status", async () => {
    const r = await runInherit([NODE, "-e", "process.exit(5)"], { env });
    assert.deepEqual(r, { exitCode: 5, signal: null });
  });

  it("throws the requested code when the program does not exist", async () => {
    await assert.rejects(runInherit(["hush-no-such-editor", "f"], { env, errorCode: "NO_EDITOR" }), (e: unknown) =>
      isHushError(e, "NO_EDITOR") && e.message === "could not run hush-no-such-editor: not found" && e.exitCode === 201);
    await assert.rejects(runCapture([], { env }), (e: unknown) => isHushError(e, "GENERIC"));
  });

  it("looks programs up on PATH like exec.LookPath", () => {
    assert.equal(lookPath("node", { PATH: dirname(NODE) }), NODE);
    assert.equal(lookPath("hush-no-such-program", env), null);
    assert.equal(lookPath(NODE, {}), NODE);
    assert.equal(lookPath("./definitely/not/here", env), null);
    assert.equal(lookPath("node", { PATH: "" }), null);
  });
});
