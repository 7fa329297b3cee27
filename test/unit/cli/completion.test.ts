/**
 * Shell completion (src/cli/completion.ts): every flag the table offers is one the real command accepts;
 * the candidates for commands, flags, flag values and subcommands; and the bash script, sourced in a real
 * bash, fills COMPREPLY from the built hush.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { candidates, COMPLETION } from "../../../src/cli/completion.js";
import { requirePeer } from "../../helpers/peers.js";

const HUSH = resolve(process.cwd(), "dist", "hush.cjs");

describe("shell completion", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-completion-"));
    // nothing any flag could reach: an empty HOME, a throw-away global git config
    env = { PATH: process.env["PATH"], HOME: dir, GIT_CONFIG_GLOBAL: join(dir, "gitconfig"), GIT_CONFIG_NOSYSTEM: "1" };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("offers only flags the commands accept", () => {
    const rejected: string[] = [];
    for (const [cmd, spec] of Object.entries(COMPLETION)) {
      for (const flag of spec.flags) {
        const arg = flag.endsWith("=") ? `${flag}x` : flag;
        // ssh-to-age keeps Go's single-dash flags; -i and -o take a value
        const args = cmd === "ssh-to-age" ? (flag === "-private-key" ? [flag] : [flag, "x"]) : [...(spec.sub === undefined ? [] : [spec.sub[0] as string]), arg];
        const r = spawnSync(process.execPath, [HUSH, cmd, ...args], { cwd: dir, env, input: "", encoding: "utf8", timeout: 30_000 });
        if (r.error !== undefined || /unknown option|Unknown option|flag provided but not defined|not a flag|does not take an argument|argument missing/i.test(r.stderr)) rejected.push(`hush ${cmd} ${args.join(" ")}: ${r.error?.message ?? r.stderr.trim().split("\n")[0]}`);
      }
    }
    assert.deepEqual(rejected, []);
  });

  it("completes commands, then the command's flags, flag values and subcommands; file names otherwise", () => {
    assert.ok(candidates([], "").includes("decrypt"));
    assert.ok(candidates([], "").includes("groups"));
    assert.ok(candidates(["decrypt"], "--").includes("--extract="));
    assert.ok(!candidates(["decrypt"], "--").includes("--add-age="), "rotate's flags are not decrypt's");
    assert.deepEqual(candidates(["export", "--format"], ""), ["dotenv", "shell", "docker", "github-env", "json", "yaml"]);
    assert.deepEqual(candidates(["scan", "--format"], ""), ["text", "json", "sarif"]);
    assert.deepEqual(candidates(["decrypt", "--output-type"], ""), ["yaml", "json", "dotenv", "ini", "binary"]);
    assert.deepEqual(candidates(["groups"], ""), ["add", "delete"]);
    assert.deepEqual(candidates(["groups", "add", "-f"], ""), [], "a file after -f");
    assert.deepEqual(candidates(["decrypt"], ""), [], "a file");
    assert.deepEqual(candidates(["-d"], ""), [], "sops's legacy form takes a file");
    assert.deepEqual(candidates(["--config", "x.yaml", "decrypt", "--extract=x"], ""), [], "global flags before the command");
  });

  it("answers hush __complete and sops's --generate-bash-completion", () => {
    const c = spawnSync(process.execPath, [HUSH, "__complete", "decrypt", "--ext"], { cwd: dir, env, encoding: "utf8" });
    assert.equal(c.status, 0);
    assert.equal(c.stdout, "--extract=\n");
    const g = spawnSync(process.execPath, [HUSH, "rotate", "--add", "--generate-bash-completion"], { cwd: dir, env, encoding: "utf8" });
    assert.equal(g.status, 0);
    assert.equal(g.stdout, "--add-age=\n--add-pgp=\n");
    const bad = spawnSync(process.execPath, [HUSH, "completion", "tcsh"], { cwd: dir, env, encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /bash, zsh or fish/);
    const badName = spawnSync(process.execPath, [HUSH, "completion", "bash", "--name", "a;rm"], { cwd: dir, env, encoding: "utf8" });
    assert.notEqual(badName.status, 0);
    assert.match(badName.stderr, /--name takes a command name/);
    assert.equal(badName.stdout, "", "no script for a name that is not a command name");
    const sopsScript = spawnSync(process.execPath, [HUSH, "completion", "bash", "--name", "sops"], { cwd: dir, env, encoding: "utf8" });
    assert.match(sopsScript.stdout, /-F _hush_complete sops\n$/);
  });

  it("the bash script fills COMPREPLY in a real bash", (t) => {
    const bash = requirePeer(t, "bash");
    if (bash === null) return;
    const script = spawnSync(process.execPath, [HUSH, "completion", "bash"], { encoding: "utf8" }).stdout;
    const complete = (words: string[]): string[] => {
      const body = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _hush_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync(bash, ["-c", body], { cwd: dir, env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split("\n").filter((l) => l !== "");
    };
    assert.deepEqual(complete([HUSH, "grou"]), ["groups"]);
    assert.deepEqual(complete([HUSH, "groups", ""]), ["add", "delete"]);
    assert.deepEqual(complete([HUSH, "export", "--format", "do"]), ["dotenv", "docker"]);
    assert.deepEqual(complete([HUSH, "decrypt", "--ignore"]), ["--ignore-mac"]);
  });

  it("the zsh script offers hush's candidates, and files when there are none", (t) => {
    const zsh = requirePeer(t, "zsh");
    if (zsh === null) return;
    const script = spawnSync(process.execPath, [HUSH, "completion", "zsh"], { encoding: "utf8" }).stdout;
    // compadd and _files stubbed to print what the widget would offer
    const complete = (words: string[]): string[] => {
      const body = `${script.replace(/^compdef .*$/m, "")}
compadd() { local n=\${@[-1]}; print -l -- "\${(P@)n}"; }
_files() { print FILES; }
words=(${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length}; _hush`;
      const r = spawnSync(zsh, ["-f", "-c", body], { cwd: dir, env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split("\n").filter((l) => l !== "");
    };
    assert.deepEqual(complete([HUSH, "groups", ""]), ["add", "delete"]);
    assert.deepEqual(complete([HUSH, "decrypt", "--out"]), ["--output=", "--output-type="]);
    assert.deepEqual(complete([HUSH, "decrypt", ""]), ["FILES"]);
  });

  it("the fish script offers hush's candidates, and files when there are none", (t) => {
    const fish = requirePeer(t, "fish");
    if (fish === null) return;
    const bin = join(dir, "bin");
    spawnSync("mkdir", ["-p", bin]);
    spawnSync("ln", ["-sf", HUSH, join(bin, "hush")]);
    spawnSync("touch", [join(dir, "secrets.yaml")]);
    const script = spawnSync(process.execPath, [HUSH, "completion", "fish"], { encoding: "utf8" }).stdout;
    const complete = (line: string): string[] => {
      const r = spawnSync(fish, ["--no-config", "-c", `${script}\ncomplete -C ${JSON.stringify(line)}`], { cwd: dir, env: { ...env, PATH: `${bin}:${env["PATH"]}` }, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t")[0] as string);
    };
    assert.deepEqual(complete("hush groups "), ["add", "delete"]);
    assert.deepEqual(complete("hush export --format do").sort(), ["docker", "dotenv"]);
    assert.ok(complete("hush decrypt sec").includes("secrets.yaml"));
  });
});
