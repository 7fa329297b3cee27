/**
 * install-secrets in a temp root, checking what sops-nix's own tests check (pkgs/sops-install-secrets
 * main_test.go): the per-secret symlink, file modes, owners by name (when running as root), contents for
 * every format, the generation symlink moving on, plus pruning and the failure paths.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { x25519RecipientFromSshKey } from "../../../../src/keys/age/index.js";
import { requirePeer } from "../../../helpers/peers.js";
import { HushError } from "../../../../src/errors.js";
import { encryptFile } from "../../../../src/workflows/files/index.js";
import { installSecrets, parseManifest } from "../../../../src/workflows/install-secrets/index.js";
import { testRepo, type TestRepo } from "../bulk/_ctx.js";

const IS_ROOT = process.getuid?.() === 0;

interface Fixture extends TestRepo {
  root: string;
  manifest: (extra?: Record<string, unknown>, secrets?: Record<string, unknown>[]) => string;
}

async function fixture(): Promise<Fixture> {
  const r = testRepo("hush-install-");
  const root = join(r.dir, "root");
  const store = join(root, "nix/store/abc-secrets");
  mkdirSync(store, { recursive: true });
  mkdirSync(join(root, "etc/keys"), { recursive: true });
  writeFileSync(join(root, "etc/keys/age.txt"), readFileSync(r.keyFile));
  const enc = async (name: string, text: string | Buffer, type?: string): Promise<void> => {
    const plain = join(r.dir, name);
    writeFileSync(plain, text);
    writeFileSync(join(store, name), await encryptFile(r.ctx, { file: plain, age: r.recipient, ...(type === undefined ? {} : { inputType: type, outputType: type }) }));
  };
  await enc("secrets.yaml", "test_key: test_value\nnested:\n  db:\n    password: pa55 word\n  port: 5432\n");
  await enc("secrets.json", '{"test_key": "json_value"}');
  await enc("secrets.env", "A=1\nB=two\n");
  await enc("secrets.bin", Buffer.from([0, 1, 2, 255, 10, 13]), "binary");
  // a ctx whose own identities are useless: the manifest's ageKeyFile must be what decrypts
  r.ctx.env = { PATH: process.env["PATH"] ?? "", HOME: r.dir };
  const base = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    name, key: "", path: `/run/secrets/${name}`, sopsFile: `/nix/store/abc-secrets/secrets.yaml`, format: "yaml", mode: "0400", restartUnits: ["x.service"], ...extra,
  });
  const secrets = [
    base("test", { key: "test_key", owner: "nobody", group: "nogroup", path: "/var/lib/app/test-target" }),
    base("test2", { key: "test_key", format: "json", sopsFile: "/nix/store/abc-secrets/secrets.json", mode: "0700", owner: "root", group: "root" }),
    base("test3", { format: "binary", sopsFile: "/nix/store/abc-secrets/secrets.bin" }),
    base("test4", { format: "dotenv", sopsFile: "/nix/store/abc-secrets/secrets.env" }),
    base("db/password", { key: "nested/db/password", uid: 65534, gid: 65534, mode: "0440" }),
    base("port", { key: "nested/port" }),
  ];
  const manifest = (extra: Record<string, unknown> = {}, s: Record<string, unknown>[] = secrets): string => {
    const p = join(r.dir, "manifest.json");
    writeFileSync(p, JSON.stringify({ secrets: s, secretsMountPoint: "/run/secrets.d", symlinkPath: "/run/secrets", keepGenerations: 1, ageKeyFile: "/etc/keys/age.txt", logging: { keyImport: false }, ...extra }));
    return p;
  };
  return { ...r, root, manifest };
}

/** Follows a symlink chain inside the root (targets are paths as seen inside it). */
function inRoot(root: string, p: string): string {
  let cur = join(root, p);
  for (let i = 0; i < 10; i++) {
    // resolve parent components inside the root first
    const parts = cur.slice(root.length + 1).split("/");
    let acc = root;
    for (const part of parts) {
      acc = join(acc, part);
      if (lstatSync(acc, { throwIfNoEntry: false })?.isSymbolicLink()) acc = join(root, readlinkSync(acc));
    }
    if (acc === cur) return cur;
    cur = acc;
  }
  return cur;
}

