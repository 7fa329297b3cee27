/**
 * The built launcher (scripts/build.mjs): dist/hush.cjs compiles dist/hush-<hash>.cjs with the V8 code
 * cache dist/hush-<hash>.cache. The cache is only a speed-up: this node must accept the one the build made,
 * and a missing, foreign or corrupt cache must leave every output byte and exit code unchanged.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Script } from "node:vm";

const DIST = resolve(process.cwd(), "dist");
const launcher = readFileSync(join(DIST, "hush.cjs"), "utf8");
const bundleName = /"\/(hush-[0-9a-f]{12}\.cjs)"/.exec(launcher)?.[1];
const cacheName = /"\/(hush-[0-9a-f]{12}\.cache)"/.exec(launcher)?.[1];

describe("launcher and code cache", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const hush = (distDir: string, args: string[]) => spawnSync(process.execPath, [join(distDir, "hush.cjs"), ...args], { cwd: dir, env, encoding: "utf8" });
  /** A copy of dist/ with the cache replaced by `cache` (undefined: no cache file at all). */
  const distWith = (name: string, cache: Buffer | undefined): string => {
    const d = join(dir, name);
    rmSync(d, { recursive: true, force: true });
    spawnSync("mkdir", ["-p", d]);
    copyFileSync(join(DIST, "hush.cjs"), join(d, "hush.cjs"));
    copyFileSync(join(DIST, bundleName!), join(d, bundleName!));
    if (cache !== undefined) writeFileSync(join(d, cacheName!), cache);
    return d;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hush-launcher-"));
    env = { PATH: process.env.PATH, HOME: dir, SOPS_AGE_KEY_FILE: join(dir, "key.txt") };
    assert.equal(hush(DIST, ["keygen", "-o", "key.txt"]).status, 0);
    const recipient = hush(DIST, ["keygen", "-y", "key.txt"]).stdout.trim();
    writeFileSync(join(dir, "s.yaml"), "a: 1\nb: [x, y] # c\nc: {d: \"e\"}\n");
    assert.equal(hush(DIST, ["encrypt", "--age", recipient, "-i", "s.yaml"]).status, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names a bundle and a cache that the build wrote", () => {
    assert.ok(bundleName !== undefined && cacheName !== undefined, "dist/hush.cjs names hush-<hash>.cjs and .cache");
    assert.ok(existsSync(join(DIST, bundleName)), bundleName);
    assert.ok(existsSync(join(DIST, cacheName)), cacheName);
    assert.ok(!readdirSync(DIST).some((n) => n.includes(".tmp-") || n.startsWith(".hush-launcher-")), "no temp file left in dist/");
  });

  it("keeps dist/hush.mjs, the entry of earlier builds, running the same program", () => {
    for (const args of [["--version"], ["decrypt", "s.yaml"], ["decrypt", "nope.yaml"]]) {
      const want = hush(DIST, args);
      const got = spawnSync(process.execPath, [join(DIST, "hush.mjs"), ...args], { cwd: dir, env, encoding: "utf8" });
      assert.deepEqual([got.status, got.stdout, got.stderr], [want.status, want.stdout, want.stderr], args.join(" "));
    }
  });

  it("has a cache this node accepts (built by this node for this bundle)", () => {
    const file = join(DIST, bundleName!);
    const script = new Script(readFileSync(file, "latin1"), { filename: file, cachedData: readFileSync(join(DIST, cacheName!)) });
    assert.equal(script.cachedDataRejected, false);
  });

  for (const [what, cache] of [
    ["no cache file", undefined],
    ["a corrupt cache (random bytes)", randomBytes(4096)],
    ["an empty cache", Buffer.alloc(0)],
  ] as const) {
    it(`runs the same with ${what}`, () => {
      // a directory name with a space and a percent sign: the launcher must not URL-decode or split its path
      const d = distWith(`dist %20 ${what.replace(/\W+/g, "-")}`, cache);
      for (const args of [["--version"], ["decrypt", "s.yaml"], ["decrypt", "--extract", '["c"]["d"]', "s.yaml"], ["decrypt", "nope.yaml"]]) {
        const want = hush(DIST, args);
        const got = hush(d, args);
        assert.equal(got.status, want.status, `hush ${args.join(" ")}: exit`);
        assert.equal(got.stdout, want.stdout, `hush ${args.join(" ")}: stdout`);
        assert.equal(got.stderr, want.stderr, `hush ${args.join(" ")}: stderr`);
      }
      assert.match(hush(d, ["decrypt", "s.yaml"]).stdout, /^a: 1\n/);
      // the launcher left a fresh cache behind, one this node accepts
      const file = join(d, bundleName!);
      const fresh = new Script(readFileSync(file, "latin1"), { filename: file, cachedData: readFileSync(join(d, cacheName!)) });
      assert.equal(fresh.cachedDataRejected, false);
      assert.ok(!readdirSync(d).some((n) => n.includes(".tmp-")), "no temp file left");
    });
  }

  it("leaves no plaintext in a cache it writes after a decrypt", () => {
    const secret = `launcher-secret-${randomBytes(12).toString("hex")}`;
    writeFileSync(join(dir, "secret.yaml"), `token: ${secret}\n`);
    const recipient = hush(DIST, ["keygen", "-y", "key.txt"]).stdout.trim();
    assert.equal(hush(DIST, ["encrypt", "--age", recipient, "-i", "secret.yaml"]).status, 0);
    const d = distWith("secret-cache", undefined);
    const r = hush(d, ["decrypt", "secret.yaml"]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(secret));
    const cache = readFileSync(join(d, cacheName!));
    assert.ok(cache.length > 0);
    for (const enc of ["utf8", "utf16le", "latin1"] as const) assert.equal(cache.indexOf(Buffer.from(secret, enc)), -1, `no ${enc} copy of the value in the code cache`);
  });

  it("does not rewrite the cache when node runs with other flags (they would make it foreign to default runs)", () => {
    const d = distWith("flags", undefined);
    const r = spawnSync(process.execPath, ["--stack-size=2000", join(d, "hush.cjs"), "--version"], { cwd: dir, env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(join(d, cacheName!)));
  });
});
