import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bulkRotate, bulkUpdateKeys, findRepoEncryptedFiles, keyGroupDrift, runPool, selectTargets, validateFiles } from "../../../../src/workflows/bulk/index.js";
import { repoFiles } from "../../../../src/sys/repo-files.js";
import { decryptFile, encryptFile } from "../../../../src/workflows/files/index.js";
import { generateX25519Identity } from "../../../../src/keys/age/index.js";
import { HushError } from "../../../../src/errors.js";
import { testRepo } from "./_ctx.js";

describe("runPool", () => {
  it("never has more than `concurrency` items in flight and keeps input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await runPool(
      Array.from({ length: 40 }, (_, i) => i),
      async (x) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, (x * 7) % 5));
        inFlight--;
        return x * 2;
      },
      { concurrency: 8 },
    );
    assert.equal(peak, 8);
    assert.deepEqual(out, Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it("starts no new item once stopped, and finishes those in flight", async () => {
    let started = 0;
    let stop = false;
    const out = await runPool(
      Array.from({ length: 20 }, (_, i) => i),
      async (x) => {
        started++;
        if (x === 2) stop = true;
        await new Promise((r) => setTimeout(r, 2));
        return x;
      },
      { concurrency: 3, stopped: () => stop },
    );
    assert.ok(started <= 5, `started ${started}`);
    assert.deepEqual(out.slice(0, 3), [0, 1, 2]);
    assert.equal(out[19], undefined);
  });
});

describe("keyGroupDrift", () => {
  it("names missing and extra recipients per group, 1-based, without type prefixes", () => {
    const have = [["age:a1", "age:x"], ["pgp:F1"]];
    const want = [["age:a1", "age:b2"], ["pgp:F1"], ["age:c3"]];
    assert.deepEqual(keyGroupDrift(have, want), [
      { group: 1, missing: ["b2"], extra: ["x"] },
      { group: 3, missing: ["c3"], extra: [] },
    ]);
    assert.deepEqual(keyGroupDrift(want, want), []);
  });
});

describe("repoFiles", () => {
  it("walks a plain directory, skipping .git, node_modules and atomic-write temp files", () => {
    const { dir } = testRepo("hush-walk-");
    for (const p of ["a/x.yaml", "node_modules/m/y.yaml", ".git/config", "a/.x.yaml.0123456789ab.hush-tmp"]) {
      mkdirSync(join(dir, p, ".."), { recursive: true });
      writeFileSync(join(dir, p), "k: v\n");
    }
    assert.deepEqual(repoFiles(dir).files.filter((f) => f.startsWith("a/") || f.startsWith("node_modules") || f.startsWith(".git/")), ["a/x.yaml"]);
  });

  it("uses git ls-files in a git work tree: tracked and untracked files, not ignored ones", (t) => {
    const { dir } = testRepo("hush-git-");
    if (spawnSync("git", ["init", "-q"], { cwd: dir }).status !== 0) return t.skip("git is not installed");
    writeFileSync(join(dir, ".gitignore"), "ignored.yaml\n");
    writeFileSync(join(dir, "kept.yaml"), "a: 1\n");
    writeFileSync(join(dir, "ignored.yaml"), "a: 1\n");
    const files = repoFiles(dir).files;
    assert.ok(files.includes("kept.yaml"));
    assert.ok(!files.includes("ignored.yaml"));
  });
});

async function encryptedRepo(): Promise<ReturnType<typeof testRepo>> {
  const repo = testRepo("hush-bulk-");
  const { dir, recipient, ctx } = repo;
  writeFileSync(join(dir, ".sops.yaml"), `creation_rules:\n  - path_regex: ^app/\n    age: ${recipient}\n  - path_regex: ^other/\n    age: ${recipient}\n`);
  mkdirSync(join(dir, "app"));
  mkdirSync(join(dir, "other"));
  for (const [f, text] of [["app/a.yaml", "a: 1\n"], ["app/b.yaml", "b: 2\n"], ["other/c.yaml", "c: 3\n"]] as const) {
    writeFileSync(join(dir, f), text);
    writeFileSync(join(dir, f), await encryptFile(ctx, { file: f }));
  }
  writeFileSync(join(dir, "app/plain.yaml"), "p: 1\n");
  return repo;
}

