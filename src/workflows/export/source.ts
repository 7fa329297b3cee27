/**
 * The plaintext tree an export starts from: one or more encrypted files opened (MAC verified by the
 * engine), merged in order (later files win), then narrowed to an `--extract` subtree.
 */
import { HushError } from "../../errors.js";
import { Comment, getPath, isMap, parseTreePath, treeMap, type MapItem, type TreeMap, type Value } from "../../tree/index.js";
import { open, type FileCtx } from "../files/index.js";

/**
 * Merges `b` over `a`: mappings merge key by key (recursively), anything else in `b` replaces what `a` has.
 * Key order: `a`'s keys first, then the keys only `b` has. Comments are dropped.
 */
export function mergeMaps(a: TreeMap, b: TreeMap): TreeMap {
  const out: MapItem[] = [];
  const index = new Map<string, number>();
  const put = (key: string, value: Value): void => {
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, out.length);
      out.push({ key, value });
      return;
    }
    const prev = out[at] as { key: string; value: Value };
    out[at] = { key, value: isMap(prev.value) && isMap(value) ? mergeMaps(prev.value, value) : value };
  };
  for (const it of a.items) if (!(it instanceof Comment)) put(it.key, it.value);
  for (const it of b.items) if (!(it instanceof Comment)) put(it.key, it.value);
  return treeMap(out);
}

/** Opens one encrypted file (the file workflows' `open`, or a memo of it). */
export type Opener = (file: string) => ReturnType<typeof open>;

/** What to read: encrypted files (later wins) and an optional `["a"]["b"]` subtree. */
export interface SourceOptions {
  files: readonly string[];
  extract?: string;
  /** How to open a file (default: `open`); deploy passes a memo so a file shared by targets is opened once. */
  opener?: Opener;
}

/** The merged plaintext: the value at the extract path (a mapping unless the path names a scalar or list). */
export interface Source {
  value: Value;
  /** How errors name the input: the file, or `a.yaml + b.yaml`. */
  label: string;
  /** The path prefix of `value` inside the files (empty without --extract). */
  base: (string | number)[];
  /** The data key of each file, in order (deploy keys its state hashes with them). */
  dataKeys: Uint8Array[];
}

/**
 * Opens and merges the source files.
 * @throws HushError from `open` (READ_INPUT, MAC_MISMATCH, NO_DECRYPTION_KEY …), INVALID_TREE_PATH, GENERIC (extract path not found)
 */
export async function loadSource(ctx: FileCtx, o: SourceOptions): Promise<Source> {
  if (o.files.length === 0) throw new HushError("NO_FILE", "no file specified");
  let merged: TreeMap = treeMap();
  const dataKeys: Uint8Array[] = [];
  for (const file of o.files) {
    const { doc } = await (o.opener === undefined ? open(ctx, { file }) : o.opener(file));
    merged = mergeMaps(merged, doc.branches[0] ?? treeMap());
    dataKeys.push(doc.dataKey);
  }
  const label = o.files.join(" + ");
  if (o.extract === undefined) return { value: merged, label, base: [], dataKeys };
  const base = parseTreePath(o.extract);
  try {
    return { value: getPath(merged, base), label, base, dataKeys };
  } catch (e) {
    throw e instanceof HushError ? e.withFile(label) : e;
  }
}
