/**
 * Signals, exit status and cleanup of exec-env, exec-file and run, against the built bundle: the child's
 * exit code and fatal signal pass through; SIGTERM/SIGINT/SIGHUP to hush reach the child; and after every
 * run — normal, child crashed, hush interrupted — no file under the temp roots (/dev/shm and $TMPDIR)
 * holds a secret value.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const HUSH = resolve(process.cwd(), "dist/hush.cjs");
const SECRET = `S3cret-${randomBytes(8).toString("hex")}`;
const TOKEN = `tok-${randomBytes(8).toString("hex")}`;

let work: string;
let tmp: string;
let env: Record<string, string>;

function hushSync(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [HUSH, ...args], { cwd: work, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Running {
  child: ChildProcess;
  /** Resolves once `text` has appeared on stdout. */
  waitFor(text: string): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(args: string[]): Running {
  // Its own process group, so a test that times out can kill hush AND the child it started: an orphaned
  // child (one that ignores SIGTERM) keeps the pipes open and 'close' would never come.
  const child = spawn(process.execPath, [HUSH, ...args], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  let err = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on("data", (b: Buffer) => {
    out += b.toString();
    for (const w of waiters.splice(0)) (out.includes(w.text) ? w.resolve : () => waiters.push(w))();
  });
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    child.on("close", (code, signal) => res({ code, signal, stdout: out, stderr: err })),
  );
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group is gone already
    }
  }, 20_000);
  void done.then(() => clearTimeout(timer));
  return {
    child,
    done,
    waitFor: (text) =>
      new Promise((res, rej) => {
        if (out.includes(text)) return res();
        waiters.push({ text, resolve: res });
        void done.then((d) => rej(new Error(`hush ended before printing ${text}: ${JSON.stringify(d)}`)));
      }),
  };
}

/** Regular files under `root` whose content includes one of the secrets (FIFOs and sockets are not opened). */
function leaks(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        try {
          const text = readFileSync(p, "latin1");
          if (text.includes(SECRET) || text.includes(TOKEN)) found.push(p);
        } catch {
          // another user's file: not ours
        }
      }
    }
  };
  walk(root);
  return found;
}

function assertNoLeak(): void {
  assert.deepEqual([...leaks(tmp), ...leaks("/dev/shm")], []);
  // nothing of ours is left in the temp roots at all
  const ours = (root: string): string[] => (existsSync(root) ? readdirSync(root).filter((n) => n.startsWith("hush-")).map((n) => join(root, n)) : []);
  assert.deepEqual(ours(tmp), []);
}

