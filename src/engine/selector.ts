/**
 * Which leaves are encrypted (sops.go shouldBeEncrypted). Regexes are RE2, matched unanchored
 * against each key of the path separately, and against each comment of the comment stack.
 */
import { HushError } from "../errors.js";
import { compileRe2 } from "../config/re2.js";
import type { Selector } from "../stores/metadata.js";

export type ShouldEncrypt = (path: readonly string[], comments: readonly (readonly string[])[], isComment: boolean) => boolean;

/** Compiles a selector regex (Go RE2 syntax). @throws HushError CONFIG */
function compile(src: string, kind: string): RegExp {
  try {
    return compileRe2(src);
  } catch {
    throw new HushError("CONFIG", `invalid regular expression in ${kind}`);
  }
}

/** Builds the predicate for a file's selector (null = encrypt everything). */
export function shouldEncryptFor(selector: Selector | null): ShouldEncrypt {
  if (selector === null) return () => true;
  const { kind, value } = selector;
  switch (kind) {
    case "unencrypted_suffix":
      return (path) => !path.some((k) => k.endsWith(value));
    case "encrypted_suffix":
      return (path) => path.some((k) => k.endsWith(value));
    case "unencrypted_regex": {
      const re = compile(value, kind);
      return (path) => !path.some((k) => re.test(k));
    }
    case "encrypted_regex": {
      const re = compile(value, kind);
      return (path) => path.some((k) => re.test(k));
    }
    case "unencrypted_comment_regex": {
      const re = compile(value, kind);
      return (_p, comments) => !comments.some((level) => level.some((c) => re.test(c)));
    }
    case "encrypted_comment_regex": {
      const re = compile(value, kind);
      return (_p, comments, isComment) => {
        const last = comments.length - 1;
        for (let i = 0; i < comments.length; i++) {
          const level = comments[i] as readonly string[];
          for (let j = 0; j < level.length; j++) {
            // The marker comment itself stays clear; the comments and values after it are encrypted.
            if (isComment && i === last && j === level.length - 1) continue;
            if (re.test(level[j] as string)) return true;
          }
        }
        return false;
      };
    }
  }
}