describe("install-secrets", () => {
  it("materialises one file per secret with mode, owner, content, symlinks and a first generation", async () => {
    const f = await fixture();
    const rep = await installSecrets(f.ctx, { manifest: f.manifest(), root: f.root });
    assert.equal(rep.generation, 1);
    assert.deepEqual(rep.added, ["test", "test2", "test3", "test4", "db/password", "port"]);
    assert.equal(readlinkSync(join(f.root, "run/secrets")), "/run/secrets.d/1");
    const gen = join(f.root, "run/secrets.d/1");
    assert.equal(statSync(gen).mode & 0o777, 0o751);
    // the secret with a path outside the mount is a symlink to <symlinkPath>/<name>
    const link = join(f.root, "var/lib/app/test-target");
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), "/run/secrets/test");
    const file = inRoot(f.root, "/var/lib/app/test-target");
    assert.equal(file, join(gen, "test"));
    assert.equal(readFileSync(file, "utf8"), "test_value");
    assert.equal(statSync(file).mode & 0o777, 0o400);
    // a secret whose path is <symlinkPath>/<name> gets no extra link
    assert.ok(!existsSync(join(f.root, "run/secrets/test2")) || !lstatSync(join(gen, "test2")).isSymbolicLink());
    assert.equal(readFileSync(join(gen, "test2"), "utf8"), "json_value");
    assert.equal(statSync(join(gen, "test2")).mode & 0o777, 0o700);
    assert.deepEqual([...readFileSync(join(gen, "test3"))], [0, 1, 2, 255, 10, 13]);
    assert.equal(readFileSync(join(gen, "test4"), "utf8"), "A=1\nB=two\n");
    assert.equal(readFileSync(join(gen, "db/password"), "utf8"), "pa55 word");
    assert.equal(statSync(join(gen, "db")).mode & 0o777, 0o751);
    assert.equal(readFileSync(join(gen, "port"), "utf8"), "5432");
    if (IS_ROOT) {
      const st = statSync(file);
      assert.deepEqual([st.uid, st.gid], [65534, 65534]); // nobody:nogroup by name
      assert.deepEqual([statSync(join(gen, "test2")).uid, statSync(join(gen, "test2")).gid], [0, 0]);
      assert.deepEqual([statSync(join(gen, "db/password")).uid, statSync(join(gen, "db/password")).gid], [65534, 65534]); // by uid/gid
      assert.deepEqual([lstatSync(link).uid, lstatSync(link).gid], [65534, 65534]); // the link too, as sops-nix lchowns it
      const nogroup = 65534;
      const keys = statSync(gen).gid;
      assert.ok(keys === nogroup || keys > 0, "generation dir is root:keys (or nogroup)");
      assert.equal(statSync(gen).uid, 0);
    }
  });

  it("moves to a new generation on every run and prunes beyond keepGenerations", async () => {
    const f = await fixture();
    const m = f.manifest();
    await installSecrets(f.ctx, { manifest: m, root: f.root });
    const second = await installSecrets(f.ctx, { manifest: m, root: f.root });
    assert.equal(second.generation, 2);
    assert.deepEqual([second.added, second.changed, second.removed], [[], [], []]);
    assert.equal(readlinkSync(join(f.root, "run/secrets")), "/run/secrets.d/2");
    // keepGenerations 1 (sops-nix: prune every generation <= current - keep): only the current one stays
    assert.deepEqual(readdirSync(join(f.root, "run/secrets.d")).sort(), ["2"]);
    const third = await installSecrets(f.ctx, { manifest: f.manifest({ keepGenerations: 2 }), root: f.root });
    assert.deepEqual(third.pruned, []);
    assert.deepEqual(readdirSync(join(f.root, "run/secrets.d")).sort(), ["2", "3"]);
    const fourth = await installSecrets(f.ctx, { manifest: f.manifest({ keepGenerations: 2 }), root: f.root });
    assert.deepEqual(fourth.pruned, [2]);
    assert.deepEqual(readdirSync(join(f.root, "run/secrets.d")).sort(), ["3", "4"]);
    // keepGenerations 0 keeps everything
    const all = f.manifest({ keepGenerations: 0 });
    await installSecrets(f.ctx, { manifest: all, root: f.root });
    assert.deepEqual(readdirSync(join(f.root, "run/secrets.d")).sort(), ["3", "4", "5"]);
    // a removed secret is reported, a secret now from another key is reported as modified
    const fewer = JSON.parse(readFileSync(all, "utf8")) as { secrets: Record<string, unknown>[] };
    fewer.secrets = fewer.secrets.filter((s) => s["name"] !== "test4");
    (fewer.secrets.find((s) => s["name"] === "port")!)["key"] = "test_key";
    writeFileSync(all, JSON.stringify(fewer));
    const r6 = await installSecrets(f.ctx, { manifest: all, root: f.root });
    assert.deepEqual([r6.changed, r6.removed], [["port"], ["test4"]]);
    assert.deepEqual([r6.restart, r6.reload], [["x.service"], []]);
    assert.deepEqual(second.restart, []);
    assert.ok(!existsSync(join(f.root, "run/secrets.d/6/test4")));
  });

  it("passes the units of changed secrets on: the NixOS activation lists, systemctl, and a dry-activate that switches nothing", async () => {
    const f = await fixture();
    mkdirSync(join(f.root, "run/nixos"), { recursive: true });
    const one = (key: string): Record<string, unknown>[] => [
      { name: "port", key, path: "/run/secrets/port", sopsFile: "/nix/store/abc-secrets/secrets.yaml", mode: "0400", restartUnits: ["app.service"], reloadUnits: ["nginx.service"] },
    ];
    const first = await installSecrets(f.ctx, { manifest: f.manifest({}, one("nested/port")), root: f.root });
    assert.equal(first.unitsVia, "none", "a first install restarts nothing");
    assert.ok(!existsSync(join(f.root, "run/nixos/activation-restart-list")));
    // the secret now comes from another key: it changed, and its units are queued for switch-to-configuration
    const second = await installSecrets(f.ctx, { manifest: f.manifest({}, one("test_key")), root: f.root });
    assert.deepEqual([second.changed, second.unitsVia], [["port"], "activation-list"]);
    assert.equal(readFileSync(join(f.root, "run/nixos/activation-restart-list"), "utf8"), "app.service\n");
    assert.equal(readFileSync(join(f.root, "run/nixos/activation-reload-list"), "utf8"), "nginx.service\n");
    // dry-activate: reported and listed in the dry lists; nothing written, nothing switched
    const base = f.ctx.env;
    f.ctx.env = { ...base, NIXOS_ACTION: "dry-activate" };
    const dry = await installSecrets(f.ctx, { manifest: f.manifest({}, one("nested/port")), root: f.root });
    assert.deepEqual([dry.dry, dry.changed, dry.generation], [true, ["port"], 3]);
    assert.equal(readlinkSync(join(f.root, "run/secrets")), "/run/secrets.d/2");
    assert.ok(!existsSync(join(f.root, "run/secrets.d/3")));
    assert.equal(readFileSync(join(f.root, "run/nixos/dry-activation-restart-list"), "utf8"), "app.service\n");
    assert.equal(readFileSync(join(f.root, "run/secrets.d/2/port"), "utf8"), "test_value");
    // sops-nix's systemd unit: systemctl --no-block try-restart / try-reload-or-restart (a recording systemctl here)
    const bin = join(f.dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "systemctl"), `#!/bin/sh\necho "$@" >> ${join(f.dir, "systemctl.log")}\n`, { mode: 0o755 });
    f.ctx.env = { ...base, SOPS_RESTART_UNITS_VIA_SYSTEMCTL: "1", PATH: `${bin}:${base["PATH"] ?? ""}` };
    const via = await installSecrets(f.ctx, { manifest: f.manifest({}, one("nested/port")), root: f.root });
    assert.deepEqual([via.changed, via.unitsVia, via.generation], [["port"], "systemctl", 3]);
    assert.equal(readFileSync(join(f.dir, "systemctl.log"), "utf8"), "--no-block try-restart app.service\n--no-block try-reload-or-restart nginx.service\n");
    assert.equal(readFileSync(join(f.root, "run/nixos/activation-restart-list"), "utf8"), "app.service\n", "the lists are left alone then");
  });

  it("--ignore-passwd looks up no owner: everything is root's, even for a user that does not exist", async (t) => {
    if (!IS_ROOT) return t.skip("chown needs root (CI runs as root)");
    const f = await fixture();
    const m = f.manifest({}, [{ name: "t", key: "test_key", path: "/run/secrets/t", sopsFile: "/nix/store/abc-secrets/secrets.yaml", owner: "no-such-user", group: "no-such-group", mode: "0400" }]);
    await assert.rejects(installSecrets(f.ctx, { manifest: m, root: f.root }), /no-such-user/);
    await installSecrets(f.ctx, { manifest: m, root: f.root, ignorePasswd: true });
    const st = statSync(join(f.root, "run/secrets.d/1/t"));
    assert.deepEqual([st.uid, st.gid], [0, 0]);
    assert.equal(statSync(join(f.root, "run/secrets.d/1")).gid, 0, "the generation too: no keys group lookup");
  });

  it("a key missing in the source file names the secret and the key, and switches nothing", async () => {
    const f = await fixture();
    const m = f.manifest();
    await installSecrets(f.ctx, { manifest: m, root: f.root });
    const bad = f.manifest({}, [{ name: "x", key: "nested/nope", path: "/run/secrets/x", sopsFile: "/nix/store/abc-secrets/secrets.yaml", format: "yaml", mode: "0400" }]);
    await assert.rejects(installSecrets(f.ctx, { manifest: bad, root: f.root }), (e: unknown) =>
      e instanceof HushError && e.message === `secret "x": the key 'nested/nope' cannot be found in /nix/store/abc-secrets/secrets.yaml` && !e.message.includes("pa55"));
    assert.equal(readlinkSync(join(f.root, "run/secrets")), "/run/secrets.d/1");
    assert.deepEqual(readdirSync(join(f.root, "run/secrets.d")), ["1"]);
    const notString = f.manifest({}, [{ name: "x", key: "nested", path: "/run/secrets/x", sopsFile: "/nix/store/abc-secrets/secrets.yaml", mode: "0400" }]);
    await assert.rejects(installSecrets(f.ctx, { manifest: notString, root: f.root }), /the value of key 'nested' is not a string/);
  });

  it("without the manifest's age key nothing decrypts, and nothing is installed", async () => {
    const f = await fixture();
    await assert.rejects(installSecrets(f.ctx, { manifest: f.manifest({ ageKeyFile: undefined }), root: f.root }), (e: unknown) => e instanceof HushError && e.code === "NO_DECRYPTION_KEY");
    assert.ok(!existsSync(join(f.root, "run/secrets")));
  });

  it("ageSshKeyPaths: an ed25519 host key opens files for its ssh-to-age recipient; other keys are reported and skipped", async (t) => {
    const keygen = requirePeer(t, "ssh-keygen");
    if (keygen === null) return;
    const f = await fixture();
    mkdirSync(join(f.root, "etc/ssh"), { recursive: true });
    const pairs: [string, string][] = [["ed25519", "ssh_host_ed25519_key"], ["rsa", "ssh_host_rsa_key"]];
    for (const [type, name] of pairs) {
      const g: { status: number | null; stderr: Buffer } = spawnSync(keygen, ["-q", "-t", type, "-N", "", "-f", join(f.root, "etc/ssh", name), "-C", "host"]);
      assert.equal(g.status, 0, String(g.stderr));
    }
    // the file is encrypted to the host key's age recipient only (what users put in .sops.yaml)
    const recipient = await x25519RecipientFromSshKey(readFileSync(join(f.root, "etc/ssh/ssh_host_ed25519_key.pub"), "utf8"));
    const plain = join(f.dir, "host.yaml");
    writeFileSync(plain, "api_token: from-the-host-key\n");
    writeFileSync(join(f.root, "nix/store/abc-secrets/host.yaml"), await encryptFile(f.ctx, { file: plain, age: recipient }));
    const warnings: string[] = [];
    f.ctx.warn = (m: string) => void warnings.push(m);
    const run = join(f.dir, "xdg");
    f.ctx.env = { ...f.ctx.env, XDG_RUNTIME_DIR: run };
    const ssh = (n: string): string => join(f.root, "etc/ssh", n);
    const m = f.manifest(
      { ageKeyFile: undefined, ageSshKeyPaths: [ssh("ssh_host_rsa_key"), ssh("missing_key"), ssh("ssh_host_ed25519_key")], userMode: true, secretsMountPoint: "%r/secrets.d", symlinkPath: "%r/secrets" },
      [{ name: "token", key: "api_token", path: "%r/secrets/token", sopsFile: join(f.root, "nix/store/abc-secrets/host.yaml"), format: "yaml", mode: "0400" }],
    );
    await installSecrets(f.ctx, { manifest: m });
    assert.equal(readFileSync(join(run, "secrets/token"), "utf8"), "from-the-host-key");
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0] ?? "", /cannot convert ssh key '.*ssh_host_rsa_key'/);
    assert.match(warnings[1] ?? "", /cannot read ssh key '.*missing_key': ENOENT/);
    assert.ok(!warnings.join("").includes("PRIVATE"), "no key material in a warning");
  });

  it("templates: placeholders replaced by the secrets' values, rendered into <generation>/rendered/, linked from their path", async () => {
    const f = await fixture();
    const run = join(f.dir, "xdg");
    f.ctx.env = { ...f.ctx.env, XDG_RUNTIME_DIR: run };
    // the Nix module's placeholders: "<SOPS:" + sha256(name) + ":PLACEHOLDER>"
    const ph = (name: string): string => `<SOPS:${createHash("sha256").update(name).digest("hex")}:PLACEHOLDER>`;
    const store = join(f.root, "nix/store/abc-secrets");
    writeFileSync(join(store, "app.conf.tmpl"), `password=${ph("db/password")}\nport=${ph("port")}\n`);
    const secrets = [
      { name: "db/password", key: "nested/db/password", path: "%r/secrets/db/password", sopsFile: join(store, "secrets.yaml"), mode: "0400" },
      { name: "port", key: "nested/port", path: "%r/secrets/port", sopsFile: join(store, "secrets.yaml"), mode: "0400" },
    ];
    const templates = [
      { name: "db.env", content: `DB_PASSWORD=${ph("db/password")}\nDB_URL=postgres://app:${ph("db/password")}@db:${ph("port")}/app\n`, path: "%r/db.env", mode: "0440", restartUnits: ["app.service"] },
      { name: "conf/app.conf", file: join(store, "app.conf.tmpl"), path: "%r/secrets/rendered/conf/app.conf", mode: "0400" },
    ];
    const placeholderBySecretName = Object.fromEntries(secrets.map((x) => [x.name, ph(x.name)]));
    const m = f.manifest({ userMode: true, secretsMountPoint: "%r/secrets.d", symlinkPath: "%r/secrets", ageKeyFile: join(f.root, "etc/keys/age.txt"), templates, placeholderBySecretName }, secrets);
    const report = await installSecrets(f.ctx, { manifest: m });
    assert.equal(readFileSync(join(run, "db.env"), "utf8"), "DB_PASSWORD=pa55 word\nDB_URL=postgres://app:pa55 word@db:5432/app\n");
    assert.equal(readlinkSync(join(run, "db.env")), join(run, "secrets/rendered/db.env"));
    assert.equal(statSync(join(run, "secrets.d/1/rendered/db.env")).mode & 0o777, 0o440);
    assert.equal(readFileSync(join(run, "secrets/rendered/conf/app.conf"), "utf8"), "password=pa55 word\nport=5432\n");
    assert.deepEqual(report.added.sort(), ["db/password", "port", "rendered/conf/app.conf", "rendered/db.env"]);

    // a secret without a placeholder, and a template with neither content nor file, are manifest errors
    const bad = f.manifest({ userMode: true, secretsMountPoint: "%r/secrets.d", symlinkPath: "%r/secrets", templates: [{ name: "x", path: "%r/x" }], placeholderBySecretName: { port: ph("port") } }, secrets);
    await assert.rejects(installSecrets(f.ctx, { manifest: bad }), (e: unknown) => {
      assert.ok(e instanceof HushError && e.code === "CONFIG");
      const all = [e.message, ...e.hints].join("\n");
      assert.match(all, /placeholder for db\/password not found in manifest/);
      assert.match(all, /neither content nor file was specified for template "x"/);
      return true;
    });
  });

  it("userMode installs as the caller without chown, with %r as $XDG_RUNTIME_DIR", async () => {
    const f = await fixture();
    const run = join(f.dir, "xdg");
    f.ctx.env = { ...f.ctx.env, XDG_RUNTIME_DIR: run };
    const m = f.manifest({ userMode: true, secretsMountPoint: "%r/secrets.d", symlinkPath: "%r/secrets", ageKeyFile: join(f.root, "etc/keys/age.txt") }, [
      { name: "t", key: "test_key", path: "%r/secrets/t", sopsFile: join(f.root, "nix/store/abc-secrets/secrets.yaml"), owner: "nobody", mode: "0400" },
    ]);
    await installSecrets(f.ctx, { manifest: m });
    assert.equal(readlinkSync(join(run, "secrets")), join(run, "secrets.d/1"));
    const st = statSync(join(run, "secrets/t"));
    assert.equal(st.uid, process.getuid?.());
    assert.equal(readFileSync(join(run, "secrets/t"), "utf8"), "test_value");
  });

  it("refuses what it does not support, listing every problem with its JSON path", () => {
    assert.throws(
      () => parseManifest(JSON.stringify({ secrets: [{ name: "a", path: "/p", sopsFile: "/f", mode: "9", format: "toml", colour: 1 }, { name: "../x" }], templates: [{ name: "t" }], sshKeyPaths: ["/k"] }), "m.json", undefined),
      (e: unknown) => {
        assert.ok(e instanceof HushError && e.code === "CONFIG");
        const all = e.hints.join("\n");
        for (const want of ["secretsMountPoint: required", "symlinkPath: required", 'secrets[0].mode: invalid octal mode "9"', 'secrets[0].format: unsupported format "toml"', "secrets[0].colour: unknown field", "secrets[1].name: must be a relative path", "secrets[1].path: required"]) {
          assert.ok(all.includes(want), `missing ${want} in\n${all}`);
        }
        return true;
      },
    );
    // sops-nix: a GnuPG home of its own excludes the keys hush would import
    assert.throws(
      () => parseManifest(JSON.stringify({ secrets: [], secretsMountPoint: "/m", symlinkPath: "/s", gnupgHome: "/g", sshKeyPaths: ["/k"], ageKeyFile: "/a" }), "m.json", undefined),
      (e: unknown) => {
        assert.ok(e instanceof HushError && e.code === "CONFIG");
        const all = e.hints.join("\n");
        assert.match(all, /gnupgHome and sshKeyPaths were specified in the manifest\. Both options are mutually exclusive\./);
        assert.match(all, /gnupgHome and ageKeyFile were specified in the manifest\. Both options are mutually exclusive\./);
        return true;
      },
    );
  });
});
