// The README's "run the main job" demo: a throw-away age key, a sample secrets file encrypted with
// hush, decrypted with hush, one value read back — all inside a private temp dir that is removed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const hush = resolve("dist/hush.cjs");
const dir = mkdtempSync(join(tmpdir(), "hush-demo-"));
const run = (args, env = {}) =>
  execFileSync(process.execPath, [hush, ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
try {
  const keyFile = join(dir, "keys.txt");
  run(["keygen", "-o", keyFile]);
  const recipient = run(["keygen", "-y", keyFile]).trim();
  writeFileSync(join(dir, "secrets.yaml"), "# demo secrets\ndb:\n    user: app\n    password: hunter2\napi_token: tok_live_0123456789\nport_unencrypted: 5432\n");
  writeFileSync(join(dir, ".sops.yaml"), `creation_rules:\n  - path_regex: secrets\\.yaml$\n    age: ${recipient}\n`);
  console.log(`$ hush keygen -o keys.txt        # recipient ${recipient}`);
  console.log("$ hush encrypt -i secrets.yaml");
  run(["encrypt", "-i", "secrets.yaml"]);
  console.log(readFileSync(join(dir, "secrets.yaml"), "utf8"));
  const env = { SOPS_AGE_KEY_FILE: keyFile };
  console.log("$ hush decrypt secrets.yaml");
  console.log(run(["decrypt", "secrets.yaml"], env));
  console.log(`$ hush decrypt --extract '["db"]["password"]' secrets.yaml`);
  console.log(run(["decrypt", "--extract", '["db"]["password"]', "secrets.yaml"], env));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
