import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isHushError } from "../../../../src/errors.js";
import { loadRunConfig } from "../../../../src/workflows/run/index.js";

describe("hush.yaml run section", () => {
  const root = mkdtempSync(join(tmpdir(), "hush-runcfg-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("is found from a subdirectory and its paths are relative to hush.yaml", async () => {
    const deep = join(root, "a", "b");
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, "hush.yaml"), "scan: {paths: [x]}\nrun:\n  files: [secrets/dev.yaml, /abs/prod.env]\n  mask-min-length: 8\n");
    const cfg = await loadRunConfig(deep);
    assert.deepEqual(cfg, { path: join(root, "hush.yaml"), files: [join(root, "secrets/dev.yaml"), "/abs/prod.env"], maskMinLength: 8 });
  });

  it("is null without a run section", async () => {
    const d = mkdtempSync(join(root, "norun-"));
    writeFileSync(join(d, "hush.yaml"), "deploy: {}\n");
    assert.equal(await loadRunConfig(d), null);
  });

  it("reports every problem with its dot-path", async () => {
    const d = mkdtempSync(join(root, "bad-"));
    writeFileSync(join(d, "hush.yaml"), "run:\n  files: [ok.yaml, 3, '']\n  mask-min-length: 0\n");
    await assert.rejects(loadRunConfig(d), (e: unknown) => {
      assert.ok(isHushError(e, "CONFIG"));
      assert.deepEqual(e.hints, ["run.files[1]: must be a file path", "run.files[2]: must be a file path", "run.mask-min-length: must be a positive integer"]);
      return true;
    });
  });
});
