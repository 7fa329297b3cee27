/**
 * The `run:` section of hush.yaml (found from the working directory upwards; other sections belong to
 * other workflows and are ignored):
 *
 *   run:
 *     files: [secrets/common.yaml, secrets/dev.env]   # merged in order, later wins; relative to hush.yaml
 *     mask-min-length: 6                               # optional, default 4
 *
 * Every problem is reported with the file and the dot-path (`hush.yaml: run.files[1]: …`), all at once.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { HushError } from "../../errors.js";
import { yaml } from "../../deps.js";

export const HUSH_YAML = "hush.yaml";

/** What hush.yaml says about `run`. */
export interface RunConfig {
  /** Path of the hush.yaml it came from. */
  path: string;
  /** Secret files, absolute. */
  files: string[];
  maskMinLength?: number;
}

/** hush.yaml in `cwd` or the nearest parent directory, or null. */
export function findHushYaml(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    const p = join(dir, HUSH_YAML);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Reads the `run:` section of the hush.yaml nearest to `cwd`.
 * @returns null when there is no hush.yaml or it has no `run:` section.
 * @throws HushError CONFIG listing every problem with its dot-path, or PARSE for YAML that does not parse.
 */
export async function loadRunConfig(cwd: string): Promise<RunConfig | null> {
  const path = findHushYaml(cwd);
  if (path === null) return null;
  const shown = relative(cwd, path) || HUSH_YAML;
  let doc: unknown;
  try {
    doc = yaml().parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new HushError("PARSE", "not valid YAML", { file: shown, cause: e, ...(typeof (e as { linePos?: { line: number }[] }).linePos?.[0]?.line === "number" ? { line: (e as { linePos: { line: number }[] }).linePos[0]!.line } : {}) });
  }
  if (doc === null || doc === undefined || typeof doc !== "object" || Array.isArray(doc)) return null;
  const section = (doc as Record<string, unknown>)["run"];
  if (section === undefined || section === null) return null;
  const problems: string[] = [];
  const out: RunConfig = { path, files: [] };
  if (typeof section !== "object" || Array.isArray(section)) {
    problems.push("run: must be a mapping");
  } else {
    const s = section as Record<string, unknown>;
    for (const k of Object.keys(s)) if (k !== "files" && k !== "mask-min-length") problems.push(`run.${k}: unknown key (known: files, mask-min-length)`);
    const files = s["files"];
    if (files === undefined) problems.push("run.files: missing (a list of secret files)");
    else if (!Array.isArray(files)) problems.push("run.files: must be a list of file paths");
    else {
      files.forEach((f, i) => {
        if (typeof f !== "string" || f === "") problems.push(`run.files[${i}]: must be a file path`);
        else out.files.push(isAbsolute(f) ? f : join(dirname(path), f));
      });
    }
    const min = s["mask-min-length"];
    if (min !== undefined) {
      if (typeof min !== "number" || !Number.isInteger(min) || min < 1) problems.push("run.mask-min-length: must be a positive integer");
      else out.maskMinLength = min;
    }
  }
  if (problems.length > 0) {
    throw new HushError("CONFIG", problems.length === 1 ? problems[0]! : `${problems.length} problems in the run section`, {
      file: shown,
      hints: problems.length === 1 ? [] : problems,
    });
  }
  return out;
}
