/**
 * The only writer to stdout and stderr. Errors render as `hush: error: FILE: KEYPATH: message`
 * (line and column where known) followed by `hush: hint: …` lines (age's style).
 */
import { writeSync } from "node:fs";
import { HushError } from "../errors.js";

/** Writes bytes to standard output completely (synchronously, so nothing is lost on exit). */
export function writeStdout(b: Uint8Array | string): void {
  const buf = typeof b === "string" ? Buffer.from(b, "utf8") : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return;
      throw e;
    }
  }
}

/**
 * Writes bytes to stdout (fd 1) or stderr (fd 2) completely; false when the reader has gone (EPIPE), so a
 * relay can stop reading its source (`hush run` passing a child's output through).
 */
export function writeFdBytes(fd: 1 | 2, b: Uint8Array): boolean {
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(fd, b, off, b.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      if (code === "EPIPE") return false;
      throw e;
    }
  }
  return true;
}

/** Writes one or more lines to standard error. */
export function writeStderr(text: string): void {
  try {
    writeSync(2, text.endsWith("\n") ? text : text + "\n");
  } catch {
    // stderr closed: nothing else to do
  }
}

/** Writes text to standard error as is (no newline added): progress bars redraw a line with \r. */
export function writeStderrRaw(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // stderr closed: nothing else to do
  }
}

/** A warning line. */
export function warn(line: string): void {
  writeStderr(`hush: warning: ${line}`);
}

/** Renders a HushError as the CLI prints it. */
export function renderError(e: HushError): string {
  const where: string[] = [];
  if (e.file !== undefined) where.push(e.line === undefined ? e.file : `${e.file}:${e.line}${e.col === undefined ? "" : `:${e.col}`}`);
  if (e.keyPath !== undefined) where.push(e.keyPath);
  const head = `hush: error: ${[...where, e.message].join(": ")}`;
  return [head, ...e.hints.map((h) => `hush: hint: ${h}`)].join("\n") + "\n";
}
