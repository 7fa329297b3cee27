/**
 * How go.yaml.in/yaml/v3 (resolve.go) reads a plain scalar into a Go `interface{}`, and the Go
 * number/time formatting the YAML encoder uses. Internal to the YAML store; never re-exported.
 *
 * The rules differ from the `yaml` npm package's core schema in ways that change the Tree (and so
 * the `type:` tag and the MAC): `010` is octal 8, `08` is the float 8, `1_000` is an int,
 * `2024-01-01` is a timestamp, ints beyond int64 become uint64 and beyond uint64 become floats.
 */
import { Timestamp } from "../tree/index.js";

/** What a plain scalar resolves to; `uint` marks a Go uint64 (above int64), which sops cannot walk. */
export type Resolved =
  | { tag: "str"; value: string }
  | { tag: "null"; value: null }
  | { tag: "bool"; value: boolean }
  | { tag: "int"; value: bigint; uint?: boolean }
  | { tag: "float"; value: number }
  | { tag: "timestamp"; value: Timestamp }
  | { tag: "merge"; value: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const FIXED: ReadonlyMap<string, Resolved> = new Map<string, Resolved>([
  ...["true", "True", "TRUE"].map((s): [string, Resolved] => [s, { tag: "bool", value: true }]),
  ...["false", "False", "FALSE"].map((s): [string, Resolved] => [s, { tag: "bool", value: false }]),
  ...["", "~", "null", "Null", "NULL"].map((s): [string, Resolved] => [s, { tag: "null", value: null }]),
  ...[".nan", ".NaN", ".NAN"].map((s): [string, Resolved] => [s, { tag: "float", value: NaN }]),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((s): [string, Resolved] => [
    s,
    { tag: "float", value: Infinity },
  ]),
  ...["-.inf", "-.Inf", "-.INF"].map((s): [string, Resolved] => [s, { tag: "float", value: -Infinity }]),
  ["<<", { tag: "merge", value: "<<" }],
]);

const FIXED_MAX_LENGTH = Math.max(...Array.from(FIXED.keys(), (k) => k.length));

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b and a bare leading 0 for octal). */
function parseGoInt(s: string): bigint | undefined {
  let neg = false;
  let t = s;
  if (t.startsWith("+") || t.startsWith("-")) {
    neg = t.startsWith("-");
    t = t.slice(1);
  }
  let digits: RegExp;
  let prefix = "";
  if (/^0[xX]/.test(t)) {
    prefix = "0x";
    t = t.slice(2);
    digits = /^[0-9a-fA-F]+$/;
  } else if (/^0[oO]/.test(t)) {
    prefix = "0o";
    t = t.slice(2);
    digits = /^[0-7]+$/;
  } else if (/^0[bB]/.test(t)) {
    prefix = "0b";
    t = t.slice(2);
    digits = /^[01]+$/;
  } else if (t.length > 1 && t.startsWith("0")) {
    prefix = "0o";
    t = t.slice(1);
    digits = /^[0-7]+$/;
  } else {
    digits = /^[0-9]+$/;
  }
  if (!digits.test(t)) return undefined;
  const v = BigInt(prefix + t);
  return neg ? -v : v;
}

function parseIntBase(s: string, base: 2 | 8): bigint | undefined {
  const neg = s.startsWith("-");
  const t = neg ? s.slice(1) : s.startsWith("+") ? s.slice(1) : s;
  if (!(base === 2 ? /^[01]+$/ : /^[0-7]+$/).test(t)) return undefined;
  const v = BigInt((base === 2 ? "0b" : "0o") + t);
  return neg ? -v : v;
}

function intResult(v: bigint | undefined, allowUint: boolean): Resolved | undefined {
  if (v === undefined) return undefined;
  if (v >= INT64_MIN && v <= INT64_MAX) return { tag: "int", value: v };
  if (allowUint && v > INT64_MAX && v <= UINT64_MAX) return { tag: "int", value: v, uint: true };
  return undefined;
}

