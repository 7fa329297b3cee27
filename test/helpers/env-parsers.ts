/**
 * Faithful re-implementations of env-file readers that are not on every machine, for the export
 * round-trip tests. Each follows the reader's published behaviour, not hush's writer:
 *
 * - `parseComposeEnv`: docker compose `--env-file` (compose-spec/compose-go v2 dotenv/parser.go with
 *   template.Substitute for interpolation): statements start at the first non-space; `#` lines are
 *   comments; `export ` prefix; key ends at `=` or `:`; a quoted value runs to the first quote of its
 *   kind not preceded by a backslash (a backslash before any other byte is kept with it); double-quoted
 *   values then expand `\a \b \f \n \r \t \v \\ \" \$ \0NNN` and are interpolated; single-quoted values are
 *   literal; unquoted values end at the line break, lose ` #…` and trailing space, and are interpolated.
 *   Interpolation: `$$` is `$`, `$name` and `${name}` look up earlier keys (unset = ""); other `${…}`
 *   forms are rejected here (the writer under test never emits them).
 * - `parseGithubEnv`: the Actions runner's SetEnvFileCommand (Linux): lines split at `\n`; `K=V` splits at
 *   the first `=` when it comes before any `<<`; `K<<D` reads lines up to one equal to D, the value being
 *   the text between (without the final line break).
 */

function isSpace(c: string): boolean {
  return c === "\t" || c === "\v" || c === "\f" || c === "\r" || c === " " || c === "\u0085" || c === "\u00a0";
}

function isUnicodeSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(c);
}

function interpolate(s: string, env: Map<string, string>): string {
  return s.replace(/\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([^}]*)\}|\{)/gi, (m, esc: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (esc !== undefined) return "$";
    const name = named ?? braced;
    if (name === undefined || !/^[_a-z][_a-z0-9]*$/i.test(name)) throw new Error(`compose: invalid template ${JSON.stringify(m)}`);
    return env.get(name) ?? "";
  });
}

function expandEscapes(s: string): string {
  return s.replace(/\\(?:([abcfnrtv$"\\])|0(\d{0,3}))/g, (m, c: string | undefined, oct: string | undefined) => {
    if (c !== undefined) {
      const map: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", '"': '"', "\\": "\\", $: "$$" };
      return map[c] ?? m; // `\c` is not a Go escape: kept as is
    }
    if (oct !== undefined && oct.length === 3 && /^[0-7]{3}$/.test(oct) && parseInt(oct, 8) < 256) return String.fromCharCode(parseInt(oct, 8));
    return m;
  });
}

/** Parses an env file as docker compose does (see the file header). Throws on what compose rejects. */
export function parseComposeEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (;;) {
    // statement start: skip whitespace and comment lines
    for (;;) {
      let i = 0;
      while (i < src.length && isUnicodeSpace(src[i]!)) i++;
      src = src.slice(i);
      if (src.startsWith("#")) {
        const nl = src.indexOf("\n");
        src = nl === -1 ? "" : src.slice(nl);
        continue;
      }
      break;
    }
    if (src === "") return out;
    if (/^export\s+/.test(src)) {
      src = src.slice("export".length);
      while (src.length > 0 && isSpace(src[0]!)) src = src.slice(1);
    }
    let key: string | undefined;
    let inherited = false;
    let offset = 0;
    for (let i = 0; i < src.length; i++) {
      const c = src[i]!;
      if (isSpace(c)) continue;
      if (c === "=" || c === ":" || c === "\n") {
        key = src.slice(0, i);
        offset = i + 1;
        inherited = c === "\n";
        break;
      }
      if (c === "_" || c === "." || c === "-" || c === "[" || c === "]" || /[\p{L}\p{N}]/u.test(c)) continue;
      throw new Error(`compose: unexpected character ${JSON.stringify(c)} in variable name`);
    }
    if (key === undefined) throw new Error("compose: key without value at end of file");
    key = key.replace(/\s+$/u, "");
    if (key.includes(" ")) throw new Error("compose: key cannot contain a space");
    src = src.slice(offset);
    while (src.length > 0 && isSpace(src[0]!)) src = src.slice(1);
    if (inherited) continue;
    const q = src[0];
    if (q !== '"' && q !== "'") {
      const nl = src.indexOf("\n");
      let value = nl === -1 ? src : src.slice(0, nl);
      src = nl === -1 ? "" : src.slice(nl + 1);
      const hash = value.indexOf(" #");
      if (hash !== -1) value = value.slice(0, hash);
      value = value.replace(/\s+$/u, "");
      out.set(key, interpolate(value, out));
      continue;
    }
    let chars = "";
    let escape = false;
    let end = -1;
    for (let i = 1; i < src.length; i++) {
      const c = src[i]!;
      if (c !== q) {
        if (!escape && c === "\\") {
          escape = true;
          continue;
        }
        if (escape) {
          escape = false;
          chars += "\\";
        }
        chars += c;
        continue;
      }
      if (escape) {
        escape = false;
        chars += c;
        continue;
      }
      end = i;
      break;
    }
    if (end === -1) throw new Error("compose: unterminated quoted value");
    out.set(key, q === '"' ? interpolate(expandEscapes(chars), out) : chars);
    src = src.slice(end + 1);
  }
}

/** Parses a `$GITHUB_ENV` file as the Actions runner does on Linux (see the file header). */
export function parseGithubEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let index = 0;
  const readLine = (): { line: string; nl: number } | null => {
    if (index >= text.length) return null;
    const lf = text.indexOf("\n", index);
    const start = index;
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), nl: 0 };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), nl: 1 };
  };
  for (let r = readLine(); r !== null; r = readLine()) {
    const line = r.line;
    if (line === "") continue;
    const eq = line.indexOf("=");
    const hd = line.indexOf("<<");
    if (eq >= 0 && (hd < 0 || eq < hd)) {
      out.set(line.slice(0, eq), line.slice(eq + 1));
    } else if (hd >= 0 && (eq < 0 || hd < eq)) {
      const name = line.slice(0, hd);
      const delim = line.slice(hd + 2);
      if (name === "" || delim === "") throw new Error("github-env: empty name or delimiter");
      const startIndex = index;
      let endIndex = index;
      for (let t = readLine(); t === null || t.line !== delim; t = readLine()) {
        if (t === null) throw new Error(`github-env: delimiter ${delim} not found`);
        endIndex = index - t.nl;
      }
      out.set(name, endIndex > startIndex ? text.slice(startIndex, endIndex) : "");
    } else {
      throw new Error("github-env: invalid line");
    }
  }
  return out;
}
