/**
 * End to end, in a temp git repo, with the built CLI and the real sops: a recipient joins, leaves,
 * another's key is compromised, and the lock-out guard protects the admins' access.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decryptBranches, getDataKey, readEncrypted } from "../../../../src/engine/index.js";
import { storeForPath } from "../../../../src/stores/index.js";
import { buildKeyring, type FileCtx } from "../../../../src/workflows/files/index.js";
import { requirePeer } from "../../../helpers/peers.js";

const BUNDLE = join(process.cwd(), "dist", "hush.cjs");
const FILES = ["prod/db.yaml", "prod/api.json", "dev/app.json", "dev/web.yaml"];

function run(cwd: string, env: Record<string, string>, prog: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const argv = prog === "hush" ? [process.execPath, BUNDLE, ...args] : [prog, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", HOME: cwd, SOPS_DISABLE_VERSION_CHECK: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t", ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ctxFor(cwd: string, keyFile: string): FileCtx {
  return {
    cwd,
    env: { SOPS_AGE_KEY_FILE: keyFile, HOME: cwd },
    now: () => new Date(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    readStdin: async () => new Uint8Array(),
    prompt: async () => null,
    warn: () => {},
  };
}

describe("recipients story: join, leave, compromise, lock-out", () => {
  it("works end to end with hush and the real sops", async (t) => {
    const sops = requirePeer(t, "sops");
    if (sops === null) return;
    const dir = mkdtempSync(join(tmpdir(), "hush-recipients-"));
    const as = (who: string): Record<string, string> => ({ SOPS_AGE_KEY_FILE: join(dir, `${who}.txt`) });
    const hush = (who: string, ...args: string[]) => run(dir, as(who), "hush", args);
    const pub: Record<string, string> = {};
    for (const who of ["alice", "bob", "carol", "dave"]) {
      assert.equal(hush(who, "keygen", "-o", `${who}.txt`).code, 0);
      pub[who] = hush(who, "keygen", "-y", `${who}.txt`).stdout.trim();
    }
    assert.equal(run(dir, {}, "git", ["init", "-q"]).code, 0);
    mkdirSync(join(dir, "prod"));
    mkdirSync(join(dir, "dev"));
    const config = `# team config
hush:
  admins: [alice]
creation_rules:
  - path_regex: ^prod/   # production
    age:
      - &alice ${pub["alice"]}
      - &carol ${pub["carol"]}
  - path_regex: ^dev/
    age:
      - *alice
`;
    writeFileSync(join(dir, ".sops.yaml"), config);
    writeFileSync(join(dir, "prod/db.yaml"), "db:\n    password: hunter2\n    user: admin\n");
    writeFileSync(join(dir, "prod/api.json"), '{\n\t"token": "tok-secret-1"\n}\n');
    writeFileSync(join(dir, "dev/app.json"), '{\n\t"dev_token": "devsecret"\n}\n');
    writeFileSync(join(dir, "dev/web.yaml"), "session_key: websecret\n");
    for (const f of FILES) assert.equal(hush("alice", "encrypt", "-i", f).code, 0, f);
    const plain = Object.fromEntries(FILES.map((f) => [f, hush("alice", "decrypt", f).stdout]));
    run(dir, {}, "git", ["add", "-A"]);
    assert.equal(run(dir, {}, "git", ["commit", "-qm", "init"]).code, 0);

    // the listing names everyone by anchor and shows who opens what
    const list = JSON.parse(hush("alice", "recipients", "--json").stdout);
    assert.equal(list.version, 1);
    assert.equal(list.git, true);
    const alice = list.recipients.find((r: { name: string }) => r.name === "alice");
    assert.equal(alice.admin, true);
    assert.deepEqual(alice.files.map((f: { file: string }) => f.file), ["dev/app.json", "dev/web.yaml", "prod/api.json", "prod/db.yaml"]);
    assert.deepEqual(list.recipients.find((r: { name: string }) => r.name === "carol").files.map((f: { file: string; rule: { index: number } }) => [f.file, f.rule.index]), [["prod/api.json", 0], ["prod/db.yaml", 0]]);

    // join: bob can open every file his rules cover, with hush and with sops
    assert.equal(hush("bob", "decrypt", "prod/db.yaml").code, 128);
    const dry = hush("alice", "recipients", "add", "bob", pub["bob"]!, "--dry-run");
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /dry run: nothing written/);
    assert.equal(readFileSync(join(dir, ".sops.yaml"), "utf8"), config);
    const add = hush("alice", "recipients", "add", "bob", pub["bob"]!);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.stderr, "");
    const added = readFileSync(join(dir, ".sops.yaml"), "utf8");
    assert.equal(added, config.replace(`      - &carol ${pub["carol"]}\n`, `      - &carol ${pub["carol"]}\n      - &bob ${pub["bob"]}\n`).replace(/- \*alice\n$/, "- *alice\n      - *bob\n"));
    for (const f of FILES) {
      const h = hush("bob", "decrypt", f);
      assert.equal(h.code, 0, `${f}: ${h.stderr}`);
      assert.equal(h.stdout, plain[f]);
      const s = run(dir, as("bob"), sops, ["decrypt", f]);
      assert.equal(s.code, 0, `sops ${f}: ${s.stderr}`);
      assert.equal(s.stdout, plain[f]);
    }

    // bob saves the data key of prod/db.yaml while he still can
    const dbBefore = readEncrypted(readFileSync(join(dir, "prod/db.yaml")), storeForPath("prod/db.yaml"));
    const oldKey = await getDataKey(dbBefore.metadata, buildKeyring(ctxFor(dir, join(dir, "bob.txt"))));

    // leave: bob's key opens nothing any more, with hush or sops; everyone else still decrypts
    const rm = hush("alice", "recipients", "remove", "bob");
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(readFileSync(join(dir, ".sops.yaml"), "utf8"), config);
    for (const f of FILES) {
      assert.equal(hush("bob", "decrypt", f).code, 128, f);
      assert.equal(run(dir, as("bob"), sops, ["decrypt", f]).code, 128, `sops ${f}`);
      assert.equal(hush("alice", "decrypt", f).stdout, plain[f]);
    }
    assert.equal(hush("carol", "decrypt", "prod/db.yaml").stdout, plain["prod/db.yaml"]);
    assert.equal(run(dir, as("carol"), sops, ["decrypt", "prod/api.json"]).stdout, plain["prod/api.json"]);
    // a value written after the removal cannot be read with the data key bob kept
    assert.equal(hush("alice", "set", "prod/db.yaml", '["db"]["new"]', '"fresh"').code, 0);
    const dbAfter = readEncrypted(readFileSync(join(dir, "prod/db.yaml")), storeForPath("prod/db.yaml"));
    assert.throws(() => decryptBranches(dbAfter.branches, dbAfter.metadata, oldKey), (e: Error & { code?: string }) => e.code === "DECRYPT_TREE" || e.code === "MAC_MISMATCH");
    assert.doesNotThrow(() => decryptBranches(dbBefore.branches, dbBefore.metadata, oldKey));
    run(dir, {}, "git", ["commit", "-qam", "bob left"]);

    // compromise: the key paths carol could read are listed, never the values
    const comp = hush("alice", "recipients", "remove", "carol", "--compromised");
    assert.equal(comp.code, 0, comp.stderr);
    assert.match(comp.stdout, /^INCIDENT: key of carol reported compromised/);
    for (const re of [/prod\/db\.yaml +\["db"\]\["user"\]/, /prod\/db\.yaml +\["db"\]\["new"\]/, /prod\/api\.json +\["token"\]/]) assert.match(comp.stdout, re);
    assert.match(comp.stdout, /prod\/db\.yaml +\["db"\]\["password"\] +[0-9a-f]{7,} /);
    assert.doesNotMatch(comp.stdout, /dev\//);
    for (const secret of ["hunter2", "admin", "fresh", "tok-secret-1"]) assert.ok(!comp.stdout.includes(secret) && !comp.stderr.includes(secret), "a value leaked");
    for (const f of ["prod/db.yaml", "prod/api.json"]) assert.equal(hush("carol", "decrypt", f).code, 128);

    // lock-out: dave joins everywhere; removing alice would leave no admin able to open anything
    assert.equal(hush("alice", "recipients", "add", "dave", pub["dave"]!).code, 0);
    const before = readFileSync(join(dir, ".sops.yaml"), "utf8");
    const locked = hush("alice", "recipients", "remove", "alice");
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /refusing a change that leaves no admin able to open dev\/app\.json, dev\/web\.yaml, prod\/api\.json, prod\/db\.yaml/);
    assert.equal(readFileSync(join(dir, ".sops.yaml"), "utf8"), before);
    assert.equal(hush("alice", "decrypt", "dev/app.json").stdout, plain["dev/app.json"]);
    const forced = hush("alice", "recipients", "remove", "alice", "--force");
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /warning: --force: no admin can open prod\/db\.yaml/);
    assert.equal(hush("alice", "decrypt", "dev/app.json").code, 128);
    assert.equal(hush("dave", "decrypt", "dev/app.json").stdout, plain["dev/app.json"]);
    assert.equal(run(dir, as("dave"), sops, ["decrypt", "dev/web.yaml"]).stdout, plain["dev/web.yaml"]);
  });
});