describe("exec-env / exec-file / run: exit status, signals and cleanup", { concurrency: false }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "hush-signals-"));
    tmp = join(work, "tmp");
    mkdirSync(tmp);
    env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: work, TMPDIR: tmp, SOPS_AGE_KEY_FILE: join(work, "key.txt") };
    assert.equal(hushSync(["keygen", "-o", "key.txt"]).status, 0);
    const recipient = hushSync(["keygen", "-y", "key.txt"]).stdout.trim();
    writeFileSync(join(work, "plain.yaml"), `DB_PASSWORD: ${SECRET}\nAPI_TOKEN: ${TOKEN}\n`);
    const enc = hushSync(["encrypt", "--age", recipient, "--output", "app.yaml", "plain.yaml"]);
    assert.equal(enc.status, 0, enc.stderr);
    rmSync(join(work, "plain.yaml"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const cmd of ["exec-env", "run"] as const) {
    const pre = cmd === "run" ? ["run", "-f", "app.yaml", "--"] : ["exec-env", "app.yaml", "--"];

    it(`${cmd}: passes the child's exit code through`, async () => {
      const r = await start([...pre, "sh", "-c", "exit 42"]).done;
      assert.deepEqual([r.code, r.signal], [42, null]);
    });

    it(`${cmd}: dies of the signal that killed the child`, async () => {
      for (const sig of ["SIGTERM", "SIGKILL", "SIGINT", "SIGHUP"] as const) {
        const r = await start([...pre, "sh", "-c", `kill -${sig.slice(3)} $$`]).done;
        assert.deepEqual([r.code, r.signal], [null, sig], `${sig}: ${r.stderr}`);
      }
      // signals whose re-raise would dump core (or that Node reserves) come back as the shell's number
      const r = await start([...pre, "sh", "-c", "kill -SEGV $$"]).done;
      assert.deepEqual([r.code, r.signal], [139, null]);
      assertNoLeak();
    });

    it(`${cmd}: forwards SIGTERM, SIGINT and SIGHUP to the child and waits for it`, async () => {
      for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
        const h = start([...pre, "sh", "-c", `trap 'echo "got ${sig} $DB_PASSWORD"; exit 7' ${sig.slice(3)}; echo ready; while :; do sleep 0.05; done`]);
        await h.waitFor("ready");
        h.child.kill(sig);
        const r = await h.done;
        assert.deepEqual([r.code, r.signal], [7, null], r.stderr);
        assert.match(r.stdout, new RegExp(`got ${sig} ${cmd === "run" ? "\\*\\*\\*" : SECRET}`));
      }
    });

    it(`${cmd}: SIGTERM the child ignores, then SIGINT that kills it: hush waits, then dies of SIGINT`, async () => {
      const h = start([...pre, "sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"]);
      await h.waitFor("ready");
      h.child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(h.child.exitCode, null, "hush must still be waiting for its child");
      assert.equal(h.child.signalCode, null);
      h.child.kill("SIGINT");
      const r = await h.done;
      assert.deepEqual([r.code, r.signal], [null, "SIGINT"]);
      assertNoLeak();
    });
  }

  it("exec-env: sops's shell form passes the exit code through too", async () => {
    const r = await start(["exec-env", "app.yaml", "exit 3"]).done;
    assert.deepEqual([r.code, r.signal], [3, null]);
  });

  for (const fifo of [true, false]) {
    const flags = fifo ? [] : ["--no-fifo"];
    const kind = fifo ? "FIFO" : "--no-fifo file";

    it(`exec-file (${kind}): nothing is left after a normal run and after a crashed child`, async () => {
      const ok = await start(["exec-file", ...flags, "app.yaml", "--", "sh", "-c", 'cat "$1" > /dev/null; echo "$1"', "sh", "{}"]).done;
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /\/hush-[^/]+\/tmp-file\n$/);
      assert.equal(existsSync(ok.stdout.trim()), false);
      const crashed = await start(["exec-file", ...flags, "app.yaml", "--", "sh", "-c", "kill -KILL $$"]).done;
      assert.deepEqual([crashed.code, crashed.signal], [null, "SIGKILL"]);
      assertNoLeak();
    });

    for (const sigs of [["SIGTERM"], ["SIGINT"], ["SIGTERM", "SIGINT"]] as const) {
      it(`exec-file (${kind}): hush sent ${sigs.join(" then ")} while the child runs removes the plaintext`, async () => {
        // the child ignores SIGTERM, so with SIGTERM then SIGINT the second signal is the one that ends it
        const trap = sigs.length === 2 ? "trap '' TERM; " : "";
        const h = start(["exec-file", ...flags, "app.yaml", "--", "sh", "-c", `${trap}echo "ready $1"; while :; do sleep 0.05; done`, "sh", "{}"]);
        await h.waitFor("ready");
        for (const s of sigs) {
          h.child.kill(s);
          await new Promise((r) => setTimeout(r, 150));
        }
        const r = await h.done;
        const last = sigs[sigs.length - 1];
        assert.deepEqual([r.code, r.signal], [null, last], r.stderr);
        const path = /ready (\S+)/.exec(r.stdout)?.[1];
        assert.ok(path !== undefined);
        assert.equal(existsSync(resolve(path!, "..")), false, "the private directory is gone");
        assertNoLeak();
      });
    }
  }

  it("exec-file: a child that never opens the FIFO does not keep hush waiting", async () => {
    const t0 = Date.now();
    const r = await start(["exec-file", "app.yaml", "--", "true"]).done;
    assert.equal(r.code, 0);
    assert.ok(Date.now() - t0 < 5000);
    assertNoLeak();
  });

  it("run: output written after the child exits by a leftover daemon does not keep hush waiting", async () => {
    const t0 = Date.now();
    const r = await start(["run", "-f", "app.yaml", "--", "sh", "-c", 'echo "pw=$DB_PASSWORD"; (sleep 5; echo late) &']).done;
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "pw=***\n");
    assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms`);
  });

  it("run: a reader that goes away stops the child with SIGPIPE as without hush", async () => {
    const r = spawnSync("sh", ["-c", `node "${HUSH}" run -f app.yaml -- sh -c 'while :; do echo "$DB_PASSWORD"; done' | head -n 2; echo "status=\${PIPESTATUS:-done}"`], {
      cwd: work,
      env,
      encoding: "utf8",
      timeout: 15_000,
    });
    assert.equal(r.error, undefined);
    assert.match(r.stdout, /^\*\*\*\n\*\*\*\nstatus=/);
    assertNoLeak();
  });
});
