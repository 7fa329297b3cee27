import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { STORES, isStoreName, storeByName, storeFor, storeForPath } from "../../../src/stores/index.js";
import { HushError } from "../../../src/errors.js";

describe("store registry", () => {
  it("picks the store by path suffix like sops FormatForPath, binary otherwise", () => {
    const cases: [string, string][] = [
      ["a.yaml", "yaml"],
      ["dir.json/a.yml", "yaml"],
      ["a.json", "json"],
      [".env", "dotenv"],
      ["prod.env", "dotenv"],
      ["a.ini", "ini"],
      ["a.txt", "binary"],
      ["a.YAML", "binary"],
      ["a.env.bak", "binary"],
      ["noext", "binary"],
    ];
    for (const [path, name] of cases) assert.equal(storeForPath(path).name, name, path);
  });

  it("has one store per sops format name, each naming itself", () => {
    for (const [name, store] of Object.entries(STORES)) assert.equal(store.name, name);
    assert.deepEqual(Object.keys(STORES).sort(), ["binary", "dotenv", "ini", "json", "yaml"]);
    assert.equal(isStoreName("json"), true);
    assert.equal(isStoreName("toString"), false);
  });

  it("storeByName is strict: an unknown or miscased name is UNKNOWN_STORE", () => {
    assert.equal(storeByName("dotenv").name, "dotenv");
    for (const bad of ["foo", "YAML", "env", "yml", ""]) {
      assert.throws(() => storeByName(bad), (e) => e instanceof HushError && e.code === "UNKNOWN_STORE", bad);
    }
  });

  it("storeFor falls back to the path for an unknown type name, as real sops 3.13.2 does", () => {
    // Checked with sops: `sops decrypt --input-type foo x.enc.yaml` decrypts as YAML (exit 0) and
    // `sops encrypt --input-type foo x.weird` writes the binary store.
    assert.equal(storeFor("x.yaml", "foo").name, "yaml");
    assert.equal(storeFor("x.weird", "foo").name, "binary");
    assert.equal(storeFor("x.weird", "YAML").name, "binary");
    assert.equal(storeFor("x.yaml", "json").name, "json");
    assert.equal(storeFor("x.yaml").name, "yaml");
    assert.equal(storeFor("x.yaml", "").name, "yaml");
  });
});
