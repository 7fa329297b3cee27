import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expandWord, parseScript, parseTxtar } from "../txtar.js";

describe("parseTxtar", () => {
  it("splits the script from the file sections", () => {
    const a = parseTxtar("hush encrypt a.yaml\n# note\n-- a.yaml --\nk: v\n-- dir/b.env --\nX=1\n");
    assert.equal(a.comment, "hush encrypt a.yaml\n# note\n");
    assert.deepEqual(a.files, [
      { name: "a.yaml", data: "k: v\n" },
      { name: "dir/b.env", data: "X=1\n" },
    ]);
  });

  it("adds a final newline to a file that lacks one, as txtar does", () => {
    assert.deepEqual(parseTxtar("-- f --\nno newline").files, [{ name: "f", data: "no newline\n" }]);
  });

  it("keeps empty files empty and treats a marker-looking line inside text only at line start", () => {
    const a = parseTxtar("x\n-- empty --\n-- f --\n  -- not a marker --\n--bad--\n");
    assert.deepEqual(a.files, [
      { name: "empty", data: "" },
      { name: "f", data: "  -- not a marker --\n--bad--\n" },
    ]);
  });

  it("reads an archive with no files as all script", () => {
    assert.deepEqual(parseTxtar("exit 0"), { comment: "exit 0\n", files: [] });
  });
});

describe("parseScript", () => {
  it("parses prefixes, verbs, quotes and comments with line numbers", () => {
    const lines = parseScript("# comment\n\n! hush decrypt 'my file.yaml' # trailing\n[!exec:sops] skip\n[exec:age] ! exec age -d\n");
    assert.equal(lines.length, 3);
    assert.deepEqual(
      lines.map((l) => [l.lineNo, l.negated, l.conditions, l.verb, l.args.map((w) => expandWord(w, {}))]),
      [
        [3, true, [], "hush", ["decrypt", "my file.yaml"]],
        [4, false, [{ negated: true, name: "exec:sops" }], "skip", []],
        [5, true, [{ negated: false, name: "exec:age" }], "exec", ["age", "-d"]],
      ],
    );
  });

  it("expands $VAR and ${VAR} outside single quotes only", () => {
    const [l] = parseScript("env K=$WORK/x ${WORK}y '$WORK' a'$WORK'b 'it''s'");
    assert.deepEqual(l!.args.map((w) => expandWord(w, { WORK: "/w" })), ["K=/w/x", "/wy", "$WORK", "a$WORKb", "it's"]);
  });

  it("keeps an empty quoted word", () => {
    const [l] = parseScript("replace f.yaml 'x: 1' ''");
    assert.deepEqual(l!.args.map((w) => expandWord(w, {})), ["f.yaml", "x: 1", ""]);
  });

  it("rejects an unterminated quote and a bare prefix, naming the line", () => {
    assert.throws(() => parseScript("ok\nstdout 'abc"), /line 2: unterminated quote/);
    assert.throws(() => parseScript("!"), /line 1: prefix without a command/);
  });
});
