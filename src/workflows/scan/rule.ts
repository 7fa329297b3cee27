/**
 * The shape of one scanner rule. A rule is matched in three steps, cheapest first:
 * 1. keywords: lower-case substrings; a line (or, for multi-line rules, the text from that line on)
 *    is a candidate only when one of them occurs in it. One pass per distinct keyword over the text.
 * 2. regex: run only on candidate lines. The secret is capture group `secretGroup` (default: the
 *    group named `secret`, else group 1, else the whole match).
 * 3. filters: minimum Shannon entropy of the secret, placeholder/stopword filtering (generic rules),
 *    then the rule's validator (checksums, JWT header, …).
 */

/** One detection rule, built in or from hush.yaml `scan.rules`. */
export interface Rule {
  /** Stable id, kebab-case: `aws-access-key-id`. Used in output, `hush:allow RULE`, `scan.disabled-rules`. */
  id: string;
  /** Human text, never the secret. */
  description: string;
  /** Lower-case substrings; at least one must occur on the line. Empty: every line is a candidate. */
  keywords: readonly string[];
  /** Must have the `g` flag. Matched against one line, or from the line on for `multiline` rules. */
  regex: RegExp;
  /** Capture group holding the secret (number or name). */
  secretGroup?: number | string;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Apply the placeholder / stopword filter (for keyword-anchored rules whose value is free text). */
  placeholders?: boolean;
  /** Extra check of the secret (checksum, structure); false drops the match. */
  validate?: (secret: string, match: RegExpExecArray) => boolean;
  /**
   * The format carries a checksum that the validator checks: skip the synthetic-value filter
   * (a token of zeros with a valid checksum is still a token).
   */
  checksummed?: boolean;
  /** The match may span lines (private key blocks). */
  multiline?: boolean;
}
