/**
 * File-name patterns for the never-commit list and audit-history, in .gitignore's spirit: a pattern
 * without `/` matches the file's base name at any depth; a pattern with `/` matches the whole
 * repository-relative path (a leading `/` is dropped). `*` matches within one path segment, `**`
 * across segments, `?` one character, `[…]` a class. Matching ignores case: `.ENV` on a
 * case-insensitive file system is the same file as `.env`.
 */

/** A compiled pattern. */
export interface NamePattern {
  source: string;
  test(path: string): boolean;
}

function toRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // "**/" matches zero or more directories; a bare "**" anything at all
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) re += "\\[";
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "i");
}

/** Compiles one glob. */
export function compileNamePattern(glob: string): NamePattern {
  const anchored = glob.includes("/");
  const re = toRegExp(anchored ? glob.replace(/^\//, "") : glob);
  return {
    source: glob,
    test: (path: string): boolean => re.test(anchored ? path : path.slice(path.lastIndexOf("/") + 1)),
  };
}

/** The first pattern of `patterns` that matches `path` (repository-relative, `/`-separated), or null. */
export function firstMatch(patterns: readonly NamePattern[], path: string): NamePattern | null {
  for (const p of patterns) if (p.test(path)) return p;
  return null;
}
