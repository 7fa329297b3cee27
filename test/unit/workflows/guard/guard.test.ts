/**
 * `hush guard` semantics in real temp repositories (the built bundle): which .sops.yaml governs a staged
 * file (nearest one up, the staged version first), catch-all rules, quoted fix commands.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { TempRepo } from "../../../helpers/git-repo.js";

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function repoWith(rules: string): { repo: TempRepo; recipient: string } {
  const repo = new TempRepo("guard-unit");
  repos.push(repo);
  const { recipient } = repo.ageKey("me");
  repo.write(".sops.yaml", rules.replaceAll("RECIPIENT", recipient));
  return { repo, recipient };
}

describe("hush guard: which rule governs a staged file", () => {
  it("a catch-all rule (no path_regex) does not make every file a secret", () => {
    const { repo } = repoWith("creation_rules:\n  - age: RECIPIENT\n");
    repo.write("README.md", "hello\n");
    repo.git("add", "README.md", ".sops.yaml");
    const r = repo.hush(["guard"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
  });

  it("the nearest .sops.yaml from the file's directory up decides; its path_regex is relative to it", () => {
    const { repo, recipient } = repoWith("creation_rules:\n  - path_regex: ^top\\.yaml$\n    age: RECIPIENT\n");
    repo.write("sub/.sops.yaml", `creation_rules:\n  - path_regex: ^inner\\.yaml$\n    age: ${recipient}\n`);
    repo.write("sub/inner.yaml", "a: 1\n");
    repo.write("sub/top.yaml", "a: 1\n"); // the root rule would match "top.yaml" only at the root
    repo.write("inner.yaml", "a: 1\n");
    repo.git("add", "-A");
    const r = repo.hush(["guard"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^hush: guard: sub\/inner\.yaml: not sops-encrypted, but sub\/\.sops\.yaml creation rule 0 \(path_regex "\^inner\\\\\.yaml\$"\) says it must be/m);
    assert.doesNotMatch(r.stderr, /guard: (sub\/top|inner)\.yaml/);
  });

  it("reads the staged .sops.yaml, not the work tree's", () => {
    const { repo } = repoWith("creation_rules:\n  - path_regex: ^secrets/\n    age: RECIPIENT\n");
    repo.write("secrets/a.yaml", "a: 1\n");
    repo.git("add", "-A");
    rmSync(join(repo.dir, ".sops.yaml"));
    const r = repo.hush(["guard"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /secrets\/a\.yaml: not sops-encrypted, but \.sops\.yaml creation rule 0/);
  });

  it("quotes odd file names in the fix commands; never prints a value", () => {
    const { repo } = repoWith("creation_rules:\n  - path_regex: ^secrets/\n    age: RECIPIENT\n");
    repo.write("secrets/my file's.yaml", "password: s3cr3t-value\n");
    repo.write("café.pem", "-----BEGIN PRIVATE KEY-----\n");
    repo.git("add", "-A");
    const r = repo.hush(["guard"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /fix: hush encrypt -i 'secrets\/my file'\\''s\.yaml' && git add 'secrets\/my file'\\''s\.yaml'$/m);
    assert.match(r.stderr, /^hush: guard: café\.pem: matches the never-commit pattern "\*\.pem"/m);
    assert.doesNotMatch(r.stderr, /s3cr3t-value/);
  });

  it("runs from a subdirectory: paths and fixes are relative to where it runs", () => {
    const { repo } = repoWith("creation_rules:\n  - path_regex: ^secrets/\n    age: RECIPIENT\n");
    repo.write("secrets/a.yaml", "a: 1\n");
    repo.git("add", "-A");
    const r = repo.run(["sh", "-c", `cd secrets && exec "${process.execPath}" "${join(process.cwd(), "dist", "hush.cjs")}" guard`]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^hush: guard: a\.yaml: not sops-encrypted/m);
    assert.match(r.stderr, /fix: hush encrypt -i a\.yaml && git add a\.yaml$/m);
  });
});