/** Go strconv.ParseFloat for the decimal forms YAML can reach (no hex floats, no `inf` words). */
function parseGoFloat(s: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/** Resolves a plain (untagged, unquoted) scalar the way yaml.v3 does. */
export function resolvePlain(s: string): Resolved {
  // Every FIXED key is at most 5 characters; a long value is not hashed for the lookup.
  const fixed = s.length <= FIXED_MAX_LENGTH ? FIXED.get(s) : undefined;
  if (fixed !== undefined) return fixed;
  const c = s.charAt(0);
  if (c === ".") {
    const f = parseGoFloat(s);
    if (f !== undefined) return { tag: "float", value: f };
    return { tag: "str", value: s };
  }
  if (c === "+" || c === "-" || (c >= "0" && c <= "9")) {
    const ts = parseTimestamp(s);
    if (ts !== undefined) return { tag: "timestamp", value: ts };
    const plain = s.replaceAll("_", "");
    const asInt = parseGoInt(plain);
    // Go ParseUint takes no sign, so only unsigned text can reach uint64.
    const r = intResult(asInt, c !== "-" && c !== "+");
    if (r) return r;
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { tag: "float", value: f };
    }
    if (plain.startsWith("0b") || plain.startsWith("-0b")) {
      const r2 = intResult(parseIntBase(plain.startsWith("-") ? "-" + plain.slice(3) : plain.slice(2), 2), !plain.startsWith("-"));
      if (r2) return r2;
    } else if (plain.startsWith("0o") || plain.startsWith("-0o")) {
      const r2 = intResult(parseIntBase(plain.startsWith("-") ? "-" + plain.slice(3) : plain.slice(2), 8), !plain.startsWith("-"));
      if (r2) return r2;
    }
  }
  return { tag: "str", value: s };
}

/** True when yaml.v3 would read `s`, written plain, back as the same string (encode.go stringv). */
export function plainReadsAsString(s: string): boolean {
  if (resolvePlain(s).tag !== "str") return false;
  return !isBase60Float(s) && !isOldBool(s);
}

function isBase60Float(s: string): boolean {
  const c = s.charAt(0);
  if (!(c === "+" || c === "-" || (c >= "0" && c <= "9")) || !s.includes(":")) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

const OLD_BOOLS = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
function isOldBool(s: string): boolean {
  return s.length <= 3 && OLD_BOOLS.has(s);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(month: number, year: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

/**
 * yaml.v3 parseTimestamp: the date-time forms it accepts, printed as Go time.MarshalText does
 * (RFC 3339, nanoseconds without trailing zeros, `Z` for a zero offset).
 */
export function parseTimestamp(s: string): Timestamp | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      s,
    );
  if (!m) return undefined;
  const [, ys, mos, ds, tSep, spSep, hs, mis, ss, frac, zone] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (hs === undefined) return new Timestamp(`${date}T00:00:00Z`);
  // "T" forms need a zone; the space form must have none.
  if (tSep !== undefined && zone === undefined) return undefined;
  if (spSep !== undefined && zone !== undefined) return undefined;
  const hour = Number(hs);
  const min = Number(mis);
  const sec = Number(ss);
  if (hour > 23 || min > 59 || sec > 59) return undefined;
  let fracText = "";
  if (frac !== undefined) {
    const nine = frac.slice(0, 9).padEnd(9, "0").replace(/0+$/, "");
    if (nine !== "") fracText = "." + nine;
  }
  let zoneText = "Z";
  if (zone !== undefined && zone !== "Z") {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    if (zh !== 0 || zm !== 0) zoneText = zone;
  }
  return new Timestamp(`${date}T${pad(hour, 2)}:${pad(min, 2)}:${pad(sec, 2)}${fracText}${zoneText}`);
}

/** Go strconv.FormatFloat(f, 'g', -1, 64). */
export function goFormatFloatG(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const neg = f < 0;
  const [mant = "", expStr = "0"] = Math.abs(f).toExponential().split("e");
  const digits = mant.replace(".", "");
  const nd = digits.length;
  const exp = Number(expStr);
  const dp = exp + 1;
  let eprec = 6;
  if (eprec > nd && nd >= dp) eprec = nd;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    const e = Math.abs(exp);
    out = (nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits) + `e${exp < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
  } else if (dp <= 0) {
    out = "0." + "0".repeat(-dp) + digits;
  } else if (dp >= nd) {
    out = digits + "0".repeat(dp - nd);
  } else {
    out = digits.slice(0, dp) + "." + digits.slice(dp);
  }
  return neg ? "-" + out : out;
}

/** How yaml.v3 writes a float (encode.go floatv). */
export function yamlFloatText(f: number): string {
  const s = goFormatFloatG(f);
  if (s === "+Inf") return ".inf";
  if (s === "-Inf") return "-.inf";
  if (s === "NaN") return ".nan";
  return s;
}
