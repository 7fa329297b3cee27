/**
 * `hush run` on a terminal: util-linux `script` gives hush a pty here (as a developer's terminal would),
 * and hush must in turn give its child one while still masking what the child prints.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { optionalPeer } from "../../../helpers/peers.js";

const HUSH = resolve(process.cwd(), "dist/hush.cjs");
const SECRET = `S3cret-${randomBytes(8).toString("hex")}`;
const SCRIPT = process.platform === "linux" ? optionalPeer("script", "hush run on a terminal uses util-linux script") : null;

let work: string;
let env: Record<string, string>;

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `shellCommand` on a fresh pty (outer `script`), feeding `input` after `delayMs`. */
function onPty(shellCommand: string, input = "", delayMs = 800): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const child = spawn(SCRIPT!, ["-q", "-e", "-c", shellCommand, "/dev/null"], { cwd: work, env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const t = setTimeout(() => child.stdin.end(input), delayMs);
    const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(t);
      clearTimeout(kill);
      res({ code, out });
    });
  });
}

describe("run on a terminal", { skip: SCRIPT === null ? "needs util-linux script on Linux" : false, concurrency: false }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "hush-tty-"));
    env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: work, TMPDIR: work, SOPS_AGE_KEY_FILE: join(work, "key.txt"), TERM: "xterm", SHELL: "/bin/bash" };
    const run = (args: string[]): string => {
      const r = spawnSync(process.execPath, [HUSH, ...args], { cwd: work, env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    run(["keygen", "-o", "key.txt"]);
    writeFileSync(join(work, "plain.yaml"), `DB_PASSWORD: ${SECRET}\n`);
    run(["encrypt", "--age", run(["keygen", "-y", "key.txt"]).trim(), "--output", "app.yaml", "plain.yaml"]);
    rmSync(join(work, "plain.yaml"));
    writeFileSync(
      join(work, "child.sh"),
      [
        '[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo "child has a tty"',
        'printf "\\033[31mred\\033[0m %s\\n" "$DB_PASSWORD"',
        'printf "name? "',
        "read answer",
        'echo "got $answer"',
        'echo "err $DB_PASSWORD" >&2',
        'echo "shell=$SHELL"',
        "exit 5",
      ].join("\n"),
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("gives the child a terminal (colours, a prompt answered from the keyboard) and masks its output", async () => {
    const r = await onPty(`exec ${q(process.execPath)} ${q(HUSH)} run -f app.yaml -- sh child.sh`, "typed-answer\n");
    assert.equal(r.code, 5, r.out);
    assert.match(r.out, /child has a tty/);
    assert.match(r.out, /\x1b\[31mred\x1b\[0m \*\*\*\r\n/);
    assert.match(r.out, /name\? typed-answer\r\n/);
    assert.match(r.out, /got typed-answer/);
    assert.match(r.out, /err \*\*\*/);
    assert.match(r.out, /shell=\/bin\/bash/, "the child sees the user's SHELL, not the one hush gives script");
    assert.ok(!r.out.includes(SECRET));
  });

  it("--no-mask: the child inherits the terminal itself", async () => {
    const r = await onPty(`exec ${q(process.execPath)} ${q(HUSH)} run --no-mask -f app.yaml -- sh child.sh`, "x\n");
    assert.equal(r.code, 5);
    assert.match(r.out, /child has a tty/);
    assert.ok(r.out.includes(SECRET));
  });

  it("forwards SIGINT sent to hush to the child itself (script would turn it into SIGTERM)", async () => {
    const pidFile = join(work, "hush.pid");
    const child = `trap 'echo "child got INT $DB_PASSWORD"; exit 7' INT; echo ready; while :; do sleep 0.05; done`;
    const cmd = `echo $$ > ${q(pidFile)}; exec ${q(process.execPath)} ${q(HUSH)} run -f app.yaml -- sh -c ${q(child)}`;
    const running = onPty(cmd, "", 15_000);
    const t0 = Date.now();
    while (!existsSync(pidFile) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGINT");
    const r = await running;
    assert.match(r.out, /child got INT \*\*\*/);
    assert.equal(r.code, 7, r.out);
  });
});
