import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { yamlStore } from "../../../src/stores/yaml.js";

const ROOT = join(process.cwd(), "test/vectors/yaml");
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Known deviations from sops, with the reason (empty when every case matches). */
const SKIP: Record<string, string> = {};

describe("yaml golden vectors made by sops 3.13.2", () => {
  for (const name of readdirSync(ROOT).filter((n) => existsSync(join(ROOT, n, "input.yaml"))).sort()) {
    const dir = join(ROOT, name);
    const indentFile = join(dir, "indent");
    const indent = existsSync(indentFile) ? Number(readFileSync(indentFile, "utf8").trim()) : undefined;
    const opts = indent === undefined ? {} : { indent };
    it(`${name}: emitPlain(loadPlain(input)) equals sops decrypt output`, { skip: SKIP[name] }, () => {
      const input = readFileSync(join(dir, "input.yaml"));
      const expected = readFileSync(join(dir, "expected.yaml"), "utf8");
      assert.equal(text(yamlStore.emitPlain(yamlStore.loadPlain(input), opts)), expected);
    });
    it(`${name}: emitEncrypted(loadEncrypted(encrypted)) is byte-identical`, { skip: SKIP[name] }, () => {
      const enc = readFileSync(join(dir, "encrypted.yaml"));
      assert.equal(text(yamlStore.emitEncrypted(yamlStore.loadEncrypted(enc), opts)), text(enc));
    });
  }
});
