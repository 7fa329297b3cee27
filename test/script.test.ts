/**
 * CLI end-to-end tests in age's testscript style: each test/script/*.txtar runs in a fresh temp dir
 * against the built bundle dist/hush.cjs (`npm test` builds it first). The verbs are documented in
 * STYLE.md ("CLI end-to-end") and below at `run`. `HUSH_SCRIPT=name` runs only scripts whose file
 * name contains `name`; `HUSH_KEEP_WORK=1` keeps each work dir.
 *
 * Under CI=true a script that needs a peer program that CI installs (sops, age, age-keygen, gpg,
 * ssh-keygen) fails when it is missing instead of skipping, so a broken install cannot hide behind skips.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { expandWord, parseScript, parseTxtar, type ScriptLine } from "./txtar.js";

const ROOT = process.cwd();
const SCRIPTS = join(ROOT, "test", "script");
const BUNDLE = join(ROOT, "dist", "hush.cjs");
const CI_REQUIRED = new Set(["sops", "age", "age-keygen", "gpg", "ssh-keygen"]);
const GO_BIN = join(process.env["GOPATH"]?.split(delimiter)[0] ?? join(homedir(), "go"), "bin");
const SEARCH_PATH = [...(process.env["PATH"] ?? "").split(delimiter), GO_BIN].filter((d) => d !== "").join(delimiter);

/** Finds a program on PATH or in GOPATH/bin (where scripts/install-peers.sh puts sops and age). */
function findExec(name: string): string | null {
  for (const dir of SEARCH_PATH.split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The environment every script starts from: the caller's, minus everything that could leak keys or config. */
function baseEnv(work: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("SOPS_") || k.startsWith("HUSH_") || k.startsWith("NODE_")) continue;
    if (["HOME", "XDG_CONFIG_HOME", "EDITOR", "VISUAL", "GNUPGHOME", "USERPROFILE", "AppData", "APPDATA"].includes(k)) continue;
    env[k] = v;
  }
  env["HOME"] = work;
  env["WORK"] = work;
  env["PATH"] = SEARCH_PATH;
  env["SOPS_DISABLE_VERSION_CHECK"] = "1"; // no network calls from the real sops
  return env;
}

class ScriptFailure extends Error {}
class ScriptSkip extends Error {}

