/**
 * Path globs for `scan.allowlist.paths`, gitignore-like: `*` and `?` stay inside one path segment,
 * `**` crosses segments, `{a,b}` alternates, `[…]` is a character class. A pattern without a `/`
 * matches the last segment anywhere (`*.md`); a trailing `/` matches everything below a directory.
 */

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
  let re = "";
  let inBrace = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string;
    if (c === "*") {
      if (g[i + 1] === "*") {
        const slashAfter = g[i + 2] === "/";
        re += slashAfter ? "(?:.*/)?" : ".*";
        i += slashAfter ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = g.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        re += "[" + g.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
        i = close;
      }
    } else if (c === "{") {
      inBrace++;
      re += "(?:";
    } else if (c === "}" && inBrace > 0) {
      inBrace--;
      re += ")";
    } else if (c === "," && inBrace > 0) re += "|";
    else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  const tail = dirOnly ? "/.*" : "(?:/.*)?";
  return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${re}${tail}$`);
}
