/**
 * Harness for the interop suite (test/interop/): runs the built `node dist/hush.cjs` and the real
 * `sops` side by side in a throw-away directory with throw-away age keys. HOME and XDG_CONFIG_HOME
 * point into that directory and every SOPS_*, HUSH_*, NODE_* variable of the caller is scrubbed, so
 * no developer key or config can leak in. Both tools run with the directory as their cwd, so a
 * `.sops.yaml` written there is what both of them find.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { GO_BIN, peer } from "./peers.js";

/** The bundled CLI under test (`npm test` builds it before running tests). */
export const HUSH_BUNDLE: string = resolve(process.cwd(), "dist", "hush.cjs");

/** How long one hush or sops run may take before it is killed. */
export const RUN_TIMEOUT_MS = 30_000;

/** The outcome of one process run. */
export interface Run {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Extra settings of one run. */
export interface RunOptions {
  /** Working directory relative to the sandbox (default: the sandbox itself). */
  cwd?: string;
  /** Variables added to (or, when `undefined`, removed from) the sandbox environment. */
  env?: Record<string, string | undefined>;
  /** Bytes fed on stdin (stdin is closed empty otherwise). */
  stdin?: string | Uint8Array;
}

/** An age key pair made by the real `age-keygen`. */
export interface AgeKey {
  recipient: string;
  /** The `AGE-SECRET-KEY-1…` line. */
  identity: string;
  /** Absolute path of a key file holding only this identity. */
  file: string;
}

/** An OpenSSH key pair made by `ssh-keygen -N ''`. */
export interface SshKey {
  /** The public key line (`ssh-ed25519 AAAA… comment`) without the newline. */
  recipient: string;
  /** Absolute path of the private key file. */
  file: string;
}

function spawnRun(cmd: string, args: readonly string[], cwd: string, env: Record<string, string>, stdin: string | Uint8Array | undefined): Promise<Run> {
  return new Promise((res, rej) => {
    // A run that hangs (e.g. an editor opened by mistake) is killed, so the suite cannot stall.
    const child = spawn(cmd, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"], timeout: RUN_TIMEOUT_MS, killSignal: "SIGKILL" });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", rej);
    child.on("close", (code, signal) => {
      res({ code: code ?? (signal !== null ? 128 + 9 : -1), stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.on("error", () => undefined); // the child may exit before reading stdin
    child.stdin.end(stdin ?? "");
  });
}

/** A throw-away working directory with a scrubbed environment, for running hush and sops. */
export class Sandbox {
  readonly dir: string;
  readonly env: Record<string, string>;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `hush-interop-${prefix}-`));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || /^(SOPS_|HUSH_|NODE_|GNUPG|AGE_)/.test(k)) continue;
      if (["HOME", "XDG_CONFIG_HOME", "EDITOR", "VISUAL", "USERPROFILE", "APPDATA"].includes(k)) continue;
      env[k] = v;
    }
    env["HOME"] = this.dir;
    env["XDG_CONFIG_HOME"] = join(this.dir, ".config");
    env["PATH"] = [process.env["PATH"] ?? "", GO_BIN].filter((d) => d !== "").join(":");
    env["SOPS_DISABLE_VERSION_CHECK"] = "1";
    env["EDITOR"] = "false"; // never open a real editor if a run falls into edit mode by mistake
    this.env = env;
  }

  /** Absolute path of `rel` inside the sandbox. */
  path(rel: string): string {
    return join(this.dir, rel);
  }

  /** Writes `data` to `rel` (creating folders) and returns its absolute path. */
  write(rel: string, data: string | Uint8Array): string {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
    return p;
  }

  /** Reads `rel`. */
  read(rel: string): Buffer {
    return readFileSync(this.path(rel));
  }