interface Last {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

function runScript(file: string, work: string, log: string[]): void {
  const text = readFileSync(file, "utf8");
  const archive = parseTxtar(text);
  for (const f of archive.files) {
    const p = join(work, f.name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
  }
  const env = baseEnv(work);
  let last: Last | undefined;
  // `cd DIR` (as in Go's testscript): the directory later commands run in and file names resolve from
  let cwd = work;
  let stdin: Buffer | undefined;
  const lines = parseScript(archive.comment);

  for (const line of lines) {
    const fail = (msg: string): never => {
      const out = last === undefined ? "" :
        `\n--- exit ${last.exitCode}\n--- stdout\n${last.stdout.toString()}\n--- stderr\n${last.stderr.toString()}`;
      throw new ScriptFailure(`${basename(file)}:${line.lineNo}: ${line.source}\n${msg}${out}`);
    };
    if (!conditionsHold(line, fail)) continue;
    if (line.negated && !["hush", "exec", "stdout", "stderr", "exists", "cmp", "mode"].includes(line.verb)) {
      fail(`${line.verb} does not take !`);
    }
    const args = line.args.map((w) => expandWord(w, env));
    log.push(`> ${line.source}`);
    const path = (name: string): string => resolve(cwd, name);
    const content = (name: string): Buffer => {
      if (name === "stdout" || name === "stderr") {
        if (last === undefined) fail(`no command has run yet, so there is no ${name}`);
        return last![name];
      }
      if (!existsSync(path(name))) fail(`${name} does not exist`);
      return readFileSync(path(name));
    };
    const want = (n: number, usage: string): void => {
      if (args.length !== n) fail(`usage: ${usage}`);
    };
    switch (line.verb) {
      case "skip":
        throw new ScriptSkip(`${basename(file)}:${line.lineNo}: ${line.source}`);
      case "hush":
      case "exec": {
        const argv = line.verb === "hush" ? [process.execPath, BUNDLE, ...args] : args;
        if (argv.length === 0) fail("usage: exec PROG [args...]");
        if (line.verb === "exec" && !argv[0]!.includes("/")) {
          const found = findExec(argv[0]!);
          if (found === null) fail(`${argv[0]} not found in PATH or ${GO_BIN}`);
          argv[0] = found!;
        }
        const r = spawnSync(argv[0]!, argv.slice(1), { cwd, env, input: stdin ?? "", timeout: 120_000, maxBuffer: 64 << 20 });
        stdin = undefined;
        if (r.error !== undefined) fail(`could not run: ${r.error.message}`);
        last = { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? 128 };
        if (r.signal !== null) fail(`killed by ${r.signal}`);
        if (line.negated && last.exitCode === 0) fail("unexpected success");
        if (!line.negated && last.exitCode !== 0) fail(`unexpected failure (exit ${last.exitCode})`);
        break;
      }
      case "exit":
        want(1, "exit N");
        if (last === undefined) fail("no command has run yet");
        if (String(last!.exitCode) !== args[0]) fail(`exit code is ${last!.exitCode}, want ${args[0]}`);
        break;
      case "stdout":
      case "stderr": {
        want(1, `${line.verb} REGEXP`);
        if (last === undefined) fail("no command has run yet");
        const re = new RegExp(args[0]!, "m");
        const matched = re.test(last![line.verb].toString());
        if (matched === line.negated) fail(`${line.verb} ${line.negated ? "unexpectedly matches" : "does not match"} /${args[0]}/`);
        break;
      }
      case "cmp": {
        want(2, "cmp A B");
        const a = content(args[0]!);
        const b = content(args[1]!);
        if (a.equals(b) === line.negated) {
          fail(line.negated ? `${args[0]} and ${args[1]} are equal` :
            `${args[0]} and ${args[1]} differ\n--- ${args[0]}\n${a.toString()}\n--- ${args[1]}\n${b.toString()}`);
        }
        break;
      }
      case "exists":
        if (args.length === 0) fail("usage: exists FILE...");
        for (const a of args) if (existsSync(path(a)) === line.negated) fail(`${a} ${line.negated ? "exists" : "does not exist"}`);
        break;
      case "env":
        for (const a of args) {
          const eq = a.indexOf("=");
          if (eq <= 0) fail("usage: env KEY=VALUE...");
          env[a.slice(0, eq)] = a.slice(eq + 1);
        }
        break;
      case "cd": {
        want(1, "cd DIR");
        const to = path(args[0]!);
        if (!existsSync(to) || !statSync(to).isDirectory()) fail(`${args[0]} is not a directory`);
        cwd = to;
        break;
      }
      case "envfile": {
        // `envfile KEY FILE`: KEY = FILE's text without its trailing newline, so a generated value (a
        // recipient from `hush keygen -y`) can be passed as an argument: `hush rotate --add-age $KEY f`.
        want(2, "envfile KEY FILE");
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(args[0]!)) fail("usage: envfile KEY FILE");
        env[args[0]!] = content(args[1]!).toString("utf8").replace(/\r?\n$/, "");
        break;
      }
      case "stdin":
        want(1, "stdin FILE");
        stdin = content(args[0]!);
        break;
      case "replace": {
        want(3, "replace FILE OLD NEW");
        const before = content(args[0]!).toString("latin1");
        const old = Buffer.from(args[1]!).toString("latin1");
        if (!before.includes(old)) fail(`${args[0]} does not contain ${JSON.stringify(args[1])}`);
        writeFileSync(path(args[0]!), Buffer.from(before.split(old).join(Buffer.from(args[2]!).toString("latin1")), "latin1"));
        break;
      }
      case "cp":
        want(2, "cp SRC DST");
        if (args[0] === "stdout" || args[0] === "stderr") writeFileSync(path(args[1]!), content(args[0]!));
        else copyFileSync(path(args[0]!), path(args[1]!));
        break;
      case "mode": {
        want(2, "mode FILE 0600");
        if (!existsSync(path(args[0]!))) fail(`${args[0]} does not exist`);
        const got = statSync(path(args[0]!)).mode & 0o7777;
        if ((got === parseInt(args[1]!, 8)) === line.negated) fail(`${args[0]} has mode 0${got.toString(8)}, want ${line.negated ? "not " : ""}${args[1]}`);
        break;
      }
      default:
        fail(`unknown command ${JSON.stringify(line.verb)}`);
    }
  }
}

/**
 * Whether a line's conditions hold. `[exec:NAME]` holds when NAME is found, `[!exec:NAME]` when it is not,
 * except on a `skip` line: there both spellings mean "this script needs NAME" (STYLE.md writes
 * `[exec:sops] skip`, testscript writes `[!exec:sops] skip`), so the script is skipped when NAME is missing.
 */
function conditionsHold(line: ScriptLine, fail: (msg: string) => never): boolean {
  for (const c of line.conditions) {
    const m = /^exec:(.+)$/.exec(c.name);
    if (m === null) fail(`unknown condition [${c.name}] (known: [exec:NAME], [!exec:NAME])`);
    const name = m![1]!;
    const found = findExec(name) !== null;
    if (!found && process.env["CI"] === "true" && CI_REQUIRED.has(name)) {
      fail(`${name} is not installed, and CI must run this script (scripts/install-peers.sh installs it)`);
    }
    if (line.verb === "skip") {
      if (found) return false;
    } else if (found === c.negated) return false;
  }
  return true;
}

const only = process.env["HUSH_SCRIPT"];
const files = existsSync(SCRIPTS) ? readdirSync(SCRIPTS).filter((f) => f.endsWith(".txtar")).sort() : [];
for (const name of files) {
  if (only !== undefined && !name.includes(only)) continue;
  test(`script ${name}`, (t) => {
    if (!existsSync(BUNDLE)) assert.fail(`${BUNDLE} is missing: run npm test (it builds the bundle first)`);
    const work = mkdtempSync(join(tmpdir(), `hush-script-${name.replace(/\.txtar$/, "")}-`));
    const log: string[] = [];
    let ok = false;
    try {
      runScript(join(SCRIPTS, name), work, log);
      ok = true;
    } catch (e) {
      if (e instanceof ScriptSkip) {
        ok = true;
        t.skip(e.message);
        return;
      }
      if (e instanceof ScriptFailure) assert.fail(`${e.message}\n--- commands run\n${log.join("\n")}\n--- work dir ${work}`);
      throw e;
    } finally {
      if (ok && process.env["HUSH_KEEP_WORK"] !== "1") rmSync(work, { recursive: true, force: true });
    }
  });
}
