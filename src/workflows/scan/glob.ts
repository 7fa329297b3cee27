/**
 * Path globs for `scan.allowlist.paths`, gitignore-like: `*` and `?` stay inside one path segment,
 * `**` crosses segments, `{a,b}` alternates, `[…]` is a character class. A pattern without a `/`
 * matches the last segment anywhere (`*.md`); a trailing `/` matches everything below a directory.
 * The glob syntax is src/sys/glob.ts's.
 */
import { globSource } from "../../sys/glob.js";

/** Compiles one glob to an anchored RegExp over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.replace(/^\.\//, "");
  let dirOnly = false;
  if (g.endsWith("/")) {
    dirOnly = true;
    g = g.slice(0, -1);
  }
  const anchored = g.includes("/");
  if (g.startsWith("/")) g = g.slice(1);
  const re = globSource(g, { braces: true });
  const tail = dirOnly ? "/.*" : "(?:/.*)?";
  return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${re}${tail}$`);
}
