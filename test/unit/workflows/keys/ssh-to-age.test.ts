/**
 * hush ssh-to-age against the golden vectors of the real Go ssh-to-age (test/vectors/ssh-to-age):
 * stdout, the `-o` file and the exit code byte for byte, the `skipped key:` lines of stderr, and
 * that hush's error messages never repeat the input (the Go tool prints it, private keys too).
 * A live comparison runs when `ssh-to-age` is installed; it is never required (see peers.ts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sshToAgePrivate, sshToAgePublic } from "../../../../src/workflows/keys/ssh-to-age.js";
import { optionalPeer } from "../../../helpers/peers.js";

const DIR = resolve(process.cwd(), "test/vectors/ssh-to-age");
const HUSH = resolve(process.cwd(), "dist/hush.cjs");

interface Case {
  name: string;
  args: string[];
  stdinFile?: string;
  stdinText?: string;
  env?: Record<string, string>;
  exit: number;
  stdout: string;
  stderr: string;
  outFile?: string | null;
}
const VECTORS = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as { version: string; cases: Case[] };

/** Cases hush cannot pass yet, with the reason (none today). */
const TODO: Record<string, string> = {};

interface Run {
  exit: number | null;
  stdout: string;
  stderr: string;
  outFile: string | null | undefined;
}

function run(argv0: string[], c: Case): Run {
  const tmp = mkdtempSync(join(tmpdir(), "hush-s2a-"));
  try {
    const out = join(tmp, "out.txt");
    const args = c.args.map((a) => (a === "out.txt" ? out : a));
    const input = c.stdinFile !== undefined ? readFileSync(join(DIR, c.stdinFile)) : Buffer.from(c.stdinText ?? "");
    const [cmd, ...pre] = argv0;
    const r = spawnSync(cmd as string, [...pre, ...args], { cwd: DIR, input, env: { PATH: process.env["PATH"] ?? "", ...(c.env ?? {}) } });
    const outFile = c.outFile === undefined ? undefined : existsSync(out) ? readFileSync(out, "utf8") : null;
    return { exit: r.status, stdout: r.stdout.toString("utf8"), stderr: r.stderr.toString("utf8"), outFile };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const skippedLines = (stderr: string): string[] => stderr.split("\n").filter((l) => l.startsWith("skipped key: "));

describe(`hush ssh-to-age = ssh-to-age ${VECTORS.version} (golden vectors)`, () => {
  for (const c of VECTORS.cases) {
    it(c.name, { todo: TODO[c.name] }, () => {
      const h = run([process.execPath, HUSH, "ssh-to-age"], c);
      assert.equal(h.stdout, c.stdout, "stdout");
      assert.equal(h.exit, c.exit, `exit code (stderr: ${h.stderr})`);
      assert.deepEqual(skippedLines(h.stderr), skippedLines(c.stderr), "skipped key lines");
      if (c.outFile !== undefined) assert.equal(h.outFile, c.outFile, "-o file");
      if (c.exit !== 0) {
        assert.ok(h.stderr.length > 0, "an error is reported");
        for (const secret of ["BEGIN OPENSSH", "AAAA", "b3BlbnNzaC1rZXktdjE"]) assert.ok(!h.stderr.includes(secret), `stderr repeats input: ${secret}`);
      }
    });
  }
});

describe("hush ssh-to-age = live ssh-to-age (optional peer)", () => {
  const why = "the Go module proxy refuses github.com/Mic92/ssh-to-age, so CI cannot install it; the golden vectors above cover it";
  const real = optionalPeer("ssh-to-age", why);
  for (const c of VECTORS.cases) {
    it(c.name, { skip: real === null ? `ssh-to-age not installed (${why})` : false, todo: TODO[c.name] }, () => {
      const g = run([real as string], c);
      const h = run([process.execPath, HUSH, "ssh-to-age"], c);
      assert.equal(h.stdout, g.stdout, "stdout");
      assert.equal(h.exit, g.exit, "exit code");
      assert.deepEqual(skippedLines(h.stderr), skippedLines(g.stderr));
      if (c.outFile !== undefined && g.exit === 0) assert.equal(h.outFile, g.outFile, "-o file");
    });
  }
});

describe("ssh-to-age workflow", () => {
  const pub = readFileSync(join(DIR, "inputs/id_ed25519.pub"), "utf8");
  const priv = readFileSync(join(DIR, "inputs/id_ed25519"), "utf8");
  it("converts a key list and stops at the first bad line, keeping what came before", async () => {
    const r = await sshToAgePublic(`${pub}ssh-ed25519 !!\n${pub}`);
    assert.equal(r.recipients.length, 1);
    assert.match(r.error?.message ?? "", /^line 2: /);
    assert.ok(!(r.error?.message ?? "").includes("AAAA"));
  });
  it("private key: the identity, and a clear error for a passphrase on an unencrypted key", () => {
    assert.match(sshToAgePrivate(priv, ""), /^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    assert.throws(() => sshToAgePrivate(priv, "x"), /key is not password protected/);
  });
  it("an encrypted key opens with its passphrase (bcrypt-pbkdf, aes256-ctr) and fails clearly with a wrong one", () => {
    const enc = readFileSync(join(DIR, "inputs/id_ed25519_passphrase"), "utf8");
    const want = VECTORS.cases.find((c) => c.name === "private passphrase via env")?.stdout;
    assert.equal(sshToAgePrivate(enc, "correct horse") + "\n", want);
    assert.throws(() => sshToAgePrivate(enc, "wrong"), /incorrect passphrase/);
    assert.throws(() => sshToAgePrivate(enc, ""), /passphrase protected/);
  });
  it("errors never contain key material", () => {
    const enc = readFileSync(join(DIR, "inputs/id_ed25519_passphrase"), "utf8");
    for (const [text, pass] of [[enc, ""], [enc, "wrong"], [pub, ""], [readFileSync(join(DIR, "inputs/id_rsa"), "utf8"), ""]] as const) {
      assert.throws(() => sshToAgePrivate(text, pass), (e: Error) => !e.message.includes("AAAA") && !e.message.includes("BEGIN"));
    }
  });
});