  private merged(extra: Record<string, string | undefined> | undefined): Record<string, string> {
    const env = { ...this.env };
    for (const [k, v] of Object.entries(extra ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  /** Runs the built hush CLI. */
  hush(args: readonly string[], opts: RunOptions = {}): Promise<Run> {
    return spawnRun(process.execPath, [HUSH_BUNDLE, ...args], this.path(opts.cwd ?? "."), this.merged(opts.env), opts.stdin);
  }

  /** Runs the real sops. @throws Error when sops is not installed (callers check peers first) */
  sops(args: readonly string[], opts: RunOptions = {}): Promise<Run> {
    return spawnRun(mustPeer("sops"), args, this.path(opts.cwd ?? "."), this.merged(opts.env), opts.stdin);
  }

  /** Runs `tool` ("hush" or "sops"). */
  tool(tool: Tool, args: readonly string[], opts: RunOptions = {}): Promise<Run> {
    return tool === "hush" ? this.hush(args, opts) : this.sops(args, opts);
  }

  /** Makes an age key pair with the real age-keygen, stored at `keys/<name>.txt`. */
  async ageKey(name: string): Promise<AgeKey> {
    const file = this.path(`keys/${name}.txt`);
    mkdirSync(dirname(file), { recursive: true });
    const r = await spawnRun(mustPeer("age-keygen"), ["-o", file], this.dir, this.env, undefined);
    if (r.code !== 0) throw new Error(`age-keygen failed: ${r.stderr.toString()}`);
    const text = readFileSync(file, "utf8");
    const recipient = /# public key: (age1[0-9a-z]+)/.exec(text)?.[1];
    const identity = /^(AGE-SECRET-KEY-1[0-9A-Z]+)$/m.exec(text)?.[1];
    if (recipient === undefined || identity === undefined) throw new Error("age-keygen output not understood");
    return { recipient, identity, file };
  }

  /** Writes a key file with several identities (e.g. 2 of 3 Shamir keys) and returns its path. */
  keyFile(rel: string, keys: readonly AgeKey[]): string {
    return this.write(rel, keys.map((k) => `${k.identity}\n`).join(""));
  }

  /** Makes an OpenSSH key pair (`ed25519` or `rsa`) with `ssh-keygen -N ''`. */
  async sshKey(name: string, type: "ed25519" | "rsa"): Promise<SshKey> {
    const file = this.path(`keys/${name}`);
    mkdirSync(dirname(file), { recursive: true });
    const args = ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-C", `${name}@interop`, "-f", file];
    const r = await spawnRun(mustPeer("ssh-keygen"), args, this.dir, this.env, undefined);
    if (r.code !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`);
    return { recipient: readFileSync(`${file}.pub`, "utf8").trim(), file };
  }

  /** Removes the sandbox (kept when HUSH_KEEP_WORK=1, for debugging). */
  dispose(): void {
    if (process.env["HUSH_KEEP_WORK"] === "1") console.error(`interop: kept ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Which tool to run. */
export type Tool = "hush" | "sops";

function mustPeer(name: string): string {
  const p = peer(name);
  if (p === null) throw new Error(`interop: peer binary "${name}" is not installed`);
  return p;
}

/**
 * Masks everything random in an encrypted file (ENC data/iv/tag, age armor, timestamps) so two
 * encryptions of the same input by hush and by sops can be compared byte for byte: what stays is
 * the layout, which values were encrypted and with which type tag, and the metadata keys.
 */
export function maskEncrypted(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString("utf8")
    .replace(/ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]*,tag:[A-Za-z0-9+/=]*,type:([a-z]+)\]/g, (_m, t: string) => `ENC[${t}]`)
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----[\s\S]*?-----END AGE ENCRYPTED FILE-----/g, "AGE-ARMOR")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "TIMESTAMP");
}

/** A one-paragraph description of a run, for assertion messages (never used on secret-free checks). */
export function describeRun(label: string, r: Run): string {
  return `${label}: exit ${r.code}\n--- stdout\n${r.stdout.toString()}\n--- stderr\n${r.stderr.toString()}`;
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Collects matrix cells (row × column → ok/FAIL) and renders them as a compact table. */
export class Matrix {
  private readonly cells = new Map<string, Map<string, string>>();
  private readonly columns: string[] = [];
  readonly title: string;

  constructor(title: string) {
    this.title = title;
  }

  /** Reserves a row, so rows print in declaration order whatever order concurrent tests finish in. */
  row(row: string): void {
    if (!this.cells.has(row)) this.cells.set(row, new Map());
  }

  /** Records the result of one cell; a failure wins over an earlier ok. */
  set(row: string, column: string, ok: boolean | string): void {
    if (!this.columns.includes(column)) this.columns.push(column);
    let r = this.cells.get(row);
    if (r === undefined) this.cells.set(row, (r = new Map()));
    const v = ok === true ? "ok" : ok === false ? "FAIL" : ok;
    if (r.get(column) !== "FAIL") r.set(column, v);
  }

  /** The table as text. */
  render(): string {
    const rows = [...this.cells.keys()];
    const w0 = Math.max(this.title.length, ...rows.map((r) => r.length));
    const widths = this.columns.map((c) => Math.max(c.length, 4));
    const line = (first: string, cols: string[]): string =>
      [first.padEnd(w0), ...cols.map((c, i) => c.padEnd(widths[i] ?? 4))].join(" | ").trimEnd();
    const out = [line(this.title, this.columns), line("-".repeat(w0), widths.map((w) => "-".repeat(w)))];
    for (const r of rows) out.push(line(r, this.columns.map((c) => this.cells.get(r)?.get(c) ?? "-")));
    return out.join("\n");
  }
}

/** A store as the interop suite exercises it: its name, a file extension sops maps to it, and a realistic input. */
export interface StoreCase {
  store: "yaml" | "json" | "dotenv" | "ini" | "binary";
  ext: string;
  input: string | Uint8Array;
}

/**
 * Realistic inputs per store. Key names are shared so one set of selector options fits all stores:
 * `password` (encrypted_regex), `name`/`port` (unencrypted_regex), `*_clear` (a custom
 * unencrypted_suffix), `*_unencrypted` (the default one), `*_enc` (encrypted_suffix); comments
 * containing `public` / `secret` (the comment regexes).
 */
export const STORE_CASES: readonly StoreCase[] = [
  {
    store: "yaml",
    ext: "yaml",
    input: `# public: top comment
app:
    name: hush
    port: 8080
    ratio: 0.75
    negative: -7
    big: 9007199254740993
    debug: false
    nothing: null
    empty: ""
    # secret: db credentials
    db:
        user: admin
        password: s3cr3t-pässwörd
        note_clear: visible
        note_unencrypted: default-suffix
        token_enc: tok-123
    servers:
        - alpha
        - 42
        - 3.14
        - name: beta
          port: 9090 # public: line comment
        - [nested, list]
multi: |
    line one
    line two
folded: >
    folded text
    continues
unicode: "héllo wörld ✓ 日本語 🎉"
quoted: 'yes'
long: this is a rather long clear line of text that goes on well past the eighty column fold of yaml output
---
# second document
second:
    password: doc2-secret
    list: [1, 2]
`,
  },
  {
    store: "json",
    ext: "json",
    input: `{
  "name": "hush",
  "port": 8080,
  "ratio": 0.75,
  "big": 9007199254740993,
  "small": -1.5e-7,
  "debug": true,
  "nothing": null,
  "empty": "",
  "db": {"user": "admin", "password": "s3cr3t-pässwörd", "note_clear": "visible", "note_unencrypted": "x", "token_enc": "tok"},
  "list": ["one", 2, {"name": "beta", "password": "p"}, [true, null]],
  "html": "<a href=\\"x\\">&amp;</a>",
  "unicode": "héllo ✓ 日本語 🎉",
  "multi": "line one\\nline two\\ttab"
}
`,
  },
  {
    store: "dotenv",
    ext: "env",
    input: `# public: app settings
name=hush
port=8080
password=s3cr3t pässwörd
note_clear=visible
note_unencrypted=default
token_enc=tok-123
empty=
multi=line one\\nline two
quoted="double quoted"
unicode=héllo ✓ 日本語

# secret: rotate yearly
debug=true
`,
  },
  {
    store: "ini",
    ext: "ini",
    input: `; public: top
top = level

[app]
name = hush
port = 8080
debug = true
note_clear = visible

; secret: credentials
[db]
user = admin
password = s3cr3t pässwörd
token_enc = tok-123
note_unencrypted = default
empty =
unicode = héllo ✓
`,
  },
  {
    store: "binary",
    ext: "bin",
    input: new Uint8Array([...Buffer.from("binary secret\n\u00e9\n"), 0, 0xff, 0xfe, 0x80, 10, 13, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)]),
  },
];

/** One encryption option as sops exposes it: CLI flags (some are global-only) and the `.sops.yaml` rule field. */
export interface OptionCase {
  name: string;
  /** Flags placed before the subcommand (sops's global-only flags). */
  global: string[];
  /** Flags placed after `encrypt`. */
  flags: string[];
  /**
   * Use the legacy form (`<global flags> -e FILE`) for the flags variant: sops 3.13.2 ignores the
   * global comment-regex flags when the `encrypt` subcommand follows and honours them in the legacy
   * form; hush does the same (checked in test/interop/errors.test.ts).
   */
  legacy?: boolean;
  /** Lines added to the creation rule (YAML, 4-space indented under `- `). */
  rule: string[];
}

/** The encryption options of issue 3 (section 4 of the spec), with values that hit the STORE_CASES keys. */
export const OPTION_CASES: readonly OptionCase[] = [
  { name: "default", global: [], flags: [], rule: [] },
  { name: "unencrypted_suffix", global: [], flags: ["--unencrypted-suffix", "_clear"], rule: ["unencrypted_suffix: _clear"] },
  { name: "encrypted_suffix", global: [], flags: ["--encrypted-suffix", "_enc"], rule: ["encrypted_suffix: _enc"] },
  { name: "unencrypted_regex", global: [], flags: ["--unencrypted-regex", "^(name|port)$"], rule: ["unencrypted_regex: '^(name|port)$'"] },
  { name: "encrypted_regex", global: [], flags: ["--encrypted-regex", "^(password|db)$"], rule: ["encrypted_regex: '^(password|db)$'"] },
  { name: "unencrypted_comment_regex", global: ["--unencrypted-comment-regex", "public"], flags: [], legacy: true, rule: ["unencrypted_comment_regex: public"] },
  { name: "encrypted_comment_regex", global: ["--encrypted-comment-regex", "secret"], flags: [], legacy: true, rule: ["encrypted_comment_regex: secret"] },
  { name: "mac_only_encrypted", global: ["--mac-only-encrypted"], flags: ["--encrypted-suffix", "_enc"], rule: ["mac_only_encrypted: true", "encrypted_suffix: _enc"] },
];

/** A `.sops.yaml` with one creation rule for `recipients` (comma-joined, as sops takes them) plus `extra` lines. */
export function sopsConfig(recipients: readonly string[], extra: readonly string[] = []): string {
  return ["creation_rules:", `  - age: ${recipients.join(",")}`, ...extra.map((l) => `    ${l}`), ""].join("\n");
}
