/**
 * Synchronous, lazy loading of what most runs never touch: the `yaml` package (only when the fast YAML
 * path declines a file, or a `.sops.yaml`/`hush.yaml` is read), bcrypt-pbkdf (only for a
 * passphrase-protected OpenSSH key) and node:child_process (only to run a key command, gpg or an editor;
 * ~1.5 ms to load). Loading them on first use instead of at start-up saves their evaluation on every
 * other run (docs/decisions.md §8).
 *
 * In the bundle (CommonJS, scripts/build.mjs) `require` is the wrapper's and esbuild resolves each literal
 * `require("…")` below to the bundled copy, evaluated on first call. Unbundled ES modules (the unit tests)
 * have no `require`, so node's resolver loads the same CommonJS builds from node_modules: both packages
 * are CommonJS for node, so `import` elsewhere and this `require` share one module instance.
 */
import { createRequire } from "node:module";
import type * as ChildProcess from "node:child_process";
import type * as YamlLib from "yaml";

type BcryptPbkdf = { pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number };

let yamlLib: typeof YamlLib | undefined;
let bcrypt: BcryptPbkdf | undefined;
let childProcessLib: typeof ChildProcess | undefined;

const bundled = typeof require === "function";

/** The `yaml` package, loaded on first call. */
export function yaml(): typeof YamlLib {
  return (yamlLib ??= bundled ? (require("yaml") as typeof YamlLib) : (createRequire(import.meta.url)("yaml") as typeof YamlLib));
}

/** bcrypt-pbkdf (OpenBSD's bcrypt_pbkdf for OpenSSH's key format), loaded on first call. */
export function bcryptPbkdf(): BcryptPbkdf {
  return (bcrypt ??= bundled ? (require("bcrypt-pbkdf") as BcryptPbkdf) : (createRequire(import.meta.url)("bcrypt-pbkdf") as BcryptPbkdf));
}

/** node:child_process, loaded on first call. */
export function childProcess(): typeof ChildProcess {
  return (childProcessLib ??= bundled ? (require("node:child_process") as typeof ChildProcess) : (createRequire(import.meta.url)("node:child_process") as typeof ChildProcess));
}
