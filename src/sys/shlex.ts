/**
 * Shell-style word splitting with the rules of github.com/google/shlex (the version sops vendors), which
 * sops uses for `$SOPS_EDITOR`/`$EDITOR` and `SOPS_AGE_KEY_CMD`: the words are run directly, with **no shell**.
 *
 * Rules: space, tab, CR and LF separate words. `'…'` is literal. `"…"` is quoted, and inside it a backslash
 * makes the next character literal, whatever it is (unlike POSIX sh, `"\a"` is `a`). Outside quotes a
 * backslash makes the next character literal. A `#` that starts a word starts a comment running to the end
 * of the line; a `#` inside a word is literal. Quotes can join parts of one word (`a"b c"d` → `ab cd`), and
 * `''` is an empty word. There is no variable, tilde or glob expansion.
 */
import { HushError } from "../errors.js";

const SPACE = new Set([" ", "\t", "\r", "\n"]);

/**
 * Splits `text` into words.
 * @param what names the setting in errors (e.g. `SOPS_AGE_KEY_CMD`); the text itself is never echoed.
 * @throws HushError USAGE on an unterminated quote or a trailing backslash.
 */
export function shlexSplit(text: string, what: string = "command"): string[] {
  const words: string[] = [];
  const chars = Array.from(text);
  let i = 0;
  const fail = (why: string): never => {
    throw new HushError("USAGE", `cannot split ${what}: ${why}`);
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < chars.length && chars[i] !== "\n") i++;
      continue;
    }
    let word = "";
    while (i < chars.length && !SPACE.has(chars[i]!)) {
      const ch = chars[i++]!;
      if (ch === "\\") {
        if (i >= chars.length) fail("EOF found after escape character");
        word += chars[i++]!;
      } else if (ch === "'") {
        const end = chars.indexOf("'", i);
        if (end < 0) fail("EOF found when expecting closing quote");
        word += chars.slice(i, end).join("");
        i = end + 1;
      } else if (ch === '"') {
        for (;;) {
          if (i >= chars.length) fail("EOF found when expecting closing quote");
          const q = chars[i++]!;
          if (q === '"') break;
          if (q === "\\") {
            if (i >= chars.length) fail("EOF found after escape character");
            word += chars[i++]!;
          } else {
            word += q;
          }
        }
      } else {
        word += ch;
      }
    }
    words.push(word);
  }
  return words;
}