describe("selectTargets / findRepoEncryptedFiles", () => {
  it("--all takes the sops-encrypted files a rule matches; plain files and unmatched files are left out", async () => {
    const repo = await encryptedRepo();
    // other/ loses its rule: still encrypted, no longer matched
    writeFileSync(join(repo.dir, ".sops.yaml"), `creation_rules:\n  - path_regex: ^app/\n    age: ${repo.recipient}\n`);
    assert.deepEqual(selectTargets(repo.ctx, { paths: [], all: true }), ["app/a.yaml", "app/b.yaml"]);
    assert.deepEqual(
      findRepoEncryptedFiles(repo.ctx, undefined).map((f) => [f.path, f.ruled]),
      [["app/a.yaml", true], ["app/b.yaml", true], ["other/c.yaml", false]],
    );
    assert.throws(() => selectTargets(repo.ctx, { paths: ["x"], all: true }), (e: unknown) => e instanceof HushError && e.code === "USAGE");
  });
});

describe("bulkUpdateKeys", () => {
  it("dry run reports the change and writes nothing; the real run re-wraps every file for the new recipient", async () => {
    const repo = await encryptedRepo();
    const second = generateX25519Identity();
    writeFileSync(join(repo.dir, ".sops.yaml"), `creation_rules:\n  - path_regex: ^app/\n    age: ${repo.recipient},${second.recipient}\n  - path_regex: ^other/\n    age: ${repo.recipient}\n`);
    const files = selectTargets(repo.ctx, { paths: [], all: true });
    const before = files.map((f) => readFileSync(join(repo.dir, f)));
    const dry = await bulkUpdateKeys(repo.ctx, files, { dryRun: true });
    assert.deepEqual(dry.map((r) => r.status), ["changes", "changes", "unchanged"]);
    assert.ok(dry[0]!.summary!.includes(`+++ ${second.recipient}`));
    files.forEach((f, i) => assert.ok(readFileSync(join(repo.dir, f)).equals(before[i]!)));
    const seen: number[] = [];
    const real = await bulkUpdateKeys(repo.ctx, files, {}, { concurrency: 2, onResult: (_r, done) => seen.push(done) });
    assert.deepEqual(real.map((r) => r.status), ["updated", "updated", "unchanged"]);
    assert.deepEqual(seen, [1, 2, 3]);
    writeFileSync(join(repo.dir, "second.txt"), second.identity + "\n");
    const ctx2 = { ...repo.ctx, env: { ...repo.ctx.env, SOPS_AGE_KEY_FILE: join(repo.dir, "second.txt") } };
    assert.equal(Buffer.from(await decryptFile(ctx2, { file: "app/b.yaml" })).toString(), "b: 2\n");
    assert.ok(!readdirSync(join(repo.dir, "app")).some((f) => f.endsWith(".hush-tmp")));
  });

  it("a failing file is reported in its result; the others are still written", async () => {
    const repo = await encryptedRepo();
    const r = await bulkRotate(repo.ctx, ["app/a.yaml", "app/plain.yaml", "missing.yaml", "app/b.yaml"], {});
    assert.deepEqual(r.map((x) => x.status), ["updated", "failed", "failed", "updated"]);
    assert.ok(r[1]!.error instanceof HushError);
    assert.equal(Buffer.from(await decryptFile(repo.ctx, { file: "app/a.yaml" })).toString(), "a: 1\n");
  });
});

describe("validateFiles", () => {
  it("ok files, drift by group, and undecryptable files, without ever returning a value", async () => {
    const repo = await encryptedRepo();
    const second = generateX25519Identity();
    writeFileSync(join(repo.dir, ".sops.yaml"), `creation_rules:\n  - path_regex: ^app/\n    age: ${second.recipient}\n`);
    const results = await validateFiles(repo.ctx, []);
    const by = new Map(results.map((r) => [r.file, r]));
    assert.deepEqual(by.get("app/a.yaml")!.drift, [{ group: 1, missing: [second.recipient], extra: [repo.recipient] }]);
    assert.equal(by.get("app/a.yaml")!.decryptError, null);
    assert.equal(by.get("other/c.yaml")!.ruled, false);
    assert.equal(by.get("other/c.yaml")!.ok, true);
    assert.ok(!by.has("app/plain.yaml"));
    const ctxNoKey = { ...repo.ctx, env: { ...repo.ctx.env, SOPS_AGE_KEY_FILE: join(repo.dir, "nope.txt") } };
    const [bad] = await validateFiles(ctxNoKey, ["other/c.yaml"]);
    assert.equal(bad!.decryptError?.code, "NO_DECRYPTION_KEY");
    assert.equal(bad!.ok, false);
    assert.ok(!JSON.stringify(results, (_k, v: unknown) => (v instanceof HushError ? v.message : v)).includes("c: 3"));
  });
});
