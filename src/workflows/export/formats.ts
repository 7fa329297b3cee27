/**
 * Writers for the env-like export formats. Each one quotes so that the program that reads the format
 * gets back exactly the bytes of the value, or refuses (HushError EXPORT naming the key path, never the
 * value) when that reader's rules cannot express the value. The rules each writer targets:
 *
 * - shell: `export K='v'` with `'` written `'\''`; bash/dash/zsh `source` (or `eval`) give back the value
 *   byte for byte, newlines included.
 * - dotenv: python-dotenv 1.x (`dotenv_values`, interpolation on, read from a file). Values made only of
 *   `[A-Za-z0-9_./:@%+,=-]` are bare (and then mean the same to every dotenv loader, sops's store and
 *   `docker run --env-file` included); anything else is double-quoted with the escapes `\\ \" \n \r`.
 *   Refused: a value containing `${…}` (python-dotenv expands it in every value, quoted or not, and has
 *   no escape), and a value ending in a backslash that cannot be written bare (its `\\"` would read as an
 *   escaped quote).
 * - docker: docker compose's `--env-file` (compose-spec/compose-go dotenv/parser.go + template): always
 *   double-quoted, `\\ \" \n \r` escaped and `$` doubled (`$$`), so nothing is interpolated.
 * - github-env: the Actions runner's `$GITHUB_ENV` reader: `K=v` for one-line values, else a heredoc
 *   `K<<ghadelimiter_<random hex>` whose delimiter is checked not to occur in the value.
 *
 * Every format refuses NUL (no environment can hold it) and unpaired UTF-16 surrogates (not UTF-8).
 */
import { HushError } from "../../errors.js";
import { valToString } from "../../tree/go-format.js";
import { Timestamp, type Scalar } from "../../tree/index.js";
import { ENV_NAME, type MappedLeaf } from "./mapping.js";

export type EnvFormat = "dotenv" | "shell" | "docker" | "github-env";
export const ENV_FORMATS: readonly EnvFormat[] = ["dotenv", "shell", "docker", "github-env"];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

function refuse(file: string, leaf: MappedLeaf, why: string, hints: string[] = []): never {
  throw new HushError("EXPORT", why, { file, keyPath: leaf.keyPath, hints });
}

/**
 * A leaf as the string an environment variable holds: numbers as sops's exec-env prints them (Go %v /
 * 'G' floats), booleans lowercase, timestamps RFC 3339, null as the empty string, bytes as UTF-8.
 * @throws HushError EXPORT for bytes that are not UTF-8, NUL, or unpaired surrogates
 */
export function envValue(leaf: MappedLeaf, file: string): string {
  const v: Scalar = leaf.value;
  let s: string;
  if (v === null) s = "";
  else if (v instanceof Uint8Array) {
    try {
      s = fatalUtf8.decode(v);
    } catch {
      return refuse(file, leaf, "the value is binary data that is not UTF-8 text, so no environment variable can hold it", ["export the file with `hush deploy` format raw instead"]);
    }
  } else if (v instanceof Timestamp) s = valToString(v);
  else s = valToString(v);
  if (s.includes("\0")) refuse(file, leaf, "the value contains a NUL byte, which no environment variable can hold");
  if (LONE_SURROGATE.test(s)) refuse(file, leaf, "the value is not valid Unicode (an unpaired surrogate)");
  return s;
}

function shellLine(name: string, v: string): string {
  return `export ${name}='${v.replaceAll("'", `'\\''`)}'\n`;
}

const DOTENV_BARE = /^[A-Za-z0-9_./:@%+,=-]*$/;

function dotenvLine(name: string, v: string, leaf: MappedLeaf, file: string): string {
  if (DOTENV_BARE.test(v)) return `${name}=${v}\n`;
  if (/\$\{[^}]*\}/.test(v)) {
    refuse(file, leaf, "the value contains ${…}, which python-dotenv expands in every value and cannot escape", [
      "use --format docker (compose), shell or json, or rename the reference in the value",
    ]);
  }
  if (v.endsWith("\\")) {
    // python-dotenv's quoted-value regex would take the final \" for an escaped quote. Bare is exact when
    // nothing in the value is whitespace, a control character or `#` (its comment and trimming rules) and
    // it does not start with a quote.
    if (!/[\s\p{Cc}#]/u.test(v) && !/^['"]/.test(v)) return `${name}=${v}\n`;
    refuse(file, leaf, "the value ends in a backslash and needs quoting, which python-dotenv cannot read back", ["use --format docker, shell or json"]);
  }
  const q = v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n").replaceAll("\r", "\\r");
  return `${name}="${q}"\n`;
}

function dockerLine(name: string, v: string): string {
  const q = v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n").replaceAll("\r", "\\r").replaceAll("$", "$$$$");
  return `${name}="${q}"\n`;
}

function githubLine(name: string, v: string, randomBytes: (n: number) => Uint8Array): string {
  if (!/[\r\n]/.test(v)) return `${name}=${v}\n`;
  for (;;) {
    const delimiter = `ghadelimiter_${Buffer.from(randomBytes(16)).toString("hex")}`;
    if (!v.includes(delimiter)) return `${name}<<${delimiter}\n${v}\n${delimiter}\n`;
  }
}

/** Options of writeEnv. */
export interface WriteEnvOptions {
  format: EnvFormat;
  /** Leaves whose name is not a valid variable name are skipped (reported through `onSkip`) instead of refused. */
  skipInvalid?: boolean;
  onSkip?: (leaf: MappedLeaf) => void;
  /** For github-env heredoc delimiters. */
  randomBytes: (n: number) => Uint8Array;
}

/**
 * Writes leaves in an env-like format.
 * @throws HushError EXPORT naming the key path when a name or a value cannot be expressed
 */
export function writeEnv(leaves: readonly MappedLeaf[], file: string, o: WriteEnvOptions): string {
  let out = "";
  for (const leaf of leaves) {
    if (!ENV_NAME.test(leaf.name)) {
      if (o.skipInvalid === true) {
        o.onSkip?.(leaf);
        continue;
      }
      refuse(file, leaf, `${JSON.stringify(leaf.name)} is not a valid environment variable name (letters, digits and _, not starting with a digit)`, [
        "use --prefix, --upper or --flatten-separator to map it, or --skip-invalid to leave such keys out",
      ]);
    }
    const v = envValue(leaf, file);
    switch (o.format) {
      case "shell":
        out += shellLine(leaf.name, v);
        break;
      case "dotenv":
        out += dotenvLine(leaf.name, v, leaf, file);
        break;
      case "docker":
        out += dockerLine(leaf.name, v);
        break;
      case "github-env":
        out += githubLine(leaf.name, v, o.randomBytes);
        break;
    }
  }
  return out;
}
