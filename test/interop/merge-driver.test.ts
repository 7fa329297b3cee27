/**
 * The git merge driver and diff driver end to end, in real temp repositories with `git merge` and
 * `git diff` calling the built bundle: two branches editing different keys of one encrypted file merge
 * cleanly, the result opens with hush AND the real Go sops (MAC verified), both edits present; a true
 * conflict leaves no plaintext in the work tree, git shows the path conflicted, and `hush edit` with a
 * scripted $EDITOR resolves it (refusing while markers remain).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TempRepo } from "../helpers/git-repo.js";
import { requirePeer } from "../helpers/peers.js";

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

function setupRepo(name: string, rule = ""): { repo: TempRepo; recipient: string } {
  const repo = new TempRepo(name);
  repos.push(repo);
  const { recipient } = repo.ageKey("me");
  repo.write(".sops.yaml", `creation_rules:\n  - path_regex: ^secrets/\n    age: ${recipient}\n${rule}`);
  return { repo, recipient };
}

const CASES: { store: string; file: string; input: string; ours: [string, string][]; theirs: [string, string][]; expected: string }[] = [
  {
    store: "yaml",
    file: "secrets/app.yaml",
    input: "# database\ndb:\n    user: app\n    password: base-pw\napi:\n    token: base-token\n",
    ours: [['["api"]["token"]', '"ours-token"'], ['["api"]["added_by_ours"]', '"o"']],
    theirs: [['["db"]["password"]', '"theirs-pw"']],
    expected: "# database\ndb:\n    user: app\n    password: theirs-pw\napi:\n    token: ours-token\n    added_by_ours: o\n",
  },
  {
    store: "json",
    file: "secrets/app.json",
    input: '{\n\t"db": {\n\t\t"password": "base-pw",\n\t\t"port": 5432\n\t},\n\t"token": "base-token"\n}\n',
    ours: [['["token"]', '"ours-token"']],
    theirs: [['["db"]["password"]', '"theirs-pw"'], ['["db"]["host"]', '"db.internal"']],
    expected: '{\n\t"db": {\n\t\t"password": "theirs-pw",\n\t\t"port": 5432,\n\t\t"host": "db.internal"\n\t},\n\t"token": "ours-token"\n}\n',
  },
  {
    store: "dotenv",
    file: "secrets/app.env",
    input: "DB_PASSWORD=base-pw\nTOKEN=base-token\nPORT=5432\n",
    ours: [['["TOKEN"]', '"ours-token"']],
    theirs: [['["DB_PASSWORD"]', '"theirs-pw"']],
    expected: "DB_PASSWORD=theirs-pw\nTOKEN=ours-token\nPORT=5432\n",
  },
  {
    store: "ini",
    file: "secrets/app.ini",
    input: "[db]\npassword = base-pw\nport = 5432\n\n[api]\ntoken = base-token\n",
    ours: [['["api"]["token"]', '"ours-token"']],
    theirs: [['["db"]["password"]', '"theirs-pw"']],
    expected: "[db]\npassword = theirs-pw\nport     = 5432\n\n[api]\ntoken = ours-token\n",
  },
];

describe("git merge driver: different keys edited on two branches", () => {
  for (const c of CASES) {
    it(`${c.store}: git merge succeeds; hush and sops decrypt it with both edits, MAC valid`, (t) => {
      const sops = requirePeer(t, "sops");
      const { repo } = setupRepo(`merge-${c.store}`);
      repo.write(c.file, c.input);
      repo.hushOk("encrypt", "-i", c.file);
      repo.hushOk("git", "setup");
      assert.match(repo.read(".gitattributes"), new RegExp(`^/${c.file.replace(/\./g, "\\.")} diff=sops merge=sops$`, "m"));
      repo.git("add", "-A");
      repo.git("commit", "-q", "-m", "base");
      repo.git("checkout", "-q", "-b", "feature");
      for (const [p, v] of c.theirs) repo.hushOk("set", c.file, p, v);
      repo.git("commit", "-q", "-am", "theirs");
      repo.git("checkout", "-q", "main");
      for (const [p, v] of c.ours) repo.hushOk("set", c.file, p, v);
      repo.git("commit", "-q", "-am", "ours");
      const m = repo.run(["git", "merge", "--no-edit", "feature"]);
      assert.equal(m.status, 0, m.stderr + m.stdout);
      assert.equal(repo.git("status", "--porcelain"), "");
      assert.equal(repo.hushOk("decrypt", c.file), c.expected);
      if (sops === null) return;
      const s = repo.run([sops, "decrypt", c.file]);
      assert.equal(s.status, 0, s.stderr);
      assert.equal(s.stdout, c.expected);
      // no plaintext value in the committed file
      assert.deepEqual(repo.filesContaining("theirs-pw"), []);
    });
  }

  it("binary (unstructured) files: non-overlapping line edits merge line by line; sops agrees", (t) => {
    const sops = requirePeer(t, "sops");
    const { repo } = setupRepo("merge-binary");
    repo.write("secrets/bundle.pem", "line1\nline2\nline3\nline4\n");
    repo.hushOk("encrypt", "-i", "secrets/bundle.pem");
    repo.hushOk("git", "setup");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "base");
    repo.git("checkout", "-q", "-b", "feature");
    repo.hushOk("set", "secrets/bundle.pem", '["data"]', '"line1\\nline2\\nline3\\nTHEIRS4\\n"');
    repo.git("commit", "-q", "-am", "theirs");
    repo.git("checkout", "-q", "main");
    repo.hushOk("set", "secrets/bundle.pem", '["data"]', '"OURS1\\nline2\\nline3\\nline4\\n"');
    repo.git("commit", "-q", "-am", "ours");
    const m = repo.run(["git", "merge", "--no-edit", "feature"]);
    assert.equal(m.status, 0, m.stderr);
    assert.equal(repo.hushOk("decrypt", "secrets/bundle.pem"), "OURS1\nline2\nline3\nTHEIRS4\n");
    if (sops === null) return;
    const s = repo.run([sops, "decrypt", "secrets/bundle.pem"]);
    assert.equal(s.status, 0, s.stderr);
    assert.equal(s.stdout, "OURS1\nline2\nline3\nTHEIRS4\n");
  });

  it("takes theirs's recipients when only theirs changed them (updatekeys), keeping both value edits", (t) => {
    const sops = requirePeer(t, "sops");
    const { repo, recipient } = setupRepo("merge-keys");
    const bob = repo.ageKey("bob", false);
    repo.write("secrets/a.yaml", "a: 1\nb: 2\n");
    repo.hushOk("encrypt", "-i", "secrets/a.yaml");
    repo.hushOk("git", "setup");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "base");
    repo.git("checkout", "-q", "-b", "feature");
    repo.write(".sops.yaml", `creation_rules:\n  - path_regex: ^secrets/\n    age: ${recipient},${bob.recipient}\n`);
    repo.hushOk("updatekeys", "-y", "secrets/a.yaml");
    repo.hushOk("set", "secrets/a.yaml", '["a"]', "10");
    repo.git("commit", "-q", "-am", "add bob");
    repo.git("checkout", "-q", "main");
    repo.hushOk("set", "secrets/a.yaml", '["b"]', "20");
    repo.git("commit", "-q", "-am", "ours");
    const m = repo.run(["git", "merge", "--no-edit", "feature"]);
    assert.equal(m.status, 0, m.stderr);
    const asBob = repo.hush(["decrypt", "secrets/a.yaml"], { SOPS_AGE_KEY_FILE: bob.file });
    assert.equal(asBob.status, 0, asBob.stderr);
    assert.equal(asBob.stdout, "a: 10\nb: 20\n");
    if (sops === null) return;
    const s = repo.run([sops, "decrypt", "secrets/a.yaml"], { SOPS_AGE_KEY_FILE: bob.file });
    assert.equal(s.status, 0, s.stderr);
    assert.equal(s.stdout, "a: 10\nb: 20\n");
  });

  it("without a key: the path is left conflicted with ours's encrypted bytes and a message", () => {
    const { repo } = setupRepo("merge-nokey");
    repo.write("secrets/a.yaml", "a: 1\nb: 2\n");
    repo.hushOk("encrypt", "-i", "secrets/a.yaml");
    repo.hushOk("git", "setup");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "base");
    repo.git("checkout", "-q", "-b", "feature");
    repo.hushOk("set", "secrets/a.yaml", '["a"]', "10");
    repo.git("commit", "-q", "-am", "theirs");
    repo.git("checkout", "-q", "main");
    repo.hushOk("set", "secrets/a.yaml", '["b"]', "20");
    repo.git("commit", "-q", "-am", "ours");
    const ours = repo.read("secrets/a.yaml");
    const other = repo.ageKey("stranger", false);
    const m = repo.run(["git", "merge", "--no-edit", "feature"], { SOPS_AGE_KEY_FILE: other.file });
    assert.notEqual(m.status, 0);
    assert.match(m.stdout + m.stderr, /hush: merge: cannot merge secrets\/a\.yaml key by key: .*no key|hush: merge: cannot merge secrets\/a\.yaml key by key/);
    assert.match(repo.git("status", "--porcelain"), /^UU secrets\/a\.yaml$/m);
    assert.equal(repo.read("secrets/a.yaml"), ours);
  });
});

describe("git merge driver: a true conflict", () => {
  it("leaves no plaintext in the work tree, git shows the conflict, hush edit resolves it; sops reads the result", (t) => {
    const sops = requirePeer(t, "sops");
    // a selector that leaves `user` in clear: the conflict form must still encrypt everything
    const { repo } = setupRepo("conflict", "    encrypted_regex: ^(password|token)$\n");
    repo.write("secrets/app.yaml", "db:\n    user: app\n    password: base-pw\ntoken: base-token\n");
    repo.hushOk("encrypt", "-i", "secrets/app.yaml");
    repo.hushOk("git", "setup");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "base");
    repo.git("checkout", "-q", "-b", "feature");
    repo.hushOk("set", "secrets/app.yaml", '["db"]["password"]', '"THEIRS-SECRET-1"');
    repo.hushOk("set", "secrets/app.yaml", '["db"]["user"]', '"theirs-user"');
    repo.git("commit", "-q", "-am", "theirs");
    repo.git("checkout", "-q", "main");
    repo.hushOk("set", "secrets/app.yaml", '["db"]["password"]', '"OURS-SECRET-2"');
    repo.hushOk("set", "secrets/app.yaml", '["token"]', '"OURS-TOKEN-3"');
    repo.git("commit", "-q", "-am", "ours");

    const m = repo.run(["git", "merge", "--no-edit", "feature"]);
    assert.notEqual(m.status, 0);
    assert.match(m.stderr, /hush: merge: secrets\/app\.yaml: 1 conflicting key: \["db"\]\["password"\]/);
    assert.match(m.stderr, /resolve with: hush edit secrets\/app\.yaml/);
    assert.match(repo.git("status", "--porcelain"), /^UU secrets\/app\.yaml$/m);
    for (const secret of ["THEIRS-SECRET-1", "OURS-SECRET-2", "OURS-TOKEN-3", "base-pw", "theirs-user"]) assert.deepEqual(repo.filesContaining(secret), [], secret);
    assert.doesNotMatch(repo.read("secrets/app.yaml"), /<<<<<<<|password/);

    // the conflict form is a valid sops file: sops opens it (MAC verified)
    if (sops !== null) {
      const s = repo.run([sops, "decrypt", "secrets/app.yaml"]);
      assert.equal(s.status, 0, s.stderr);
      assert.match(s.stdout, /<<<<<<< ours/);
    }

    // `git add` of the unresolved file: the guard refuses to commit it (no key needed to see it)
    repo.git("add", "secrets/app.yaml");
    const g = repo.hush(["guard"], { SOPS_AGE_KEY_FILE: "/nonexistent" });
    assert.equal(g.status, 1);
    assert.match(g.stderr, /^hush: guard: secrets\/app\.yaml: an unresolved merge conflict: .* \[merge conflict\]$/m);
    assert.match(g.stderr, /fix: hush edit secrets\/app\.yaml && git add secrets\/app\.yaml/);

    // hush edit shows the markers; saving with markers left is refused and changes nothing
    const before = repo.read("secrets/app.yaml");
    const show = join(repo.home, "show.sh");
    writeFileSync(show, `#!/bin/sh\ncp "$1" "${join(repo.home, "seen.txt")}"\n`);
    chmodSync(show, 0o755);
    const refused = repo.hush(["edit", "secrets/app.yaml"], { EDITOR: show });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /merge conflict markers remain \(lines \d+, \d+, \d+\)/);
    assert.doesNotMatch(refused.stderr, /SECRET/);
    assert.equal(repo.read("secrets/app.yaml"), before);
    const seen = readFileSync(join(repo.home, "seen.txt"), "utf8");
    assert.equal(
      seen,
      "db:\n    user: theirs-user\n<<<<<<< ours\n    password: OURS-SECRET-2\n=======\n    password: THEIRS-SECRET-1\n>>>>>>> theirs\ntoken: OURS-TOKEN-3\n",
    );

    // a scripted editor keeps ours's side: resolved, selector restored, git add + commit
    const keepOurs = join(repo.home, "keep-ours.sh");
    writeFileSync(keepOurs, `#!/bin/sh\nsed -i -e '/^=======$/,/^>>>>>>> theirs$/d' -e '/^<<<<<<< ours$/d' "$1"\n`);
    chmodSync(keepOurs, 0o755);
    const ok = repo.hush(["edit", "secrets/app.yaml"], { EDITOR: keepOurs });
    assert.equal(ok.status, 0, ok.stderr);
    const plain = "db:\n    user: theirs-user\n    password: OURS-SECRET-2\ntoken: OURS-TOKEN-3\n";
    assert.equal(repo.hushOk("decrypt", "secrets/app.yaml"), plain);
    const enc = repo.read("secrets/app.yaml");
    assert.match(enc, /^    user: theirs-user$/m);
    assert.match(enc, /encrypted_regex: \^\(password\|token\)\$/);
    assert.doesNotMatch(enc, /OURS-SECRET-2/);
    repo.git("add", "secrets/app.yaml");
    repo.git("commit", "-q", "--no-edit");
    assert.equal(repo.git("status", "--porcelain"), "");
    if (sops !== null) {
      const s = repo.run([sops, "decrypt", "secrets/app.yaml"]);
      assert.equal(s.status, 0, s.stderr);
      assert.equal(s.stdout, plain);
    }
  });
});

describe("git diff driver (textconv)", () => {
  it("shows plaintext changes with a key, and placeholders and the recipients without one; never fails", () => {
    const { repo, recipient } = setupRepo("textconv");
    repo.write("secrets/a.yaml", "db:\n    password: old-pw\n    user: app\n");
    repo.hushOk("encrypt", "-i", "secrets/a.yaml");
    repo.hushOk("git", "setup");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "base");
    repo.hushOk("set", "secrets/a.yaml", '["db"]["password"]', '"new-pw"');
    const d = repo.run(["git", "diff"]);
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, /^-    password: old-pw$/m);
    assert.match(d.stdout, /^\+    password: new-pw$/m);
    assert.doesNotMatch(d.stdout, /ENC\[/);
    repo.git("commit", "-q", "-am", "change");
    const log = repo.run(["git", "log", "-p", "-1"]);
    assert.match(log.stdout, /^\+    password: new-pw$/m);

    const stranger = repo.ageKey("stranger", false);
    const n = repo.run(["git", "log", "-p", "-1"], { SOPS_AGE_KEY_FILE: stranger.file });
    assert.equal(n.status, 0, n.stderr);
    assert.match(n.stdout, new RegExp(`# hush: no key on this machine opens this file; values hidden \\(recipients: ${recipient}; lastmodified `));
    assert.match(n.stdout, /^- {4}password: '<encrypted: no key [0-9a-f]{8}>'$/m);
    assert.match(n.stdout, /^\+ {4}password: '<encrypted: no key [0-9a-f]{8}>'$/m);
    assert.match(n.stdout, /^ {5}user: '<encrypted: no key [0-9a-f]{8}>'$/m); // unchanged: same ciphertext, no diff line
    assert.doesNotMatch(n.stdout, /new-pw|old-pw/);
    // a plain (not sops) file under the same attributes is shown as it is
    repo.write("notes.yaml", "a: 1\n");
    repo.write(".gitattributes", repo.read(".gitattributes") + "notes.yaml diff=sops\n");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "notes");
    repo.write("notes.yaml", "a: 2\n");
    assert.match(repo.git("diff", "notes.yaml"), /^\+a: 2$/m);
  });
});

