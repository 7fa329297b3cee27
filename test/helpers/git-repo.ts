/**
 * Real temporary git repositories for workflow tests: the built bundle (dist/hush.cjs) as `hush`, git
 * with an isolated HOME (no user or system config), and helpers to run both and read the work tree.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const BUNDLE: string = resolve(process.cwd(), "dist", "hush.cjs");

/** A finished command. */
export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** One temp repository with its own HOME and environment. */
export class TempRepo {
  readonly dir: string;
  readonly home: string;
  env: Record<string, string>;

  constructor(name: string) {
    this.home = mkdtempSync(join(tmpdir(), `hush-${name}-`));
    this.dir = join(this.home, "repo");
    mkdirSync(this.dir);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith("SOPS_") || k.startsWith("HUSH_") || k.startsWith("GIT_") || k.startsWith("NODE_")) continue;
      if (["HOME", "XDG_CONFIG_HOME", "EDITOR", "VISUAL", "GNUPGHOME"].includes(k)) continue;
      env[k] = v;
    }
    env["HOME"] = this.home;
    env["GIT_CONFIG_NOSYSTEM"] = "1";
    env["SOPS_DISABLE_VERSION_CHECK"] = "1";
    this.env = env;
    this.git("init", "-q", "-b", "main");
    this.git("config", "user.email", "dev@example.com");
    this.git("config", "user.name", "Dev");
  }

  /** Runs a program in the repository; `env` is added to the repo's environment. */
  run(argv: readonly string[], env: Record<string, string> = {}, input = ""): Run {
    const r = spawnSync(argv[0]!, argv.slice(1), { cwd: this.dir, env: { ...this.env, ...env }, input, encoding: "utf8", timeout: 120_000 });
    if (r.error !== undefined) throw r.error;
    return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs `hush ARGS` (the built bundle). */
  hush(args: readonly string[], env: Record<string, string> = {}, input = ""): Run {
    return this.run([process.execPath, BUNDLE, ...args], env, input);
  }

  /** Runs `hush ARGS` and fails with its stderr unless it exits 0; returns stdout. */
  hushOk(...args: string[]): string {
    const r = this.hush(args);
    if (r.status !== 0) throw new Error(`hush ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  /** Runs git and fails unless it exits 0; returns stdout. */
  git(...args: string[]): string {
    const r = this.run(["git", ...args]);
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  write(rel: string, text: string | Uint8Array): void {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }

  read(rel: string): string {
    return readFileSync(join(this.dir, rel), "utf8");
  }

  /** Makes an age identity under HOME and uses it (SOPS_AGE_KEY_FILE); returns its recipient. */
  ageKey(name: string, use = true): { file: string; recipient: string } {
    const file = join(this.home, `${name}.txt`);
    const g = this.hush(["keygen", "-o", file]);
    if (g.status !== 0) throw new Error(g.stderr);
    const recipient = this.hushOk("keygen", "-y", file).trim();
    if (use) this.env["SOPS_AGE_KEY_FILE"] = file;
    return { file, recipient };
  }

  /** Every file of the work tree (outside .git) whose bytes contain `needle`. */
  filesContaining(needle: string): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        if (n === ".git") continue;
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (readFileSync(p).includes(needle)) out.push(p.slice(this.dir.length + 1));
      }
    };
    walk(this.dir);
    return out;
  }

  dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
