/** Paths into ../shared/fixtures/sops (read in place; see its README for sources and licences). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const FIXTURES: string = resolve(process.cwd(), "..", "shared", "fixtures", "sops");

export interface Vectors {
  fixture: string;
  format: string;
  sops_version: string;
  lastmodified: string;
  data_key_hex: string;
  mac_plaintext: string;
  mac_ok: boolean;
  values: { path: (string | number)[]; aad: string; encrypted: boolean; type: string | null; plaintext: unknown }[];
  comments?: { aad: string; plaintext: string }[];
}

/** Every fixture that has a `.vectors.json`, as [relative path, vectors]. */
export function fixturesWithVectors(): [string, Vectors][] {
  const out: [string, Vectors][] = [];
  if (!existsSync(FIXTURES)) return out;
  for (const dir of readdirSync(FIXTURES).sort()) {
    const d = join(FIXTURES, dir);
    if (dir === "keys" || !statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).sort()) {
      if (!f.endsWith(".vectors.json")) continue;
      out.push([`${dir}/${f.slice(0, -".vectors.json".length)}`, JSON.parse(readFileSync(join(d, f), "utf8")) as Vectors]);
    }
  }
  return out;
}

/** Reads a fixture file. */
export function fixture(rel: string): Buffer {
  return readFileSync(join(FIXTURES, rel));
}
