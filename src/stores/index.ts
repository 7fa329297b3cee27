/**
 * The store registry: the one place that maps a file name or a type name to a Store
 * (sops cmd/sops/formats/formats.go).
 *
 * Finding, checked against the real sops 3.13.2 (see formats.go FormatForPathOrString): an
 * unknown `--input-type`/`--output-type` name is NOT an error. `sops decrypt --input-type foo
 * x.enc.yaml` decrypts as YAML and exits 0; `sops encrypt --input-type foo x.yaml` writes YAML, and
 * on `x.weird` writes the binary store. Names are case-sensitive (`YAML` is unknown too). So the CLI
 * must use `storeFor(path, typeName)`, which falls back to the path exactly like sops;
 * `storeByName` is the strict lookup for callers that want the typo reported.
 * Path suffixes are matched case-sensitively on the whole path (`x.YAML` is binary, `.env` is dotenv).
 */
import { HushError } from "../errors.js";
import { binaryStore } from "./binary.js";
import { dotenvStore } from "./dotenv.js";
import { iniStore } from "./ini.js";
import { jsonStore } from "./json.js";
import type { Store, StoreName } from "./store.js";
import { yamlStore } from "./yaml.js";

/** Every store, by sops format name. */
export const STORES: Readonly<Record<StoreName, Store>> = {
  yaml: yamlStore,
  json: jsonStore,
  dotenv: dotenvStore,
  ini: iniStore,
  binary: binaryStore,
};

/** True when `name` is one of sops's format names (`yaml`, `json`, `dotenv`, `ini`, `binary`). */
export function isStoreName(name: string): name is StoreName {
  return Object.prototype.hasOwnProperty.call(STORES, name);
}

/** The store for a path by its suffix (sops FormatForPath): .yaml/.yml, .json, .env, .ini, else binary. */
export function storeForPath(path: string): Store {
  if (path.endsWith(".yaml") || path.endsWith(".yml")) return yamlStore;
  if (path.endsWith(".json")) return jsonStore;
  if (path.endsWith(".env")) return dotenvStore;
  if (path.endsWith(".ini")) return iniStore;
  return binaryStore;
}

/**
 * The store for a format name, strictly.
 * @throws HushError UNKNOWN_STORE for a name sops does not know.
 */
export function storeByName(name: string): Store {
  if (isStoreName(name)) return STORES[name];
  throw new HushError("UNKNOWN_STORE", `unknown file type ${JSON.stringify(name)}`, {
    hints: ["valid types are yaml, json, dotenv, ini and binary"],
  });
}

/**
 * The store sops's CLI would use (FormatForPathOrString): the named type when `typeName` is a known
 * name, otherwise (undefined, empty or unknown) the type of `path`. Never throws.
 */
export function storeFor(path: string, typeName?: string): Store {
  if (typeName !== undefined && isStoreName(typeName)) return STORES[typeName];
  return storeForPath(path);
}
