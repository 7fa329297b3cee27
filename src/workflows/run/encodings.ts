/**
 * The forms in which a secret value commonly shows up in output, for masking: the value itself, base64
 * (standard and URL alphabets, with and without padding), URL encoding (RFC 3986 `%XX` and the form
 * encoding with `+` for spaces), JSON string escaping (as JavaScript/Go print it and ASCII-only as
 * Python's json.dumps does), hex (lower and upper case), and for a multi-line value the same text with
 * CRLF line ends (what a terminal shows after the pty's ONLCR translation).
 */

/** Every encoded form of `value` as bytes, without duplicates. `value` itself comes first. */
export function secretForms(value: string): Uint8Array[] {
  const raw = Buffer.from(value, "utf8");
  const forms = new Set<string>();
  const add = (s: string): void => {
    if (s !== "") forms.add(s);
  };
  const texts = value.includes("\n") ? [value, value.replace(/\r?\n/g, "\r\n")] : [value];
  for (const text of texts) {
    const bytes = Buffer.from(text, "utf8");
    add(text);
    const b64 = bytes.toString("base64");
    add(b64);
    add(b64.replace(/=+$/, ""));
    const url = bytes.toString("base64url");
    add(url);
    add(url + "=".repeat((4 - (url.length % 4)) % 4));
    const pct = encodeURIComponent(text);
    add(pct);
    add(pct.replace(/%20/g, "+"));
    // encodeURIComponent leaves !'()* alone; RFC 3986 strict encoders (Go's url.QueryEscape, Python's quote) escape some of them
    add(pct.replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()));
    const json = JSON.stringify(text).slice(1, -1);
    add(json);
    add(json.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));
    // Go's encoding/json escapes <, > and & as \u003c, \u003e, \u0026
    add(json.replace(/[<>&]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));
    add(bytes.toString("hex"));
    add(bytes.toString("hex").toUpperCase());
  }
  // the raw value keeps its bytes exactly (invalid UTF-8 cannot occur: values come from decoded text)
  const out = [raw];
  for (const f of forms) if (f !== value) out.push(Buffer.from(f, "utf8"));
  return out;
}
