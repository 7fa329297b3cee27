/**
 * Terminal prompts for secrets (src/cli/main.ts promptTty) on a real pty (util-linux `script`): a
 * passphrase is read as UTF-8 and never echoed, so it is not in what the terminal shows.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { optionalPeer, requirePeer } from "../../helpers/peers.js";

const HUSH = resolve(process.cwd(), "dist/hush.cjs");
const SCRIPT = process.platform === "linux" ? optionalPeer("script", "terminal prompts are tested on a pty from util-linux script") : null;
// non-ASCII on purpose: the prompt used to read bytes as Latin-1
const PASSPHRASE = "pässwörd-çédille-42";

describe("prompting for a passphrase on a terminal", { skip: SCRIPT === null ? "needs util-linux script on Linux" : false }, () => {
  let work: string;
  let env: Record<string, string>;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "hush-prompt-"));
    env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: work, TERM: "xterm", SOPS_AGE_SSH_PRIVATE_KEY_FILE: join(work, "id") };
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("reads a UTF-8 passphrase without echoing it, and decrypts", async (t) => {
    const keygen = requirePeer(t, "ssh-keygen");
    if (keygen === null) return;
    assert.equal(spawnSync(keygen, ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", join(work, "id"), "-C", "t"]).status, 0);
    const recipient = readFileSync(join(work, "id.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
    writeFileSync(join(work, "plain.yaml"), "token: visible-after-decrypt\n");
    const e = spawnSync(process.execPath, [HUSH, "encrypt", "--age", recipient, "--output", "s.yaml", "plain.yaml"], { cwd: work, env, encoding: "utf8" });
    assert.equal(e.status, 0, e.stderr);
    const out = await new Promise<{ code: number | null; text: string }>((res) => {
      const child = spawn(SCRIPT!, ["-q", "-e", "-c", `node ${HUSH} decrypt s.yaml`, "/dev/null"], { cwd: work, env, stdio: ["pipe", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (b: Buffer) => (text += b.toString()));
      child.stderr.on("data", (b: Buffer) => (text += b.toString()));
      // answer once the prompt is on the terminal
      const poll = setInterval(() => {
        if (text.includes("Enter passphrase")) {
          clearInterval(poll);
          child.stdin.end(`${PASSPHRASE}\n`);
        }
      }, 50);
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("close", (code) => {
        clearInterval(poll);
        clearTimeout(kill);
        res({ code, text });
      });
    });
    assert.equal(out.code, 0, out.text);
    assert.match(out.text, /Enter passphrase for ssh key/);
    assert.match(out.text, /token: visible-after-decrypt/);
    assert.ok(!out.text.includes(PASSPHRASE), "the passphrase is not echoed");
  });

  it("Ctrl-C at a secret prompt exits 130 and leaves the terminal echoing", async (t) => {
    const keygen = requirePeer(t, "ssh-keygen");
    if (keygen === null) return;
    // the key and s.yaml of the previous test
    const shell = `node ${HUSH} decrypt s.yaml; echo "EXIT=$?"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo'`;
    const out = await new Promise<string>((res) => {
      // bash as script's shell: it outlives a child that exits on Ctrl-C by itself (dash dies with it)
      const child = spawn(SCRIPT!, ["-q", "-e", "-c", shell, "/dev/null"], { cwd: work, env: { ...env, SHELL: "/bin/bash" }, stdio: ["pipe", "pipe", "pipe"] });
      let text = "";
      let sent = false;
      child.stdout.on("data", (b: Buffer) => {
        text += b.toString();
        if (!sent && text.includes("Enter passphrase")) {
          sent = true;
          setTimeout(() => child.stdin.write("\x03"), 200);
          setTimeout(() => child.stdin.end(), 2_000);
        }
      });
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("close", () => {
        clearTimeout(kill);
        res(text);
      });
    });
    assert.match(out, /EXIT=130/);
    assert.match(out, /^echo\r?$/m, "echo is back on");
    assert.doesNotMatch(out, /^-echo\r?$/m);
  });
});
