import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isHushError } from "../../../src/errors.js";
import { yamlStore } from "../../../src/stores/yaml.js";
import { Comment, isMap, Timestamp, treeList, treeMap } from "../../../src/tree/index.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function parseError(src: string): { code: string; message: string; line: number | undefined } {
  try {
    yamlStore.loadPlain(enc(src), { file: "f.yaml" });
  } catch (e) {
    assert.ok(isHushError(e));
    return { code: e.code, message: e.message, line: e.line };
  }
  assert.fail("expected an error");
}

describe("yaml store: loading", () => {
  it("maps scalars the way yaml.v3 resolves them", () => {
    const [b] = yamlStore.loadPlain(enc("i: 0x10\no: 010\nf: 1e3\nt: 2024-01-01\nb: TRUE\ny: yes\nn: ~\n"));
    assert.deepEqual(b?.items, [
      { key: "i", value: 16n },
      { key: "o", value: 8n },
      { key: "f", value: 1000 },
      { key: "t", value: new Timestamp("2024-01-01T00:00:00Z") },
      { key: "b", value: true },
      { key: "y", value: "yes" },
      { key: "n", value: null },
    ]);
  });
  it("turns a comment after a scalar into an inline comment before its key", () => {
    const [b] = yamlStore.loadPlain(enc("# head\na: 1 # line\n"));
    assert.deepEqual(b?.items, [new Comment(" head"), new Comment(" line", true), { key: "a", value: 1n }]);
  });
  it("gives zero branches for an empty file and one empty branch for a bare ---", () => {
    assert.deepEqual(yamlStore.loadPlain(enc("")), []);
    assert.deepEqual(yamlStore.loadPlain(enc("---\n")), [treeMap([])]);
  });
  it("rejects duplicate keys naming both lines", () => {
    const e = parseError("a: 1\nb: 2\na: 3\n");
    assert.equal(e.code, "PARSE");
    assert.equal(e.line, 3);
    assert.match(e.message, /mapping key "a" already defined at line 1/);
  });
  it("rejects malformed yaml with a line and without the content", () => {
    const e = parseError("ok: 1\nbad: [secretvalue\n");
    assert.equal(e.code, "PARSE");
    assert.ok(e.line !== undefined);
    assert.doesNotMatch(e.message, /secretvalue/);
  });
  it("rejects documents that are sequences or values", () => {
    assert.match(parseError("- a\n").message, /sequences are not supported/);
    assert.match(parseError("a: 1\n---\nsecretscalar\n").message, /values are not supported/);
    assert.doesNotMatch(parseError("a: 1\n---\nsecretscalar\n").message, /secretscalar/);
  });
  it("fails fast on an alias bomb", () => {
    let src = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n';
    let prev = "a";
    for (const n of ["b", "c", "d", "e", "f", "g", "h", "i"]) {
      src += `${n}: &${n} [${Array(10).fill(`*${prev}`).join(",")}]\n`;
      prev = n;
    }
    const t0 = Date.now();
    const e = parseError(src);
    assert.equal(e.code, "PARSE");
    assert.match(e.message, /excessive aliasing/);
    assert.ok(Date.now() - t0 < 5000);
  });
});

describe("yaml store: metadata", () => {
  it("takes sops from the first document and removes it from every document", () => {
    const doc = yamlStore.loadEncrypted(enc("a: 1\nsops:\n    version: 3.13.2\n---\nb: 2\nsops:\n    version: x\n"));
    assert.deepEqual(doc.metadata.items, [{ key: "version", value: "3.13.2" }]);
    assert.deepEqual(doc.branches.map((b) => b.items.length), [1, 1]);
    assert.ok(yamlStore.hasMetadata(treeMap([{ key: "sops", value: treeMap() }])));
  });
  it("reports missing metadata", () => {
    assert.throws(() => yamlStore.loadEncrypted(enc("a: 1\n")), (e: unknown) => isHushError(e, "METADATA_NOT_FOUND"));
  });
  it("loads every yaml fixture written by sops and finds its metadata", () => {
    const root = join(process.cwd(), "../shared/fixtures/sops");
    const encrypted = [
      "sops-main/example.yaml",
      "sops-main/format.enc.yaml",
      "sops-main/comments.enc.yaml",
      "sops-main/comments_unencrypted_comments.yaml",
      "sops-main/multiple_keys.yaml",
      "sops-main/no_mac.yaml",
      "sops-main/legacy-1.13.example.yaml",
      "sops-age/example.yaml",
      "humphd/secret.enc.yaml",
      "sops-nix/secrets.yaml",
      "flux/age.yaml",
      "flux/age-pq.yaml",
      "flux/global-secret.yaml",
    ];
    for (const f of encrypted) {
      const doc = yamlStore.loadEncrypted(readFileSync(join(root, f)), { file: f });
      assert.ok(isMap(doc.metadata), f);
    }
    assert.ok(readdirSync(root).length > 0);
  });
  it("writes the plaintext fixture exactly as sops decrypt does", () => {
    const root = join(process.cwd(), "../shared/fixtures/sops/sops-main");
    const plain = readFileSync(join(root, "format.enc.plain.yaml"), "utf8");
    assert.equal(dec(yamlStore.emitPlain(yamlStore.loadPlain(enc(plain)))), plain);
  });
});

describe("yaml store: emitting", () => {
  it("writes values for --extract as yaml.Marshal does", () => {
    assert.equal(dec(yamlStore.emitValue(5n)), "5\n");
    assert.equal(dec(yamlStore.emitValue(1e21)), "1e+21\n");
    assert.equal(dec(yamlStore.emitValue(treeList(["a", "b"]))), "- a\n- b\n");
  });
  it("uses the indent option", () => {
    const b = yamlStore.loadPlain(enc("a:\n  b: [x]\n"));
    assert.equal(dec(yamlStore.emitPlain(b, { indent: 2 })), "a:\n  b:\n    - x\n");
  });
});
