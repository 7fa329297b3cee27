/**
 * Builds the identities (Keyring) and master keys from the process environment, as sops does:
 * age identities from every source sops looks at; PGP through the system gpg.
 */
import { readFileSync } from "node:fs";
import { childProcess } from "../../deps.js";
import { agePluginHost } from "./age-plugins.js";
import { HushError } from "../../errors.js";
import type { Keyring } from "../../engine/index.js";
import { ageMasterKey, ageUnwrapper, type AgeSourceEnv } from "../../keys/age/index.js";
import type { KeyType, MasterKey, Unwrapper } from "../../keys/master-key.js";
import { pgpMasterKey, pgpUnwrapper, systemGpg } from "../../keys/pgp.js";
import { homeDir, userConfigDir } from "../../sys/paths.js";
import { shlexSplit } from "../../sys/shlex.js";
import type { FileCtx } from "./context.js";

/** The age identity sources of this context. */
export function ageSourceEnv(ctx: FileCtx): AgeSourceEnv {
  return {
    env: ctx.env,
    homeDir: homeDir(ctx.env) ?? "",
    configDir: userConfigDir(ctx.env) ?? "",
    readFile: (p) => {
      try {
        return readFileSync(p);
      } catch {
        return null;
      }
    },
    runCommand: (cmdline, extraEnv) => {
      const [prog, ...args] = shlexSplit(cmdline);
      return childProcess().execFileSync(prog ?? "", args, { env: { ...ctx.env, ...extraEnv } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    },
    plugins: agePluginHost(ctx),
    promptPassphrase: async (message) => {
      const answer = await ctx.prompt(message, { secret: true });
      if (answer === null) throw new HushError("KEY_FORMAT", "a passphrase is needed but there is no terminal to ask on", { hints: [message.replace(/:$/, "")] });
      return answer;
    },
  };
}

/** The keyring: one unwrapper per key type, each loading its identities lazily on first use. */
export function buildKeyring(ctx: FileCtx): Keyring {
  const cache = new Map<KeyType, Unwrapper | null>();
  return {
    unwrapperFor(type) {
      if (!cache.has(type)) {
        if (type === "age") cache.set(type, ageUnwrapper(ageSourceEnv(ctx)));
        else if (type === "pgp") cache.set(type, pgpUnwrapper(systemGpg(ctx.env, (...a) => childProcess().spawn(...a))));
        else cache.set(type, null);
      }
      return cache.get(type) ?? null;
    },
  };
}

/** A master key for a recipient of the given type. */
export function masterKeyFor(ctx: FileCtx, type: "age" | "pgp", id: string): MasterKey {
  return type === "age" ? ageMasterKey(id, agePluginHost(ctx)) : pgpMasterKey(id, systemGpg(ctx.env, (...a) => childProcess().spawn(...a)), ctx.now);
}
