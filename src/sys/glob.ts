/**
 * The shared core of hush's path globs (guard's never-commit names, scan's allowlisted paths): the
 * RegExp source of one glob, gitignore-like. `*` and `?` stay inside one path segment, `**` crosses
 * segments (`**` then `/` also matches no directory at all), `[…]` is a character class (`[!…]` negated, a `]`
 * right after the `[` is a member), and with `braces` `{a,b}` alternates. Everything else is literal.
 * Anchoring, case and what a pattern without `/` means are the caller's.
 */
export function globSource(glob: string, opts: { braces: boolean }): string {
  let re = "";
  let inBrace = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slashAfter = glob[i + 2] === "/";
        re += slashAfter ? "(?:.*/)?" : ".*";
        i += slashAfter ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1) re += "\\[";
      else {
        re += "[" + glob.slice(i + 1, close).replace(/\\/g, "\\\\").replace(/^!/, "^") + "]";
        i = close;
      }
    } else if (opts.braces && c === "{") {
      inBrace++;
      re += "(?:";
    } else if (opts.braces && c === "}" && inBrace > 0) {
      inBrace--;
      re += ")";
    } else if (opts.braces && c === "," && inBrace > 0) re += "|";
    else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return re;
}
