/**
 * Editing `.sops.yaml` in place for `hush recipients add|remove`, by splicing the source text: every
 * byte outside the edited list items (comments, other anchors, blank lines, quoting, indentation)
 * stays as it was. The `yaml` Document API only locates nodes (their source ranges); it never
 * re-stringifies the file, because `doc.toString()` normalizes layout.
 *
 * Rules of the edit (documented in docs/recipients.md):
 * - A recipient is written as a block list item `- &NAME KEY` the first time it appears in document
 *   order and as `- *NAME` after that, so one anchor names it everywhere (load.ts reads names from anchors).
 * - A comma-separated string field (`age: a,b` or a `>-` block scalar) is rewritten as a block list
 *   holding the same recipients in the same order: an anchor names a whole scalar, so appending
 *   `,KEY` to the string would leave the new recipient unnamed (or give the old ones its name).
 * - Form A (flat `age:`/`pgp:` on the rule) gets the key in that field, created when absent. Form B
 *   (`key_groups`) gets it in every key group, so the holder can open files under any threshold.
 * - Remove deletes the item lines (anchor and every alias to it) and strips the key from comma strings.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { HushError } from "../../errors.js";

/** `age` for age/SSH recipients, `pgp` for a hex fingerprint. */
export type RecipientType = "age" | "pgp";

/** Classifies a recipient string as sops's `.sops.yaml` fields would hold it. */
export function recipientType(key: string): RecipientType {
  return /^[0-9A-Fa-f]{16,40}$/.test(key.replaceAll(" ", "")) ? "pgp" : "age";
}

/** What an edit did, for previews and for choosing the files to re-wrap. */
export interface ConfigEdit {
  /** The new `.sops.yaml` text (equal to the input when nothing changed). */
  text: string;
  /** Indexes of the creation rules that changed. */
  rules: number[];
}

interface Splice {
  start: number;
  end: number;
  insert: string;
}

function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.insert + out.slice(s.end);
  return out;
}

function parse(text: string, file: string): { doc: Document; lc: LineCounter } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, keepSourceTokens: true, uniqueKeys: false });
  if (doc.errors.length > 0) throw new HushError("CONFIG", "cannot edit the config: it does not parse as yaml", { file });
  return { doc, lc };
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

/** Index of the newline ending the line that holds `pos` (text.length when none). */
function lineEnd(text: string, pos: number): number {
  const i = text.indexOf("\n", pos);
  return i === -1 ? text.length : i;
}

/** Last character index of a node's value, skipping the trailing newlines/blanks block nodes include. */
function lastChar(text: string, node: Node): number {
  let end = (node.range?.[1] ?? 0) - 1;
  while (end > 0 && /\s/.test(text[end]!)) end--;
  return end;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key);
}

/** The rule maps of `creation_rules` (flow-style rules are refused: their layout cannot be kept simply). */
function ruleMaps(doc: Document, file: string): YAMLMap[] {
  const top = doc.contents;
  if (!isMap(top)) throw new HushError("CONFIG", "cannot edit the config: the top level is not a mapping", { file });
  const rules = pairOf(top, "creation_rules")?.value;
  if (!isSeq(rules)) throw new HushError("CONFIG", "cannot edit the config: it has no creation_rules list", { file });
  return rules.items.map((r, i) => {
    if (!isMap(r) || r.flow) throw new HushError("CONFIG", `cannot edit creation_rules[${i}]: only block mappings can be edited, edit it by hand`, { file });
    return r;
  });
}

/** The anchor `name` in the document: the scalar it is on, if any. */
function findAnchor(doc: Document, name: string): { node: Node; value: string } | null {
  let hit: { node: Node; value: string } | null = null;
  const visit = (n: unknown): void => {
    if (hit || n === null || typeof n !== "object") return;
    if (isScalar(n)) {
      if (n.anchor === name) hit = { node: n, value: String(n.value) };
      return;
    }
    if (isMap(n)) for (const p of n.items as Pair[]) (visit(p.key), visit(p.value));
    else if (isSeq(n)) for (const i of n.items) visit(i);
  };
  visit(doc.contents);
  return hit;
}

function keyIndent(text: string, map: YAMLMap): string {
  const first = (map.items as Pair[])[0]?.key as Node | undefined;
  const pos = first?.range?.[0] ?? map.range?.[0] ?? 0;
  return " ".repeat(pos - lineStart(text, pos));
}

/** The item indent of a block seq: the column of its first `-`. */
function dashIndent(text: string, seq: YAMLSeq): string {
  const first = seq.items[0] as Node;
  const pos = first.range?.[0] ?? 0;
  const ls = lineStart(text, pos);
  const dash = text.indexOf("-", ls);
  return " ".repeat(dash - ls);
}

