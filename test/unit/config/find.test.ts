import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findConfig } from "../../../src/config/find.js";

const fsWith = (paths: string[]): ((p: string) => boolean) => {
  const set = new Set(paths);
  return (p) => set.has(p);
};

describe("findConfig", () => {
  it("finds .sops.yaml in the working directory first, then upward", () => {
    const exists = fsWith(["/a/b/.sops.yaml", "/a/.sops.yaml"]);
    assert.deepEqual(findConfig("/a/b", {}, undefined, exists), {
      path: "/a/b/.sops.yaml",
      displayPath: ".sops.yaml",
      explicit: false,
      warnings: [],
    });
    const up = findConfig("/a/b/c/d", {}, undefined, exists);
    assert.equal(up.path, "/a/b/.sops.yaml");
    assert.equal(up.displayPath, "../../.sops.yaml");
  });

  it("ignores .sops.yml with sops's warning", () => {
    const found = findConfig("/a/b", {}, undefined, fsWith(["/a/b/.sops.yml", "/.sops.yaml"]));
    assert.equal(found.path, "/.sops.yaml");
    assert.deepEqual(found.warnings, [
      'ignoring ".sops.yml" when searching for config file; the config file must be called ".sops.yaml"; using "../../.sops.yaml" instead',
    ]);
    const none = findConfig("/a/b", {}, undefined, fsWith(["/a/.sops.yml"]));
    assert.equal(none.path, null);
    assert.deepEqual(none.warnings, ['ignoring "../.sops.yml" when searching for config file; the config file must be called ".sops.yaml"']);
  });

  it("stops after 100 levels", () => {
    const deep = "/" + Array.from({ length: 120 }, (_, i) => `d${i}`).join("/");
    assert.equal(findConfig(deep, {}, undefined, fsWith(["/.sops.yaml"])).path, null);
    const d99 = "/" + Array.from({ length: 99 }, (_, i) => `d${i}`).join("/");
    assert.equal(findConfig(d99, {}, undefined, fsWith(["/.sops.yaml"])).path, "/.sops.yaml");
  });

  it("takes --config over SOPS_CONFIG over the search, without checking existence", () => {
    const exists = fsWith(["/w/.sops.yaml"]);
    assert.deepEqual(findConfig("/w", { SOPS_CONFIG: "conf/s.yaml" }, undefined, exists), {
      path: "/w/conf/s.yaml",
      displayPath: "conf/s.yaml",
      explicit: true,
      warnings: [],
    });
    assert.equal(findConfig("/w", { SOPS_CONFIG: "conf/s.yaml" }, "/etc/x.yaml", exists).path, "/etc/x.yaml");
    assert.equal(findConfig("/w", { SOPS_CONFIG: "" }, undefined, exists).path, "/w/.sops.yaml");
  });

  it("probes the real filesystem by default", () => {
    const root = mkdtempSync(join(tmpdir(), "hush-find-"));
    try {
      mkdirSync(join(root, "x", "y"), { recursive: true });
      writeFileSync(join(root, ".sops.yaml"), "creation_rules: []\n");
      assert.equal(findConfig(join(root, "x", "y"), {}).path, join(root, ".sops.yaml"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
