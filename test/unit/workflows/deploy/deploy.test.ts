import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HushError } from "../../../../src/errors.js";
import { deploy, parseDeployConfig, parseMode, statePath, type DeployReport } from "../../../../src/workflows/deploy/index.js";
import { encryptFile, setValue } from "../../../../src/workflows/files/index.js";
import { testRepo, type TestRepo } from "../bulk/_ctx.js";

const SECRET = "hunter2-Z9q$(x)'\"";

async function repo(): Promise<TestRepo & { src: string }> {
  const r = testRepo("hush-deploy-");
  const plain = join(r.dir, "plain.yaml");
  writeFileSync(plain, `web:\n  DB_PASSWORD: ${JSON.stringify(SECRET)}\n  PORT: 5432\nother: x\n`);
  const src = join(r.dir, "web.enc.yaml");
  writeFileSync(src, await encryptFile(r.ctx, { file: plain, age: r.recipient }));
  return { ...r, src };
}

function cfg(r: TestRepo, yaml: string) {
  const file = join(r.dir, "hush.yaml");
  writeFileSync(file, yaml);
  return parseDeployConfig(yaml, file);
}

/** Every file under `dir` (recursively) whose bytes contain `needle`. */
function grep(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (readFileSync(p).includes(Buffer.from(needle))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe("deploy config", () => {
  it("collects every problem with its dot-path and ignores other sections", () => {
    const r = testRepo("hush-deploy-cfg-");
    assert.throws(
      () => cfg(r, "scan: {rules: []}\ndeploy:\n  a:\n    format: toml\n    mode: '0999'\n    colour: red\n  b:\n    source: x.yaml\n    timeout: -1\n"),
      (e: unknown) => {
        assert.ok(e instanceof HushError && e.code === "CONFIG");
        const all = [e.message, ...e.hints].join("\n");
        for (const want of ["deploy.a.colour: unknown key", "deploy.a.source: required", 'deploy.a.format: unknown format "toml"', "deploy.a.mode: must be an octal mode", "deploy.a.path: required", "deploy.b.path: required", "deploy.b.timeout: must be a positive number"]) {
          assert.ok(all.includes(want), `missing ${want} in\n${all}`);
        }
        return true;
      },
    );
    assert.deepEqual(cfg(r, "scan: {}\nguard: {}\n").targets, []);
  });

  it("refuses a target that would overwrite an encrypted source or another target's file", () => {
    const r = testRepo("hush-deploy-cfg-");
    assert.throws(() => cfg(r, "deploy:\n  a:\n    source: s.yaml\n    path: s.yaml\n"), /deploy\.a\.path: is an encrypted source file/);
    assert.throws(() => cfg(r, "deploy:\n  a:\n    source: s.yaml\n    path: out/.env\n  b:\n    source: t.yaml\n    path: ./out/.env\n"), /deploy\.b\.path: the same file as deploy\.a\.path/);
    assert.throws(() => cfg(r, "deploy:\n  a:\n    source: s.yaml\n    path: t.yaml\n  b:\n    source: t.yaml\n    path: x\n"), /deploy\.a\.path: is an encrypted source file/);
  });

  it("reads modes as octal, whether quoted or a YAML 1.2 integer", () => {
    assert.equal(parseMode("0640"), 0o640);
    assert.equal(parseMode(640), 0o640);
    assert.equal(parseMode("0400"), 0o400);
    assert.equal(parseMode(384), null); // 384 = 0o600 in decimal: not octal digits, refused rather than guessed
    assert.equal(parseMode("rw"), null);
  });

  it("splits a command string like a shell would, without running one", () => {
    const r = testRepo("hush-deploy-cfg-");
    const c = cfg(r, `deploy:\n  w:\n    source: a.yaml\n    path: out/.env\n    command: docker compose -f 'my file.yml' up -d\n`);
    assert.deepEqual(c.targets[0]!.command, ["docker", "compose", "-f", "my file.yml", "up", "-d"]);
    assert.equal(c.targets[0]!.path, join(r.dir, "out/.env"));
    assert.equal(c.targets[0]!.mode, 0o600);
  });
});

describe("deploy", () => {
  it("writes once, reports unchanged, rewrites an edited file, and follows source changes", async () => {
    const r = await repo();
    const c = cfg(r, `deploy:\n  web:\n    source: web.enc.yaml\n    extract: '["web"]'\n    format: docker\n    path: out/web.env\n`);
    const out = join(r.dir, "out/web.env");
    const status = async () => (await deploy(r.ctx, c)).map((x) => x.status);
    assert.deepEqual(await status(), ["changed"]);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const first = readFileSync(out, "utf8");
    assert.match(first, /^DB_PASSWORD="hunter2-Z9q\$\$\(x\)'\\"/);
    assert.deepEqual(await status(), ["unchanged"]);
    writeFileSync(out, "DB_PASSWORD=tampered\n");
    assert.deepEqual(await status(), ["changed"]);
    assert.equal(readFileSync(out, "utf8"), first);
    writeFileSync(r.src, (await setValue(r.ctx, { file: r.src }, '["web"]["PORT"]', "6543"))!);
    assert.deepEqual(await status(), ["changed"]);
    assert.match(readFileSync(out, "utf8"), /PORT="6543.0"/);
    // a file whose mode drifted is put back, its content left alone
    const { chmodSync } = await import("node:fs");
    chmodSync(out, 0o644);
    const reps = await deploy(r.ctx, c);
    assert.equal(reps[0]!.status, "unchanged");
    assert.equal(reps[0]!.fixedPermissions, true);
    assert.equal(statSync(out).mode & 0o777, 0o600);
  });

  it("--dry-run writes nothing, runs nothing and keeps no state", async () => {
    const r = await repo();
    const c = cfg(r, `deploy:\n  web:\n    source: web.enc.yaml\n    path: out/web.env\n    command: touch ran\n`);
    const reps = await deploy(r.ctx, c, { dryRun: true });
    assert.equal(reps[0]!.status, "would change");
    assert.ok(!existsSync(join(r.dir, "out")));
    assert.ok(!existsSync(join(r.dir, "ran")));
    assert.ok(!existsSync(statePath(r.dir)));
  });

  it("runs the command in its cwd only after a change; a failing command names the target and is retried", async () => {
    const r = await repo();
    mkdirSync(join(r.dir, "app"));
    const c = cfg(r, [
      "deploy:",
      "  web:",
      "    source: web.enc.yaml",
      "    path: out/web.env",
      "    cwd: app",
      `    command: ["sh", "-c", "echo run >> log; test -f ../fail && exit 3; exit 0"]`,
      "",
    ].join("\n"));
    const log = join(r.dir, "app/log");
    await deploy(r.ctx, c);
    await deploy(r.ctx, c);
    assert.equal(readFileSync(log, "utf8"), "run\n");
    writeFileSync(r.src, (await setValue(r.ctx, { file: r.src }, '["other"]', '"y"'))!);
    writeFileSync(join(r.dir, "fail"), "");
    const seen: DeployReport[] = [];
    await assert.rejects(deploy(r.ctx, c, { onReport: (x) => seen.push(x) }), (e: unknown) =>
      e instanceof HushError && e.code === "DEPLOY_COMMAND" && e.exitCode === 171 && e.message === "deploy.web: command exited with 3");
    assert.equal(seen[0]!.status, "failed");
    // not recorded as deployed: the next run tries again even though the file is already right
    await assert.rejects(deploy(r.ctx, c));
    assert.equal(readFileSync(log, "utf8"), "run\nrun\nrun\n");
  });

  it("a command over its timeout is stopped and reported as a failure", async () => {
    const r = await repo();
    const c = cfg(r, `deploy:\n  web:\n    source: web.enc.yaml\n    path: out/web.env\n    timeout: 0.3\n    command: sleep 30\n`);
    const t0 = Date.now();
    await assert.rejects(deploy(r.ctx, c), /deploy\.web: command timed out after 0\.3s/);
    assert.ok(Date.now() - t0 < 10_000);
  });

  it("--cleanup removes the plaintext after the command, on success and on failure, and nothing anywhere holds a value", async () => {
    const r = await repo();
    const c = cfg(r, [
      "deploy:",
      "  web:",
      "    source: web.enc.yaml",
      "    extract: '[\"web\"]'",
      "    format: shell",
      "    path: out/web.env",
      `    command: ["sh", "-c", ". ./out/web.env && printf %s \\"$DB_PASSWORD\\" | wc -c > seen; test ! -f fail"]`,
      "",
    ].join("\n"));
    const reps = await deploy(r.ctx, c, { cleanup: true });
    assert.equal(reps[0]!.removed, true);
    assert.ok(!existsSync(join(r.dir, "out/web.env")));
    assert.equal(readFileSync(join(r.dir, "seen"), "utf8").trim(), String(Buffer.byteLength(SECRET)));
    // unchanged since the last successful deploy: nothing is written or run again
    assert.equal((await deploy(r.ctx, c, { cleanup: true }))[0]!.status, "unchanged");
    assert.ok(!existsSync(join(r.dir, "out/web.env")));
    // a failing command: still removed
    // a change outside the extracted subtree changes nothing
    writeFileSync(r.src, (await setValue(r.ctx, { file: r.src }, '["other"]', '"z"'))!);
    assert.equal((await deploy(r.ctx, c, { cleanup: true }))[0]!.status, "unchanged");
    writeFileSync(r.src, (await setValue(r.ctx, { file: r.src }, '["web"]["NEW"]', '"z"'))!);
    writeFileSync(join(r.dir, "fail"), "");
    const seen: DeployReport[] = [];
    await assert.rejects(deploy(r.ctx, c, { cleanup: true, onReport: (x) => seen.push(x) }), /deploy\.web: command exited with 1/);
    assert.equal(seen[0]!.removed, true);
    assert.ok(!existsSync(join(r.dir, "out/web.env")));
    for (const needle of [SECRET, "hunter2"]) assert.deepEqual(grep(r.dir, needle).filter((p) => !p.endsWith("plain.yaml")), []);
  });

  it("keeps no plaintext and no plain or salted-only hash in the state; each state file has its own salt", async () => {
    const r = await repo();
    const c = cfg(r, `deploy:\n  web:\n    source: web.enc.yaml\n    extract: '["web"]'\n    path: out/web.env\n`);
    await deploy(r.ctx, c);
    const content = readFileSync(join(r.dir, "out/web.env"));
    const state = readFileSync(statePath(r.dir), "utf8");
    assert.equal(statSync(statePath(r.dir)).mode & 0o777, 0o600);
    assert.equal(statSync(join(r.dir, ".hush")).mode & 0o777, 0o700);
    const s = JSON.parse(state) as { salt: string; targets: Record<string, { hash: string }> };
    assert.ok(!state.includes("hunter2"));
    for (const alg of ["sha256", "sha512", "sha1", "md5"]) {
      const plain = createHash(alg).update(content).digest("hex");
      const salted = createHash(alg).update(Buffer.concat([Buffer.from(s.salt, "hex"), content])).digest("hex");
      assert.ok(!state.includes(plain) && !state.includes(salted), alg);
    }
    const r2 = await repo();
    await deploy(r2.ctx, cfg(r2, `deploy:\n  web:\n    source: web.enc.yaml\n    path: out/web.env\n`));
    assert.notEqual((JSON.parse(readFileSync(statePath(r2.dir), "utf8")) as { salt: string }).salt, s.salt);
  });

  it("sets owner and group when root, and refuses another owner clearly when not", async () => {
    const r = await repo();
    const c = cfg(r, `deploy:\n  web:\n    source: web.enc.yaml\n    path: out/web.env\n    owner: "65534"\n    group: "65534"\n    mode: "0640"\n`);
    if (process.getuid?.() === 0) {
      await deploy(r.ctx, c);
      const st = statSync(join(r.dir, "out/web.env"));
      assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o640]);
    } else {
      await assert.rejects(deploy(r.ctx, c), (e: unknown) => e instanceof HushError && e.code === "OWNER" && /only root/.test(e.message));
      assert.ok(!existsSync(join(r.dir, "out/web.env")));
    }
  });

  it("raw writes the decrypted file (or an extracted value) as is; unknown targets are a usage error", async () => {
    const r = await repo();
    const c = cfg(r, `deploy:\n  all:\n    source: web.enc.yaml\n    format: raw\n    path: out/all.yaml\n  pw:\n    source: web.enc.yaml\n    format: raw\n    extract: '["web"]["DB_PASSWORD"]'\n    path: out/pw\n`);
    await deploy(r.ctx, c);
    assert.match(readFileSync(join(r.dir, "out/all.yaml"), "utf8"), /^web:\n {4}DB_PASSWORD:/);
    assert.equal(readFileSync(join(r.dir, "out/pw"), "utf8"), SECRET);
    await assert.rejects(deploy(r.ctx, c, { targets: ["nope"] }), (e: unknown) => e instanceof HushError && e.code === "USAGE" && e.hints[0] === "targets: all, pw");
  });
});
