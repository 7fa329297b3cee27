import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { shlexSplit } from "../../../src/sys/shlex.js";
import { isHushError } from "../../../src/errors.js";

// Expected values follow github.com/google/shlex (e7afc7f), the splitter sops vendors.
const CASES: [string, string[]][] = [
  ["", []],
  ["   \t\n", []],
  ["vim", ["vim"]],
  ["/usr/bin/code --wait", ["/usr/bin/code", "--wait"]],
  ["one \"two three\" four", ["one", "two three", "four"]],
  ["emacs -nw 'a b'  c", ["emacs", "-nw", "a b", "c"]],
  ["a\"b c\"d", ["ab cd"]],
  ["''", [""]],
  ["a '' b", ["a", "", "b"]],
  ["foo\\ bar", ["foo bar"]],
  ["\"a\\\"b\"", ['a"b']],
  ["\"\\a\\\\\"", ["a\\"]], // inside double quotes a backslash escapes any character
  ["'a\\b'", ["a\\b"]], // single quotes are literal
  ["'it\"s'", ['it"s']],
  ["a#b", ["a#b"]], // # inside a word is literal
  ["a #comment\nb", ["a", "b"]],
  ["#only a comment", []],
  ["x $HOME ~ *.txt", ["x", "$HOME", "~", "*.txt"]], // no expansion of any kind
  ["ünïcode wörds", ["ünïcode", "wörds"]],
  ["a\r\nb", ["a", "b"]],
];

describe("shlexSplit", () => {
  for (const [input, want] of CASES) {
    it(`splits ${JSON.stringify(input)}`, () => {
      assert.deepEqual(shlexSplit(input), want);
    });
  }

  for (const bad of ["'unterminated", '"unterminated', "trailing\\", '"esc at end\\']) {
    it(`rejects ${JSON.stringify(bad)} without echoing it`, () => {
      assert.throws(
        () => shlexSplit(bad, "SOPS_EDITOR"),
        (e: unknown) => isHushError(e, "USAGE") && e.message.startsWith("cannot split SOPS_EDITOR:") && !e.message.includes(bad),
      );
    });
  }
});
