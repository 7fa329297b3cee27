/**
 * Lookup of the real peer programs (sops, age, age-keygen, gpg, ssh-keygen) that interop tests run.
 *
 * Rule (issue 3): under `CI=true` a missing peer FAILS the test, so a broken install cannot hide
 * behind skips; elsewhere the test skips with a loud message naming the missing binary.
 */
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import type { TestContext } from "node:test";

/** The directory `go install` puts binaries in (where scripts/install-peers.sh installs sops and age). */
export const GO_BIN: string = join(process.env["GOPATH"]?.split(delimiter)[0] ?? join(homedir(), "go"), "bin");

/** True when running under CI (`CI=true` or `CI=1`), where missing peers are failures. */
export const IN_CI: boolean = process.env["CI"] === "true" || process.env["CI"] === "1";

const cache = new Map<string, string | null>();

/** The absolute path of program `name` found on PATH or in GOPATH/bin, or `null` when it is not installed. */
export function peer(name: string): string | null {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let found: string | null = null;
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), GO_BIN].filter((d) => d !== "");
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) {
        found = p;
        break;
      }
    } catch {
      // not in this directory
    }
  }
  cache.set(name, found);
  return found;
}

/** The names among `names` that are not installed. */
export function missingPeers(names: readonly string[]): string[] {
  return names.filter((n) => peer(n) === null);
}

/**
 * A `skip` option for `describe`/`test`: `false` when every peer is installed or when running under
 * CI (so the tests run and fail loudly on the missing binary), else a message naming what is missing.
 */
export function skipUnlessPeers(names: readonly string[]): string | false {
  const missing = missingPeers(names);
  if (missing.length === 0 || IN_CI) return false;
  const msg = `interop: missing peer binary ${missing.join(", ")} (install with scripts/install-peers.sh); skipping`;
  console.error(`!!! ${msg}`);
  return msg;
}

/**
 * Returns the path of peer `name` for use in test `t`. When it is missing: under CI the test fails
 * (this throws); elsewhere the test is marked skipped with a message naming the binary and `null`
 * is returned, so the caller returns early.
 * @throws Error under CI when the peer is missing
 */
export function requirePeer(t: TestContext, name: string): string | null {
  const p = peer(name);
  if (p !== null) return p;
  const msg = `missing peer binary "${name}" (looked in PATH and ${GO_BIN}; install with scripts/install-peers.sh)`;
  if (IN_CI) throw new Error(`interop: ${msg}; CI=true requires it`);
  console.error(`!!! interop: ${msg}; skipping`);
  t.skip(msg);
  return null;
}

/**
 * The one exception to the CI rule above: a peer that CI cannot install, whose behaviour is pinned
 * by golden vectors instead. `optionalPeer` returns its path when it is installed, else `null` —
 * under `CI=true` too — after printing `why` (so the skip is loud, never silent).
 *
 * Used for: `ssh-to-age` (Mic92/ssh-to-age): the Go module proxy refuses
 * github.com/Mic92/ssh-to-age (403), so it cannot be installed in CI; test/vectors/ssh-to-age holds
 * its real output and test/unit/workflows/keys/ssh-to-age.test.ts checks hush against it.
 */
export function optionalPeer(name: string, why: string): string | null {
  const p = peer(name);
  if (p === null) console.error(`!!! interop: optional peer "${name}" not installed (looked in PATH and ${GO_BIN}); skipping its live comparison: ${why}`);
  return p;
}
