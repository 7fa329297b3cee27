/**
 * age's ASCII armor: strict PEM (RFC 7468) with the label "AGE ENCRYPTED FILE", padded base64 in
 * 64-column lines. Like age, the reader accepts whitespace before and after the block and LF or
 * CRLF line ends, and rejects everything else (headers, short or long lines, non-canonical base64),
 * so an armored `enc` value is not malleable.
 */
import { AgeFileError } from "./format.js";

const BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
const END = "-----END AGE ENCRYPTED FILE-----";
const COLUMNS = 64;
const OUTSIDE_WS = /^[ \t\r\n\v\f]*/;

/** True when `text` starts (after whitespace) like an armored age file. */
export function isArmored(text: string): boolean {
  return text.replace(OUTSIDE_WS, "").startsWith("-----BEGIN AGE");
}

/** Armors a binary age file. The result ends with `-----END AGE ENCRYPTED FILE-----\n` (sops's `enc`). */
export function armorEncode(file: Uint8Array): string {
  const b64 = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString("base64");
  let out = `${BEGIN}\n`;
  for (let i = 0; i < b64.length; i += COLUMNS) out += `${b64.slice(i, i + COLUMNS)}\n`;
  return `${out}${END}\n`;
}

/**
 * Removes the armor.
 * @throws AgeFileError ("armor") when the text is not a canonical armored age file.
 */
export function armorDecode(text: string): Uint8Array {
  const fail = (msg: string): never => {
    throw new AgeFileError("armor", msg);
  };
  const trimmed = text.replace(OUTSIDE_WS, "").replace(/[ \t\r\n\v\f]*$/, "");
  const lines = trimmed.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[0] !== BEGIN) fail("armor does not start with the age begin line");
  if (lines.length < 2 || lines[lines.length - 1] !== END) fail("armor does not end with the age end line");
  const body = lines.slice(1, -1);
  body.forEach((line, i) => {
    if (line.length > COLUMNS) fail(`armor line ${i + 2} is longer than ${COLUMNS} columns`);
    if (line.length === 0) fail(`armor line ${i + 2} is empty`);
    if (i < body.length - 1 && line.length !== COLUMNS) fail(`armor line ${i + 2} is shorter than ${COLUMNS} columns`);
  });
  const b64 = body.join("");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) fail("armor is not valid padded base64");
  const bytes = Buffer.from(b64, "base64");
  if (bytes.toString("base64") !== b64) fail("armor base64 is not canonical");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
