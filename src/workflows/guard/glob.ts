/**
 * File-name patterns for the never-commit list and audit-history, in .gitignore's spirit: a pattern
 * without `/` matches the file's base name at any depth; a pattern with `/` matches the whole
 * repository-relative path (a leading `/` is dropped). `*` matches within one path segment, `**`
 * across segments, `?` one character, `[…]` a class. Matching ignores case: `.ENV` on a
 * case-insensitive file system is the same file as `.env`. The glob syntax is src/sys/glob.ts's.
 */
import { globSource } from "../../sys/glob.js";

/** A compiled pattern. */
export interface NamePattern {
  source: string;
  test(path: string): boolean;
}

function toRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob, { braces: false })}$`, "i");
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
