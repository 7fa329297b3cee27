/**
 * Go number formatting, byte for byte: strconv.FormatFloat with precision -1 ('f', 'g', 'G', 'e'),
 * encoding/json's float format, and sops's stores.ValToString.
 *
 * Go's shortest round-trip digits (precision -1) are the same digits that JavaScript's
 * `Number.prototype.toExponential()` (no argument) produces: both pick the shortest decimal that
 * parses back to the same float64. Only the layout around the digits differs, and that is what this
 * file reproduces. The tests compare against strings printed by Go 1.26 itself.
 */
import { Timestamp } from "./tree.js";
import type { Scalar } from "./tree.js";

/** Shortest decimal digits of a finite, non-zero |n| and the decimal point position (Go decimalSlice). */
interface Digits {
  neg: boolean;
  /** Significant digits, no leading or trailing zeros ("0" for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

function shortestDigits(n: number): Digits {
  const neg = n < 0 || Object.is(n, -0);
  if (n === 0) return { neg, d: "0", dp: 1 };
  const s = Math.abs(n).toExponential(); // "d.ddde+x" or "de-x"
  const e = s.indexOf("e");
  const mant = s.slice(0, e).replace(".", "");
  const exp = Number(s.slice(e + 1));
  return { neg, d: mant, dp: exp + 1 };
}

function special(n: number): string | undefined {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return undefined;
}

function layoutF(g: Digits): string {
  let out = g.neg ? "-" : "";
  if (g.dp <= 0) {
    out += "0." + "0".repeat(-g.dp) + g.d;
  } else if (g.dp >= g.d.length) {
    out += g.d + "0".repeat(g.dp - g.d.length);
  } else {
    out += g.d.slice(0, g.dp) + "." + g.d.slice(g.dp);
  }
  return out;
}

function layoutE(g: Digits, e: "e" | "E"): string {
  let out = g.neg ? "-" : "";
  out += g.d[0] ?? "0";
  if (g.d.length > 1) out += "." + g.d.slice(1);
  const x = g.d === "0" ? 0 : g.dp - 1;
  const ax = Math.abs(x);
  out += e + (x < 0 ? "-" : "+") + (ax < 10 ? "0" + String(ax) : String(ax));
  return out;
}

/** Go `strconv.FormatFloat(n, 'f', -1, 64)`: shortest round-trip decimal, never an exponent. */
export function formatFloatF(n: number): string {
  return special(n) ?? layoutF(shortestDigits(n));
}

/** Go `strconv.FormatFloat(n, 'e', -1, 64)` (`1e+21`, `1.5e-07`). */
export function formatFloatE(n: number): string {
  return special(n) ?? layoutE(shortestDigits(n), "e");
}

function formatG(n: number, e: "e" | "E"): string {
  const sp = special(n);
  if (sp !== undefined) return sp;
  const g = shortestDigits(n);
  // Go: with shortest precision the %e/%f decision uses precision 6.
  const x = g.d === "0" ? 0 : g.dp - 1;
  return x < -4 || x >= 6 ? layoutE(g, e) : layoutF(g);
}

/** Go `strconv.FormatFloat(n, 'g', -1, 64)` (`1.23456789e+09`, `1e+21`, `0.0001`, `1e-05`). */
export function formatFloatG(n: number): string {
  return formatG(n, "e");
}

/** Go `strconv.FormatFloat(n, 'G', -1, 64)` (`1E+21`). */
export function formatFloatGUpper(n: number): string {
  return formatG(n, "E");
}

/**
 * Go encoding/json's float64 encoding: 'f' for 1e-6 <= |n| < 1e21 (and zero), otherwise 'e' with a
 * one-digit negative exponent cleaned up (`1e-07` → `1e-7`).
 * @throws RangeError for NaN and infinities, which Go's json.Marshal rejects (UnsupportedValueError).
 */
export function formatJsonFloat(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`json: unsupported value: ${formatFloatF(n)}`);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const s = formatFloatE(n);
    return s.replace(/e-0(\d)$/, "e-$1");
  }
  return formatFloatF(n);
}

/**
 * sops `stores.ValToString` (dotenv, INI and exec-env values): floats as 'G' with at least one
 * decimal (`5.0`, `1E+21`), booleans lowercase, timestamps RFC 3339, everything else as Go `%v`
 * (null is `<nil>`, raw bytes are their UTF-8 text because sops holds them as a Go string).
 */
export function valToString(v: Scalar): string {
  if (typeof v === "number") {
    const s = formatFloatGUpper(v);
    if (!s.includes(".") && !s.includes("E")) return formatFloatFixed1(v);
    return s;
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (v === null) return "<nil>";
  if (v instanceof Timestamp) return rfc3339Seconds(v.text);
  return new TextDecoder().decode(v);
}

/** Go `strconv.FormatFloat(n, 'f', 1, 64)` for a value whose 'G' form has no '.' or 'E' (an integer below 1e21, NaN or ±Inf). */
function formatFloatFixed1(n: number): string {
  const sp = special(n);
  if (sp !== undefined) return sp;
  return layoutF(shortestDigits(n)) + ".0";
}

/** Go `time.Format(time.RFC3339)` drops fractional seconds that `MarshalText` keeps. */
function rfc3339Seconds(text: string): string {
  return text.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d+/, "$1");
}
