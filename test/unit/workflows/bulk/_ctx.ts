/** A FileCtx for tests in a temp dir, with an age key file. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity } from "../../../../src/keys/age/index.js";
import type { FileCtx } from "../../../../src/workflows/files/index.js";

export interface TestRepo {
  dir: string;
  recipient: string;
  keyFile: string;
  ctx: FileCtx;
  env: Record<string, string>;
}

export function testRepo(prefix: string): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { identity, recipient } = generateX25519Identity();
  const keyFile = join(dir, "key.txt");
  writeFileSync(keyFile, `# test key\n${identity}\n`);
  const env: Record<string, string> = { HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg"), SOPS_AGE_KEY_FILE: keyFile, PATH: process.env["PATH"] ?? "" };
  const ctx: FileCtx = {
    cwd: dir,
    env,
    now: () => new Date(),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    readStdin: async () => new Uint8Array(),
    prompt: async () => null,
    warn: () => {},
  };
  return { dir, recipient, keyFile, ctx, env };
}
