/**
 * A line-based three-way merge of one multi-line value (a binary file's content, a PEM block in YAML):
 * the base lines both sides kept unchanged anchor the text; between anchors, a region changed on one
 * side only takes that side, and the same change on both sides is fine. Any region changed differently
 * on both sides makes the whole value a conflict (null), which the tree merge reports as usual.
 */
import { lcs } from "./conflict.js";

const eqLines = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Merges three texts line by line; null when both sides changed the same region differently. */
export function mergeLines(base: string, ours: string, theirs: string): string | null {
  const b = base.split("\n");
  const o = ours.split("\n");
  const t = theirs.split("\n");
  const bo = new Map(lcs(b, o));
  const bt = new Map(lcs(b, t));
  if ((bo.size === 0 && b.length > 0 && o.length > 0) || (bt.size === 0 && b.length > 0 && t.length > 0)) {
    // no alignment (too large, or nothing in common): only the trivial cases merge
    if (eqLines(o, b)) return theirs;
    if (eqLines(t, b)) return ours;
    return ours === theirs ? ours : null;
  }
  const out: string[] = [];
  let pb = 0;
  let po = 0;
  let pt = 0;
  const region = (eb: number, eo: number, et: number): boolean => {
    const rb = b.slice(pb, eb);
    const ro = o.slice(po, eo);
    const rt = t.slice(pt, et);
    if (eqLines(ro, rb)) out.push(...rt);
    else if (eqLines(rt, rb) || eqLines(ro, rt)) out.push(...ro);
    else return false;
    return true;
  };
  for (let i = 0; i < b.length; i++) {
    const jo = bo.get(i);
    const jt = bt.get(i);
    if (jo === undefined || jt === undefined || jo < po || jt < pt) continue;
    if (!region(i, jo, jt)) return null;
    out.push(b[i]!);
    pb = i + 1;
    po = jo + 1;
    pt = jt + 1;
  }
  if (!region(b.length, o.length, t.length)) return null;
  return out.join("\n");
}
