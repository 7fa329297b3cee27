/**
 * txtar archives and testscript lines, for test/script.test.ts (the CLI end-to-end runner).
 *
 * An archive is a script (the "comment") followed by file sections, each introduced by a line
 * `-- name --` (golang.org/x/tools/txtar). As in txtar, a file whose text does not end in a newline
 * gets one. Script lines follow testscript: words are separated by spaces, `'…'` keeps spaces and stops
 * `$VAR` expansion (`''` inside quotes is one quote), `#` at the start of a word ends the line,
 * `!` in front of a command expects it to fail, and `[cond]` in front runs it only when `cond` holds.
 */

/** One file section of an archive. */
export interface TxtarFile {
  name: string;
  data: string;
}

/** A parsed archive: the script text and the files, in order. */
export interface Txtar {
  comment: string;
  files: TxtarFile[];
}

const MARKER = /^-- (.+?) --$/;

function fixNL(s: string): string {
  return s === "" || s.endsWith("\n") ? s : s + "\n";
}

/** Parses txtar text. Never throws: text before the first marker is the comment. */
export function parseTxtar(text: string): Txtar {
  const lines = text.split(/(?<=\n)/);
  const files: TxtarFile[] = [];
  let comment = "";
  let current: TxtarFile | undefined;
  for (const line of lines) {
    const m = MARKER.exec(line.replace(/\r?\n$/, ""));
    if (m !== null) {
      if (current !== undefined) current.data = fixNL(current.data);
      current = { name: m[1]!.trim(), data: "" };
      files.push(current);
    } else if (current === undefined) {
      comment += line;
    } else {
      current.data += line;
    }
  }
  if (current !== undefined) current.data = fixNL(current.data);
  return { comment: fixNL(comment), files };
}

/** A piece of a word: literal text from quotes, or text in which `$VAR`/`${VAR}` is expanded. */
export interface WordPart {
  text: string;
  quoted: boolean;
}

/** A condition such as `[exec:sops]` or `[!exec:gpg]`. */
export interface Condition {
  negated: boolean;
  name: string;
}

/** One command of a script. */
export interface ScriptLine {
  /** 1-based line number in the .txtar file. */
  lineNo: number;
  /** The line as written (for failure reports). */
  source: string;
  /** `!` prefix: the command must fail. */
  negated: boolean;
  conditions: Condition[];
  verb: string;
  args: WordPart[][];
}

function splitWords(line: string, lineNo: number): WordPart[][] {
  const words: WordPart[][] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === " " || line[i] === "\t") {
      i++;
      continue;
    }
    if (line[i] === "#") break;
    const parts: WordPart[] = [];
    let plain = "";
    while (i < line.length && line[i] !== " " && line[i] !== "\t") {
      if (line[i] === "'") {
        if (plain !== "") parts.push({ text: plain, quoted: false });
        plain = "";
        let q = "";
        i++;
        for (;;) {
          if (i >= line.length) throw new Error(`line ${lineNo}: unterminated quote`);
          if (line[i] === "'") {
            if (line[i + 1] === "'") {
              q += "'";
              i += 2;
              continue;
            }
            i++;
            break;
          }
          q += line[i++];
        }
        parts.push({ text: q, quoted: true });
      } else {
        plain += line[i++];
      }
    }
    if (plain !== "" || parts.length === 0) parts.push({ text: plain, quoted: false });
    words.push(parts);
  }
  return words;
}

/**
 * Parses a script (the archive comment) into commands; blank and `#` lines are dropped.
 * @param firstLine the .txtar line number of the script's first line (1).
 * @throws Error naming the line on an unterminated quote or a malformed condition.
 */
export function parseScript(script: string, firstLine = 1): ScriptLine[] {
  const out: ScriptLine[] = [];
  script.split("\n").forEach((raw, idx) => {
    const lineNo = firstLine + idx;
    const words = splitWords(raw.replace(/\r$/, ""), lineNo);
    let negated = false;
    const conditions: Condition[] = [];
    while (words.length > 0) {
      const w = words[0]!;
      const text = w.length === 1 && !w[0]!.quoted ? w[0]!.text : undefined;
      if (text === "!") negated = true;
      else if (text !== undefined && text.startsWith("[") && text.endsWith("]")) {
        const c = text.slice(1, -1);
        if (c === "" || c === "!") throw new Error(`line ${lineNo}: empty condition`);
        conditions.push(c.startsWith("!") ? { negated: true, name: c.slice(1) } : { negated: false, name: c });
      } else break;
      words.shift();
    }
    const verbWord = words.shift();
    if (verbWord === undefined) {
      if (negated || conditions.length > 0) throw new Error(`line ${lineNo}: prefix without a command`);
      return;
    }
    out.push({ lineNo, source: raw.trim(), negated, conditions, verb: verbWord.map((p) => p.text).join(""), args: words });
  });
  return out;
}

/** Joins a word's parts, expanding `$NAME` and `${NAME}` outside quotes from `env` (unset → ""). */
export function expandWord(parts: readonly WordPart[], env: Readonly<Record<string, string | undefined>>): string {
  return parts
    .map((p) =>
      p.quoted
        ? p.text
        : p.text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, a?: string, b?: string) => env[(a ?? b)!] ?? ""),
    )
    .join("");
}