function splitComma(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

/** Plans adding `key` (named `name`) to one recipient field; `where` is the owning map. */
function addToField(text: string, where: YAMLMap, field: RecipientType, item: () => string, splices: Splice[], file: string, ctxPath: string): boolean {
  const pair = pairOf(where, field);
  const value = pair?.value as Node | null | undefined;
  const ind = keyIndent(text, where);
  if (pair === undefined || value === null || value === undefined || (isScalar(value) && (value.value === null || value.value === ""))) {
    if (pair !== undefined) {
      // `age:` with nothing (or `""`): replace the value in place, after the colon.
      const keyNode = pair.key as Node;
      const colon = text.indexOf(":", keyNode.range![1]);
      const end = value && isScalar(value) && value.range ? value.range[1] : colon + 1;
      splices.push({ start: colon + 1, end, insert: `\n${ind}  - ${item()}` });
      return true;
    }
    const last = (where.items as Pair[])[where.items.length - 1]!;
    const at = lineEnd(text, lastChar(text, (last.value ?? last.key) as Node));
    splices.push({ start: at, end: at, insert: `\n${ind}${field}:\n${ind}  - ${item()}` });
    return true;
  }
  if (isSeq(value)) {
    if (value.items.length === 0 || value.flow) {
      if (value.items.length === 0) {
        splices.push({ start: value.range![0], end: value.range![1], insert: `\n${ind}  - ${item()}`.replace(/^/, "") });
        // an empty flow list `[]` sits after `age: `; drop the space before the newline
        const sp = value.range![0] - 1;
        if (text[sp] === " ") splices[splices.length - 1]!.start = sp;
        return true;
      }
      const close = text.lastIndexOf("]", value.range![1]);
      splices.push({ start: close, end: close, insert: `, ${item()}` });
      return true;
    }
    const last = value.items[value.items.length - 1] as Node;
    const at = lineEnd(text, lastChar(text, last));
    splices.push({ start: at, end: at, insert: `\n${dashIndent(text, value)}- ${item()}` });
    return true;
  }
  if (isScalar(value) && typeof value.value === "string") {
    if (value.anchor) throw new HushError("CONFIG", `cannot edit ${ctxPath}.${field}: the comma-separated string has an anchor; turn it into a list by hand first`, { file });
    const keys = field === "pgp" ? splitComma(value.value) : splitComma(value.value);
    const colon = text.indexOf(":", (pair.key as Node).range![1]);
    const end = lastChar(text, value) + 1;
    const lines = keys.map((k) => `\n${ind}  - ${k}`).join("");
    splices.push({ start: colon + 1, end, insert: `${lines}\n${ind}  - ${item()}` });
    return true;
  }
  throw new HushError("CONFIG", `cannot edit ${ctxPath}.${field}: expected a list or a comma-separated string`, { file });
}

function holds(text: string, where: YAMLMap, field: RecipientType, key: string, doc: Document): boolean {
  const v = pairOf(where, field)?.value as Node | null | undefined;
  if (!v) return false;
  const vals = (n: unknown): string[] => {
    const r = isAlias(n) ? n.resolve(doc) : n;
    return isScalar(r) && typeof r.value === "string" ? splitComma(r.value).map((s) => (field === "pgp" ? s.replaceAll(" ", "") : s)) : [];
  };
  if (isSeq(v)) return v.items.some((i) => vals(i).includes(key));
  return vals(v).includes(key);
}

/**
 * Adds recipient `key` named `name` to the creation rules (all, or those whose `path_regex` is one of
 * `onlyRules`). Rules that already hold the key are left alone.
 * @throws HushError CONFIG when the name is already the anchor of another value, or a rule cannot be edited
 */
export function addRecipientToConfig(text: string, name: string, key: string, onlyRules: readonly string[] | undefined, file = ".sops.yaml"): ConfigEdit {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new HushError("USAGE", `invalid recipient name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-'`);
  const { doc } = parse(text, file);
  const rules = ruleMaps(doc, file);
  const field = recipientType(key);
  const existing = findAnchor(doc, name);
  if (existing && existing.value.replaceAll(field === "pgp" ? " " : "\u0000", "") !== key)
    throw new HushError("CONFIG", `the name ${name} already names another recipient in the config`, { file, hints: ["choose another name, or remove that recipient first"] });
  let anchored = existing !== null;
  const item = (): string => {
    if (anchored) return `*${name}`;
    anchored = true;
    return `&${name} ${key}`;
  };
  const splices: Splice[] = [];
  const changed: number[] = [];
  rules.forEach((rule, i) => {
    const pr = pairOf(rule, "path_regex")?.value;
    const regex = isScalar(pr) ? String(pr.value ?? "") : "";
    if (onlyRules !== undefined && !onlyRules.includes(regex)) return;
    const groups = pairOf(rule, "key_groups")?.value;
    const targets: { map: YAMLMap; path: string }[] =
      isSeq(groups) && groups.items.length > 0
        ? groups.items.map((g, j) => {
            if (!isMap(g) || g.flow) throw new HushError("CONFIG", `cannot edit creation_rules[${i}].key_groups[${j}]: only block mappings can be edited`, { file });
            return { map: g, path: `creation_rules[${i}].key_groups[${j}]` };
          })
        : [{ map: rule, path: `creation_rules[${i}]` }];
    let did = false;
    for (const t of targets) {
      if (holds(text, t.map, field, key, doc)) continue;
      // items are numbered in document order because splices are planned rule by rule, top to bottom
      addToField(text, t.map, field, item, splices, file, t.path);
      did = true;
    }
    if (did) changed.push(i);
  });
  if (onlyRules !== undefined) {
    const known = rules.map((r) => {
      const pr = pairOf(r, "path_regex")?.value;
      return isScalar(pr) ? String(pr.value ?? "") : "";
    });
    const missing = onlyRules.filter((r) => !known.includes(r));
    if (missing.length > 0) throw new HushError("USAGE", `no creation rule has path_regex ${missing.map((m) => JSON.stringify(m)).join(", ")}`, { file });
  }
  return { text: applySplices(text, splices), rules: changed };
}

/**
 * Removes recipient `key` from every creation rule: list items holding it (its `&anchor` item and
 * every `*alias` to it) and its entry in comma-separated strings.
 * @throws HushError CONFIG when a rule cannot be edited
 */
export function removeRecipientFromConfig(text: string, key: string, file = ".sops.yaml"): ConfigEdit {
  const { doc } = parse(text, file);
  const rules = ruleMaps(doc, file);
  const splices: Splice[] = [];
  const changed: number[] = [];
  const norm = (s: string): string => s.replaceAll(" ", "");
  const field = recipientType(key);
  const fieldMaps = (rule: YAMLMap): YAMLMap[] => {
    const groups = pairOf(rule, "key_groups")?.value;
    return [rule, ...(isSeq(groups) ? groups.items.filter((g): g is YAMLMap => isMap(g)) : [])];
  };
  rules.forEach((rule, i) => {
    let did = false;
    for (const map of fieldMaps(rule)) {
      const pair = pairOf(map, field);
      const v = pair?.value as Node | null | undefined;
      if (!pair || !v) continue;
      const valueOf = (n: unknown): string | null => {
        const r = isAlias(n) ? n.resolve(doc) : n;
        return isScalar(r) && typeof r.value === "string" ? r.value : null;
      };
      if (isSeq(v)) {
        const hits = v.items.filter((it) => {
          const s = valueOf(it);
          return s !== null && splitComma(s).some((x) => norm(x) === norm(key));
        });
        if (hits.length === 0) continue;
        did = true;
        if (v.flow) {
          const keep = v.items.filter((it) => !hits.includes(it)).map((it) => text.slice((it as Node).range![0], (it as Node).range![1]));
          splices.push({ start: v.range![0], end: lastChar(text, v) + 1, insert: `[${keep.join(", ")}]` });
          continue;
        }
        if (hits.length === v.items.length) {
          const colon = text.indexOf(":", (pair.key as Node).range![1]);
          splices.push({ start: colon + 1, end: lastChar(text, v) + 1, insert: " []" });
          continue;
        }
        for (const it of hits) {
          const n = it as Node;
          const start = lineStart(text, n.range![0]);
          const end = lineEnd(text, lastChar(text, n));
          splices.push({ start, end: Math.min(end + 1, text.length), insert: "" });
        }
        continue;
      }
      const s = valueOf(v);
      if (s === null || !splitComma(s).some((x) => norm(x) === norm(key))) continue;
      did = true;
      const rest = splitComma(s).filter((x) => norm(x) !== norm(key));
      const colon = text.indexOf(":", (pair.key as Node).range![1]);
      splices.push({ start: colon + 1, end: lastChar(text, v) + 1, insert: rest.length === 0 ? " []" : ` ${JSON.stringify(rest.join(","))}` });
    }
    if (did) changed.push(i);
  });
  return { text: applySplices(text, splices), rules: changed };
}

/** The admin names in the top-level `hush:` section (`hush: {admins: [alice]}`); sops ignores the section. */
export function adminNames(text: string): string[] {
  const doc = parseDocument(text);
  const top = doc.contents;
  if (!isMap(top)) return [];
  const hush = pairOf(top, "hush")?.value;
  if (!isMap(hush)) return [];
  const admins = pairOf(hush, "admins")?.value;
  if (!isSeq(admins)) return [];
  return admins.items.map((i) => (isScalar(i) ? String(i.value) : "")).filter((s) => s !== "");
}
