/**
 * Finding the `.sops.yaml` (spec 8.1, sops `config.LookupConfigFile`): `--config` or `SOPS_CONFIG`
 * names the file outright; otherwise the search starts in the working directory (not the target
 * file's) and walks up at most 100 levels. Only `.sops.yaml` counts; a `.sops.yml` seen on the way
 * only yields sops's warning.
 */

import { statSync } from "node:fs";
import { posix } from "node:path";

export const CONFIG_FILE_NAME = ".sops.yaml";
const ALTERNATE_CONFIG_NAME = ".sops.yml";
const MAX_DEPTH = 100;

export interface FoundConfig {
  /** Absolute path of the config file, or `null` when none was found. */
  path: string | null;
  /** The path as sops spells it (`.sops.yaml`, `../.sops.yaml`, or the flag value): for messages. */
  displayPath: string | null;
  /** True when the path came from `--config` / `SOPS_CONFIG` (a missing file is then an error for the caller). */
  explicit: boolean;
  /** sops's `.sops.yml` warning, when one was seen during the search (at most one). */
  warnings: string[];
}

// Go's %q for ordinary paths; JSON escaping matches it for printable text.
const q = (s: string): string => JSON.stringify(s);

function defaultExists(absPath: string): boolean {
  try {
    // No exception object for the usual "not there" (the search probes up to 200 paths).
    return statSync(absPath, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Locates the config file. Never throws and never reads a file: `exists` is the only probe (it
 * defaults to a `stat`, as sops does, so a directory named `.sops.yaml` counts too). An explicit
 * path is returned even if it does not exist (sops then fails to read it).
 *
 * @param cwd absolute working directory; the search starts here and relative paths resolve against it
 * @param env the environment (reads `SOPS_CONFIG`)
 * @param configFlag the `--config` value, if given (wins over `SOPS_CONFIG`)
 */
export function findConfig(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  configFlag?: string,
  exists: (absPath: string) => boolean = defaultExists,
): FoundConfig {
  const explicit = configFlag || env["SOPS_CONFIG"] || "";
  if (explicit !== "") {
    return { path: posix.resolve(cwd, explicit), displayPath: explicit, explicit: true, warnings: [] };
  }
  let rel = ".";
  let alternate: string | undefined;
  for (let i = 0; i < MAX_DEPTH; i++) {
    const candidate = posix.join(rel, CONFIG_FILE_NAME);
    if (exists(posix.resolve(cwd, candidate))) {
      const warnings =
        alternate === undefined
          ? []
          : [`ignoring ${q(alternate)} when searching for config file; the config file must be called ${q(CONFIG_FILE_NAME)}; using ${q(candidate)} instead`];
      return { path: posix.resolve(cwd, candidate), displayPath: candidate, explicit: false, warnings };
    }
    if (alternate === undefined) {
      const alt = posix.join(rel, ALTERNATE_CONFIG_NAME);
      if (exists(posix.resolve(cwd, alt))) alternate = alt;
    }
    // Above the root every level is the root again: the remaining levels would probe the same two
    // paths, so the answer cannot change.
    if (posix.resolve(cwd, rel) === "/") break;
    rel = posix.join(rel, "..");
  }
  const warnings =
    alternate === undefined
      ? []
      : [`ignoring ${q(alternate)} when searching for config file; the config file must be called ${q(CONFIG_FILE_NAME)}`];
  return { path: null, displayPath: null, explicit: false, warnings };
}
