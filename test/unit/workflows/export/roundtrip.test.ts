/**
 * Every env-like export format round-trips hostile values through the program (or a faithful parser of
 * the program) that reads it: bash `source`, python-dotenv, docker compose's env-file rules, the Actions
 * runner's $GITHUB_ENV reader; JSON and YAML through JSON.parse and the `yaml` package. A value a format
 * cannot express must be refused with EXPORT naming the key path, never the value.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { HushError } from "../../../../src/errors.js";
import { treeMap, type TreeMap } from "../../../../src/tree/index.js";
import { renderSource, writeEnv, mapLeaves, type EnvFormat } from "../../../../src/workflows/export/index.js";
import { parseComposeEnv, parseGithubEnv } from "../../../helpers/env-parsers.js";
import { IN_CI } from "../../../helpers/peers.js";

/** name → value; names are valid env names, values are everything a secret may be. */
export const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ["EMPTY", ""],
  ["PLAIN", "abc123"],
  ["LEAD", "  leading spaces"],
  ["TRAIL", "trailing spaces  "],
  ["MULTI", "line one\nline two\n\nline four"],
  ["ENDS_NL", "ends with a newline\n"],
  ["STARTS_NL", "\nstarts with a newline"],
  ["CRLF", "dos\r\nline\r\n"],
  ["LONE_CR", "a\rb"],
  ["QUOTES", `single ' and double " and both '"'"`],
  ["ONLY_SQ", "'"],
  ["ONLY_DQ", '"'],
  ["DOLLAR", "$HOME and $1 and $$ and $"],
  ["SUBST", "$(rm -rf /) and `id`"],
  ["BACKSLASH", "a\\b\\\\c \\n \\t \\\" \\' \\$x"],
  ["ENDS_BS_BARE", "C:\\path\\"],
  ["UNICODE", "ünïcødé 😀 中文 \u2028 \u00a0nbsp \u0085nel"],
  ["EQUALS", "a=b==c="],
  ["HASH", "#not a comment"],
  ["INLINE_HASH", "value #not a comment"],
  ["TAB", "\ttab\t"],
  ["CONTROL", "\x01\x07\b\v\f\x1b[31m\x7f"],
  ["SHELLISH", "'\\'' ; echo pwned; '"],
  ["DELIM", "ghadelimiter_\nEOF\n"],
  ["JSONISH", '{"a": [1, "x"]}'],
  ["PERCENT", "100%+1,2:3@4/5.6-7_8"],
  ["BRACES_NO_DOLLAR", "{HOME} and {}"],
];

/** Values python-dotenv cannot read back, so the dotenv writer must refuse them. */
const DOTENV_REFUSED: ReadonlyArray<readonly [string, string]> = [
  ["BRACED", "${HOME} and ${X:-d}"],
  ["ENDS_BS_QUOTED", "two words\\"],
];

function write(format: EnvFormat, pairs: ReadonlyArray<readonly [string, string]>, rnd: (n: number) => Uint8Array = (n) => new Uint8Array(n).fill(7)): string {
  const tree = treeMap(pairs.map(([key, value]) => ({ key, value })));
  return writeEnv(mapLeaves(tree, [], {}, "t.yaml"), "t.yaml", { format, randomBytes: rnd });
}

function expectMap(got: Map<string, string> | Record<string, unknown>, pairs: ReadonlyArray<readonly [string, string]>): void {
  const m = got instanceof Map ? got : new Map(Object.entries(got));
  for (const [k, v] of pairs) assert.equal(m.get(k), v, `value of ${k}`);
  assert.equal(m.size, pairs.length);
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "hush-export-rt-"));
}

function python(): string | null {
  const r = spawnSync("python3", ["-c", "import dotenv"], { encoding: "utf8" });
  return r.status === 0 ? "python3" : null;
}

