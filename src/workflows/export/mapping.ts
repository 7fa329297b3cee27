/**
 * Key mapping for env-like exports: nested keys flattened with a separator, a prefix, upper-casing,
 * and the check that every resulting name is a portable environment variable name.
 */
import { HushError } from "../../errors.js";
import { Comment, formatKeyPath, isList, isMap, type Scalar, type Value } from "../../tree/index.js";

/** How tree paths become variable names. */
export interface KeyMapping {
  /** Joins the parts of a nested path (default `_`). */
  separator?: string;
  prefix?: string;
  upper?: boolean;
}

/** One leaf of the tree under its mapped name. */
export interface MappedLeaf {
  /** The full key path in the source files, for error messages (`["db"]["password"]`). */
  keyPath: string;
  name: string;
  value: Scalar;
}

/** POSIX shell identifier: also what docker compose, python-dotenv and the Actions runner all accept. */
export const ENV_NAME: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Flattens `value` (a mapping; a list flattens by index) into leaves with mapped names, in tree order.
 * @throws HushError EXPORT when two paths map to the same name (both named)
 */
export function mapLeaves(value: Value, base: readonly (string | number)[], m: KeyMapping, file: string): MappedLeaf[] {
  const sep = m.separator ?? "_";
  const out: MappedLeaf[] = [];
  const seen = new Map<string, string>();
  const walk = (v: Value, rel: (string | number)[]): void => {
    if (isMap(v)) {
      for (const it of v.items) if (!(it instanceof Comment)) walk(it.value, [...rel, it.key]);
      return;
    }
    if (isList(v)) {
      let i = 0;
      for (const it of v.items) if (!(it instanceof Comment)) walk(it, [...rel, i++]);
      return;
    }
    let name = (m.prefix ?? "") + rel.map(String).join(sep);
    if (m.upper === true) name = name.toUpperCase();
    const keyPath = formatKeyPath([...base, ...rel]);
    const clash = seen.get(name);
    if (clash !== undefined) {
      throw new HushError("EXPORT", `${clash} and ${keyPath} both map to the name ${JSON.stringify(name)}`, {
        file,
        hints: ["rename one of the keys, or choose another --flatten-separator"],
      });
    }
    seen.set(name, keyPath);
    out.push({ keyPath, name, value: v });
  };
  if (!isMap(value) && !isList(value)) {
    throw new HushError("EXPORT", "the exported value is a single scalar, so it has no variable name", {
      file,
      keyPath: formatKeyPath(base),
      hints: ["--extract a mapping (e.g. its parent), or use --format json/yaml, or `hush decrypt --extract` for one value"],
    });
  }
  walk(value, []);
  return out;
}
