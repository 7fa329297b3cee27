import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { unquoteGitPath } from "../../../src/sys/git.js";

describe("unquoteGitPath", () => {
  it("returns unquoted paths as they are", () => assert.equal(unquoteGitPath("a b/c.yaml"), "a b/c.yaml"));
  it("undoes C escapes and octal UTF-8 bytes", () => {
    assert.equal(unquoteGitPath('"tab\\there"'), "tab\there");
    assert.equal(unquoteGitPath('"q\\"uote\\\\"'), 'q"uote\\');
    assert.equal(unquoteGitPath('"caf\\303\\251.env"'), "café.env");
  });
});