describe("export round-trips", () => {
  it("shell: bash `source` then printf %s gives back every value byte for byte", () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, "env.sh"), write("shell", HOSTILE));
      // each value is written to its own file by printf, so nothing (not even a trailing newline) is lost
      const script = `set -eu; source ./env.sh; for k in ${HOSTILE.map(([k]) => k).join(" ")}; do printf %s "\${!k}" > "out.$k"; done`;
      const r = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8", env: { PATH: process.env["PATH"] ?? "" } });
      assert.equal(r.status, 0, r.stderr);
      for (const [k, v] of HOSTILE) assert.equal(readFileSync(join(dir, `out.${k}`), "utf8"), v, k);
      // and the lines export: a child process sees them
      const c = spawnSync("bash", ["-c", "source ./env.sh; env -0"], { cwd: dir, env: { PATH: process.env["PATH"] ?? "" } });
      const env = new Map(c.stdout.toString("utf8").split("\0").filter((l) => l !== "").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const));
      for (const [k, v] of HOSTILE) assert.equal(env.get(k), v, `exported ${k}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shell: sh (dash/posix) reads the same lines back", () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, "env.sh"), write("shell", HOSTILE));
      const script = `. ./env.sh; ${HOSTILE.map(([k]) => `printf %s "$${k}" > out.${k}`).join("; ")}`;
      const r = spawnSync("sh", ["-c", script], { cwd: dir, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      for (const [k, v] of HOSTILE) assert.equal(readFileSync(join(dir, `out.${k}`), "utf8"), v, k);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const py = python();
  it("dotenv: python-dotenv's dotenv_values reads back every value from the file", { skip: py === null && !IN_CI ? "python3 with python-dotenv is not installed (pip install python-dotenv==1.2.2); skipping" : false }, () => {
    // python-dotenv is a pinned peer (scripts/install-peers.sh): under CI its absence fails this test
    assert.ok(py !== null, "python3 with python-dotenv is not installed under CI (scripts/install-peers.sh installs python-dotenv==1.2.2)");
    const dir = tmp();
    try {
      writeFileSync(join(dir, ".env"), write("dotenv", HOSTILE));
      const r = spawnSync(py, ["-c", "import json,sys; from dotenv import dotenv_values; sys.stdout.write(json.dumps(dotenv_values(sys.argv[1])))", join(dir, ".env")], {
        encoding: "utf8",
        env: { PATH: process.env["PATH"] ?? "", HOME: dir },
      });
      assert.equal(r.status, 0, r.stderr);
      expectMap(JSON.parse(r.stdout) as Record<string, unknown>, HOSTILE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("dotenv: values python-dotenv cannot read back are refused, naming the key path and not the value", () => {
    for (const pair of DOTENV_REFUSED) {
      assert.throws(() => write("dotenv", [pair]), (e: unknown) => {
        assert.ok(e instanceof HushError && e.code === "EXPORT");
        assert.equal(e.keyPath, `["${pair[0]}"]`);
        assert.ok(!e.message.includes(pair[1]) && !e.hints.join("").includes(pair[1]));
        return true;
      });
    }
  });

  it("dotenv: bare values are plain KEY=value lines that naive readers (sops, docker run) also read", () => {
    assert.equal(write("dotenv", [["A", "abc-1.2_x/y:z@w%+,="], ["B", ""]]), "A=abc-1.2_x/y:z@w%+,=\nB=\n");
  });

  it("docker: docker compose's env-file parser reads back every value, with nothing interpolated", () => {
    const all = [...HOSTILE, ...DOTENV_REFUSED];
    const text = write("docker", all);
    expectMap(parseComposeEnv(text), all);
  });

  it("docker: a value that names another key is not expanded ($$ escapes)", () => {
    const text = write("docker", [["A", "x"], ["B", "$A ${A}"]]);
    assert.equal(parseComposeEnv(text).get("B"), "$A ${A}");
    // the faithful parser does interpolate unescaped references, so the check above means something
    assert.equal(parseComposeEnv("A=x\nB=\"$A ${A}\"\n").get("B"), "x x");
  });

  it("github-env: the runner's reader gives back every value; multi-line values use a heredoc", () => {
    const all = [...HOSTILE, ...DOTENV_REFUSED];
    const text = write("github-env", all);
    expectMap(parseGithubEnv(text), all);
    assert.match(text, /^MULTI<<ghadelimiter_[0-9a-f]{32}$/m);
  });

  it("github-env: a delimiter that occurs in the value is never used", () => {
    let calls = 0;
    const rnd = (n: number): Uint8Array => new Uint8Array(n).fill(calls++ === 0 ? 1 : 2);
    const clash = `ghadelimiter_${"01".repeat(16)}`;
    const text = write("github-env", [["V", `x\n${clash}\ny`]], rnd);
    assert.equal(calls, 2);
    assert.ok(text.startsWith(`V<<ghadelimiter_${"02".repeat(16)}\n`));
    assert.equal(parseGithubEnv(text).get("V"), `x\n${clash}\ny`);
  });

  const src = (tree: TreeMap) => ({ value: tree, label: "t.yaml", base: [], dataKeys: [] });
  const nested = treeMap([
    { key: "db", value: treeMap(HOSTILE.map(([key, value]) => ({ key, value }))) },
    { key: "n", value: 5n },
    { key: "f", value: 1.5 },
    { key: "b", value: false },
  ]);
  const ctx = { randomBytes: (n: number) => new Uint8Array(n), warn: () => {} };

  it("json: JSON.parse gives back the tree with its types", () => {
    const got = JSON.parse(Buffer.from(renderSource(ctx, src(nested), { format: "json" })).toString("utf8")) as Record<string, unknown>;
    expectMap(got["db"] as Record<string, unknown>, HOSTILE);
    assert.equal(got["n"], 5);
    assert.equal(got["f"], 1.5);
    assert.equal(got["b"], false);
  });

  it("yaml: the yaml package gives back the tree with its types", () => {
    const got = parseYaml(Buffer.from(renderSource(ctx, src(nested), { format: "yaml" })).toString("utf8")) as Record<string, unknown>;
    expectMap(got["db"] as Record<string, unknown>, HOSTILE);
    assert.equal(got["n"], 5);
    assert.equal(got["b"], false);
  });

  it("json with a key mapping: a flat object of mapped names", () => {
    const got = JSON.parse(Buffer.from(renderSource(ctx, src(nested), { format: "json", upper: true, prefix: "app_" })).toString("utf8")) as Record<string, unknown>;
    assert.equal(got["APP_DB_QUOTES"], HOSTILE.find(([k]) => k === "QUOTES")![1]);
    assert.equal(got["APP_N"], 5);
  });
});

describe("export key mapping", () => {
  const tree = treeMap([
    { key: "db", value: treeMap([{ key: "user", value: "u" }, { key: "hosts", value: { kind: "list", items: ["h1", "h2"] } }]) },
    { key: "bad-name", value: "x" },
  ]);

  it("flattens nested keys and lists with the separator, then prefix and upper-case", () => {
    const leaves = mapLeaves(tree, [], { separator: "__", prefix: "app_", upper: true }, "f");
    assert.deepEqual(leaves.map((l) => [l.name, l.keyPath]), [
      ["APP_DB__USER", '["db"]["user"]'],
      ["APP_DB__HOSTS__0", '["db"]["hosts"][0]'],
      ["APP_DB__HOSTS__1", '["db"]["hosts"][1]'],
      ["APP_BAD-NAME", '["bad-name"]'],
    ]);
  });

  it("an invalid variable name is an error naming the key path, or skipped with --skip-invalid", () => {
    const leaves = mapLeaves(tree, [], {}, "f");
    assert.throws(() => writeEnv(leaves, "f", { format: "shell", randomBytes: () => new Uint8Array() }), (e: unknown) =>
      e instanceof HushError && e.code === "EXPORT" && e.keyPath === '["bad-name"]' && /not a valid environment variable name/.test(e.message));
    const skipped: string[] = [];
    const out = writeEnv(leaves, "f", { format: "shell", skipInvalid: true, onSkip: (l) => skipped.push(l.keyPath), randomBytes: () => new Uint8Array() });
    assert.deepEqual(skipped, ['["bad-name"]']);
    assert.ok(!out.includes("bad"));
  });

  it("two paths that map to one name are an error naming both", () => {
    const t = treeMap([{ key: "a_b", value: "1" }, { key: "a", value: treeMap([{ key: "b", value: "2" }]) }]);
    assert.throws(() => mapLeaves(t, [], {}, "f"), /\["a_b"\] and \["a"\]\["b"\] both map to the name "a_b"/);
  });

  it("NUL and unpaired surrogates are refused in every env format", () => {
    for (const format of ["shell", "dotenv", "docker", "github-env"] as const) {
      assert.throws(() => write(format, [["A", "x\0y"]]), /NUL/);
      assert.throws(() => write(format, [["A", "x\ud800y"]]), /unpaired surrogate/);
    }
  });
});
