/**
 * Which leaves are encrypted (sops.go shouldBeEncrypted). Regexes are RE2, matched unanchored
 * against each key of the path separately, and against each comment of the comment stack.
 */
import { HushError } from "../errors.js";
import type { Selector } from "../stores/metadata.js";

export type ShouldEncrypt = (path: readonly string[], comments: readonly (readonly string[])[], isComment: boolean) => boolean;

/** Translates the RE2 syntax sops users write into a JS RegExp (inline flags, \z, (?P<name>)). */
export function compileRe2(src: string): RegExp {
  let s = src;
  let flags = "u";
  const lead = /^\(\?([imsU]+)\)/.exec(s);
  if (lead !== null) {
    for (const f of lead[1] as string) if (f !== "U" && !flags.includes(f)) flags += f;
    s = s.slice(lead[0].length);
  }
  s = s.replace(/\(\?P</g, "(?<").replace(/\\z/g, "$(?![\\s\\S])").replace(/\\A/g, "^(?<![\\s\\S])");
  try {
    return new RegExp(s, flags);
  } catch {
    try {
      return new RegExp(s, flags.replace("u", ""));
    } catch {
      throw new HushError("CONFIG", "invalid regular expression in encryption selector");
    }
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
      const re = compileRe2(value);
      return (path) => !path.some((k) => re.test(k));
    }
    case "encrypted_regex": {
      const re = compileRe2(value);
      return (path) => path.some((k) => re.test(k));
    }
    case "unencrypted_comment_regex": {
      const re = compileRe2(value);
      return (_p, comments) => !comments.some((level) => level.some((c) => re.test(c)));
    }
    case "encrypted_comment_regex": {
      const re = compileRe2(value);
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
