/**
 * `hush export`: the merged plaintext of one or more files, written in an env-like format
 * (formats.ts) or as JSON/YAML, after an optional `--extract` and key mapping.
 */
import { HushError } from "../../errors.js";
import { STORES } from "../../stores/index.js";
import { isList, isMap, treeMap } from "../../tree/index.js";
import type { FileCtx } from "../files/index.js";
import { ENV_FORMATS, writeEnv, type EnvFormat } from "./formats.js";
import { mapLeaves, type KeyMapping, type MappedLeaf } from "./mapping.js";
import { loadSource, type Source, type SourceOptions } from "./source.js";

export type ExportFormat = EnvFormat | "json" | "yaml";
export const EXPORT_FORMATS: readonly ExportFormat[] = [...ENV_FORMATS, "json", "yaml"];

/** True for a format name `hush export` knows. */
export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** How to write the plaintext. */
export interface RenderOptions extends KeyMapping {
  format: ExportFormat;
  /** Env formats: leave out keys whose mapped name is not a valid variable name instead of failing. */
  skipInvalid?: boolean;
}

export interface ExportOptions extends SourceOptions, RenderOptions {}

const utf8 = new TextEncoder();

function hasMapping(o: KeyMapping): boolean {
  return o.prefix !== undefined || o.upper === true || o.separator !== undefined;
}

/**
 * Renders an opened source. JSON/YAML keep the tree (typed values) unless a key mapping is asked for, in
 * which case they hold the flat mapped names, as the env formats do.
 * @throws HushError EXPORT (a key or value the format cannot express; names the key path, never the value), EMIT
 */
export function renderSource(ctx: Pick<FileCtx, "randomBytes" | "warn">, src: Source, o: RenderOptions): Uint8Array {
  if (o.format === "json" || o.format === "yaml") {
    const store = STORES[o.format];
    try {
      if (hasMapping(o)) {
        const leaves = mapLeaves(src.value, src.base, o, src.label);
        return store.emitPlain([treeMap(leaves.map((l) => ({ key: l.name, value: l.value })))]);
      }
      if (isMap(src.value)) return store.emitPlain([src.value]);
      if (isList(src.value)) return store.emitValue(src.value);
      return store.emitValue(src.value);
    } catch (e) {
      throw e instanceof HushError ? e.withFile(src.label) : e;
    }
  }
  const leaves = mapLeaves(src.value, src.base, o, src.label);
  const text = writeEnv(leaves, src.label, {
    format: o.format,
    randomBytes: ctx.randomBytes,
    ...(o.skipInvalid === undefined ? {} : { skipInvalid: o.skipInvalid }),
    onSkip: (l: MappedLeaf) => ctx.warn(`${src.label}: ${l.keyPath}: skipped: ${JSON.stringify(l.name)} is not a valid environment variable name`),
  });
  return utf8.encode(text);
}

/**
 * Opens, merges, extracts and renders.
 * @throws HushError as loadSource and renderSource
 */
export async function exportFiles(ctx: FileCtx, o: ExportOptions): Promise<Uint8Array> {
  return renderSource(ctx, await loadSource(ctx, o), o);
}

