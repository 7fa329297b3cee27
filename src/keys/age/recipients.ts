/**
 * Recipient strings as sops accepts them (age/keysource.go parseRecipient), checked in sops's
 * order: age1pq1… (post-quantum), age1<plugin>1… (plugin), age1… (X25519), ssh-… (agessh).
 * Error texts follow sops; a recipient is public, so it may appear in a message.
 */
import { HushError } from "../../errors.js";
import type { Stanza } from "./format.js";
import { hybridWrap, isHybridRecipient } from "./hybrid.js";
import { pluginRecipientName, pluginWrap, type PluginHost } from "./plugin.js";
import { parseAuthorizedKey } from "./openssh.js";
import { sshEd25519Wrap } from "./ssh-ed25519.js";
import { sshRsaWrap } from "./ssh-rsa.js";
import { decodeX25519Recipient, x25519Wrap } from "./x25519.js";

/** A parsed recipient that can wrap a file key into its stanza (a plugin may return several). */
export interface AgeRecipient {
  readonly kind: "x25519" | "mlkem768x25519" | "ssh-ed25519" | "ssh-rsa" | "plugin";
  /** The recipient string, trimmed. */
  readonly recipient: string;
  wrap(fileKey: Uint8Array): Promise<Stanza | readonly Stanza[]>;
}

/** Go's %q for the ASCII strings recipients are. */
const quote = (s: string): string => JSON.stringify(s);

/**
 * Parses a recipient string (surrounding whitespace is trimmed, as sops does).
 * Post-quantum recipients wrap through typage, loaded on the first wrap (see hybrid.ts).
 * Plugin recipients (`age1<name>1…`) wrap by running `age-plugin-<name>` through `plugins`; without a
 * host they parse, and wrapping says no plugin can be run here.
 * @throws HushError KEY_FORMAT with sops's message
 */
export function parseAgeRecipient(s: string, plugins?: PluginHost): AgeRecipient {
  const recipient = s.trim();
  if (recipient.startsWith("age1pq1")) {
    if (!isHybridRecipient(recipient)) {
      throw new HushError("KEY_FORMAT", `failed to parse input as Bech32-encoded age public key: malformed recipient ${quote(recipient)}`);
    }
    return { kind: "mlkem768x25519", recipient, wrap: (fileKey) => hybridWrap(recipient, fileKey) };
  }
  if (recipient.startsWith("age1") && recipient.split("1").length - 1 > 1) {
    const name = pluginRecipientName(recipient);
    if (name === null) throw new HushError("KEY_FORMAT", `failed to parse input as age key from age plugin: invalid recipient encoding ${quote(recipient)}`);
    return {
      kind: "plugin",
      recipient,
      wrap: async (fileKey) => {
        if (plugins === undefined) throw new HushError("KEY_FORMAT", `${name} plugin: age plugins cannot be run here`);
        return pluginWrap(plugins, name, recipient, fileKey);
      },
    };
  }
  if (recipient.startsWith("age1")) {
    const point = decodeX25519Recipient(recipient);
    return { kind: "x25519", recipient, wrap: async (fileKey) => x25519Wrap(point, fileKey) };
  }
  if (recipient.startsWith("ssh-")) {
    let pk;
    try {
      pk = parseAuthorizedKey(recipient);
    } catch (e) {
      const why = e instanceof HushError ? e.message : "malformed key";
      throw new HushError("KEY_FORMAT", `failed to parse input as age-ssh public key: malformed SSH recipient: ${quote(recipient)}: ${why}`);
    }
    if (pk.type === "ssh-ed25519") return { kind: "ssh-ed25519", recipient, wrap: (fileKey) => sshEd25519Wrap(pk, fileKey) };
    return { kind: "ssh-rsa", recipient, wrap: async (fileKey) => sshRsaWrap(pk, fileKey) };
  }
  throw new HushError("KEY_FORMAT", `failed to parse input, unknown recipient type: ${quote(recipient)}`);
}
