/**
 * exec-env and exec-file against the real sops 3.13.2 on the same encrypted files (written by sops):
 * the child sees the same environment and the same file content, and the exit codes agree. Known and
 * documented differences (docs/run.md) are asserted as such: a child's non-zero exit makes sops print
 * `exit status N` while hush prints nothing; a child killed by a signal makes sops exit 255 while hush
 * dies of the signal.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AgeKey, Sandbox, sopsConfig, type Tool } from "../helpers/interop.js";
import { skipUnlessPeers } from "../helpers/peers.js";

const skip = skipUnlessPeers(["sops", "age-keygen"]);

let box: Sandbox;
let key: AgeKey;

const FILES: Record<string, string> = {
  "app.yaml": [
    "# a comment",
    "DB_PASSWORD: s3cr3t pw with spaces",
    "PORT: 5432",
    "RATIO: 1.5",
    "WHOLE: 2.0",
    "TINY: 1.0e-7",
    "ON: true",
    "OFF: false",
    "NOTHING: null",
    'EMPTY: ""',
    'MULTI: "line1\\nline2"',
    "UNICODE: héllo wörld ✓",
    "WHEN: 2024-01-02T03:04:05Z",
    "QUOTES: \"it's \\\"quoted\\\" $HOME `cmd`\"",
    "",
  ].join("\n"),
  "app.json": '{"TOKEN": "tok-1", "COUNT": 3, "FLAG": false, "F": 0.25}\n',
  "app.env": "API_KEY=abc=def\nEMPTY=\nSPACEY= padded \n",
  "nested.yaml": "top: 1\ndb:\n    password: hunter2\n",
};

/** `env -0` output as a sorted list without the variables a shell sets itself. */
function envList(out: Buffer): string[] {
  return out
    .toString("utf8")
    .split("\0")
    .filter((l) => l !== "" && !/^(_|PWD|OLDPWD|SHLVL)=/.test(l))
    .sort();
}

describe("interop: exec-env / exec-file against sops", { skip, concurrency: 4 }, () => {
  before(async () => {
    box = new Sandbox("exec");
    key = await box.ageKey("k");
    box.write(".sops.yaml", sopsConfig([key.recipient]));
    for (const [name, text] of Object.entries(FILES)) {
      box.write(`plain/${name}`, text);
      const r = await box.sops(["encrypt", "--output", name, `plain/${name}`], { env: { SOPS_AGE_KEY_FILE: key.file } });
      assert.equal(r.code, 0, r.stderr.toString());
    }
  });
  after(() => box?.dispose());

  const both = async (args: string[], extraEnv: Record<string, string> = {}): Promise<Record<Tool, { code: number; stdout: Buffer; stderr: Buffer }>> => {
    const env = { SOPS_AGE_KEY_FILE: key.file, INHERITED: "from-parent", PORT: "inherited-port", ...extraEnv };
    const [hush, sops] = await Promise.all([box.hush(args, { env }), box.sops(args, { env })]);
    return { hush, sops };
  };

  for (const file of ["app.yaml", "app.json", "app.env"]) {
    it(`exec-env ${file}: the child sees the same environment`, async () => {
      const r = await both(["exec-env", file, "env -0"]);
      assert.equal(r.sops.code, 0, r.sops.stderr.toString());
      assert.equal(r.hush.code, 0, r.hush.stderr.toString());
      assert.deepEqual(envList(r.hush.stdout), envList(r.sops.stdout));
      assert.ok(envList(r.hush.stdout).includes("INHERITED=from-parent"));
    });

    it(`exec-env --pristine ${file}: the same (secrets only)`, async () => {
      const r = await both(["exec-env", "--pristine", file, "env -0"]);
      assert.equal(r.hush.code, r.sops.code);
      assert.deepEqual(envList(r.hush.stdout), envList(r.sops.stdout));
      assert.ok(!envList(r.hush.stdout).some((l) => l.startsWith("INHERITED=")));
    });
  }

  it("exec-env: a secret replaces an inherited variable of the same name in both", async () => {
    const r = await both(["exec-env", "app.yaml", 'printf %s "$PORT"']);
    assert.equal(r.hush.stdout.toString(), "5432");
    assert.equal(r.sops.stdout.toString(), "5432");
  });

  it("exec-env: a nested value fails with exit 1 in both and runs nothing", async () => {
    const r = await both(["exec-env", "nested.yaml", "echo ran"]);
    assert.deepEqual([r.hush.code, r.sops.code], [1, 1]);
    assert.equal(r.hush.stdout.length + r.sops.stdout.length, 0);
    assert.match(r.sops.stderr.toString(), /complex value.*db/);
    assert.match(r.hush.stderr.toString(), /\["db"\]: cannot use a nested value/);
  });

  it("exec-env: the child's exit code is the exit code of both; only sops adds a message", async () => {
    const r = await both(["exec-env", "app.yaml", "exit 3"]);
    assert.deepEqual([r.hush.code, r.sops.code], [3, 3]);
    assert.match(r.sops.stderr.toString(), /exit status 3/);
    assert.equal(r.hush.stderr.toString(), "");
  });

  it("exec-env: a missing file and the wrong argument count fail alike", async () => {
    const missing = await both(["exec-env", "nope.yaml", "true"]);
    assert.equal(missing.hush.code, missing.sops.code);
    const noCmd = await both(["exec-env", "app.yaml"]);
    assert.deepEqual([noCmd.hush.code, noCmd.sops.code], [1, 1]);
    assert.match(noCmd.sops.stderr.toString(), /missing file to decrypt/);
    assert.match(noCmd.hush.stderr.toString(), /missing file to decrypt/);
  });

  for (const [file, flags] of [
    ["app.yaml", []],
    ["app.yaml", ["--output-type", "json"]],
    ["app.json", []],
    ["app.env", []],
    ["app.yaml", ["--no-fifo"]],
    ["app.env", ["--no-fifo", "--output-type", "yaml"]],
  ] as const) {
    it(`exec-file ${flags.join(" ")} ${file}: the child reads the same bytes`, async () => {
      const r = await both(["exec-file", ...flags, file, "cat {}; echo; ls -l {} | cut -c1-10"]);
      assert.equal(r.sops.code, 0, r.sops.stderr.toString());
      assert.equal(r.hush.code, 0, r.hush.stderr.toString());
      assert.equal(r.hush.stdout.toString(), r.sops.stdout.toString());
    });
  }

  it("exec-file --filename: the same name; a non-local name fails in both", async () => {
    const r = await both(["exec-file", "--filename", "conf.yaml", "app.yaml", "basename {}"]);
    assert.equal(r.hush.stdout.toString(), "conf.yaml\n");
    assert.equal(r.sops.stdout.toString(), "conf.yaml\n");
    const bad = await both(["exec-file", "--filename", "../x", "app.yaml", "true"]);
    assert.deepEqual([bad.hush.code, bad.sops.code], [1, 1]);
  });

  it("exec-file: the child's exit code passes through in both", async () => {
    const r = await both(["exec-file", "app.yaml", "exit 4"]);
    assert.deepEqual([r.hush.code, r.sops.code], [4, 4]);
  });
});
