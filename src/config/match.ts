/**
 * Choosing the creation rule for a file (spec 8.3, sops `parseCreationRuleForFile`): the target's
 * absolute path with `<config dir>/` removed is searched (unanchored) with each rule's `path_regex`
 * in order; the first match wins and a rule without `path_regex` matches everything.
 */

import { posix } from "node:path";
import { HushError } from "../errors.js";
import { compileRe2, Re2SyntaxError } from "./re2.js";
import { formatProblem } from "./types.js";
import type { CreationRule, Selector, SopsConfig } from "./types.js";

/** The chosen rule (all of {@link CreationRule}) plus what matching worked out. */
export interface CreationRuleMatch extends CreationRule {
  /** The path the regexes were matched against (relative to the config's directory when inside it). */
  matchedPath: string;
  /** The rule's selector, if it sets one (`selectors[0]`; more than one is refused). */
  selector: Selector | undefined;
}

/** The path sops matches `path_regex` against. */
export function pathForMatching(configPath: string, absFilePath: string): string {
  const dir = posix.dirname(configPath);
  // sops trims `dir + "/"`, so a config at the filesystem root never makes paths relative.
  const prefix = `${dir}/`;
  return absFilePath.startsWith(prefix) ? absFilePath.slice(prefix.length) : absFilePath;
}

/**
 * Returns the first creation rule that matches `absFilePath`; `null` when none matches (sops:
 * `error loading config: no matching creation rules found`, exit 1 — the caller raises
 * NO_MATCHING_RULE) and also when the config has no `creation_rules` at all (sops then behaves as if
 * there were no config; tell the two apart with `config.creationRules === undefined`).
 *
 * @param configPath absolute path of the `.sops.yaml`
 * @param absFilePath absolute path of the target file (or of `--filename-override`)
 * @throws HushError CONFIG when a rule reached before the match has an invalid `path_regex`, or the
 *   matching rule has a problem sops reports on use (two selectors, a key field of the wrong type).
 */
export function matchCreationRule(config: SopsConfig, configPath: string, absFilePath: string): CreationRuleMatch | null {
  if (config.creationRules === undefined) return null;
  const matchedPath = pathForMatching(configPath, absFilePath);
  for (const rule of config.creationRules) {
    let hit = !rule.pathRegex;
    if (!hit) {
      try {
        hit = compileRe2(rule.pathRegex!).test(matchedPath);
      } catch (e) {
        if (!(e instanceof Re2SyntaxError)) throw e;
        throw new HushError("CONFIG", `can not compile regexp: creation_rules[${rule.index}].path_regex: ${e.message}`, {
          file: configPath,
          ...(rule.line !== undefined ? { line: rule.line } : {}),
        });
      }
    }
    if (!hit) continue;
    const problem = rule.problems[0];
    if (problem) {
      throw new HushError("CONFIG", `error loading config: ${formatProblem(problem)}`, {
        file: configPath,
        ...(problem.line !== undefined ? { line: problem.line } : {}),
      });
    }
    return { ...rule, matchedPath, selector: rule.selectors[0] };
  }
  return null;
}
