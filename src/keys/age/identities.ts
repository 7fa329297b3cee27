/**
 * Identities: age identity files (keys.txt), passphrase-protected identity files (an age file
 * with one scrypt stanza wrapping a keys.txt) and SSH private keys. Parsing errors name the source
 * and the line number only, never the line: a line of a key file is key material.
 */
import { HushError } from "../../errors.js";
import { armorDecode, isArmored } from "./armor.js";
import { decryptAgeFile } from "./format.js";
import type { Stanza, StanzaIdentity } from "./format.js";
import { HybridIdentity, isHybridIdentity } from "./hybrid.js";
import { pluginIdentityName, pluginUnwrap, type PluginHost } from "./plugin.js";
import { ScryptIdentity } from "./scrypt.js";
import { parseAuthorizedKey, parseSshPrivateKey, sshTag } from "./openssh.js";
import type { SshPublicKey } from "./openssh.js";
import { SshEd25519Identity } from "./ssh-ed25519.js";
import { SshRsaIdentity } from "./ssh-rsa.js";
import { X25519Identity, decodeX25519Identity } from "./x25519.js";

/** An identity hush can decrypt with. It never exposes its key material. */
export interface AgeIdentity {
  readonly kind: "x25519" | "mlkem768x25519" | "ssh-ed25519" | "ssh-rsa" | "plugin";
  /**
   * The recipient string (X25519; post-quantum once its first stanza was tried),
   * "ssh key <source>" or "age-plugin-<name> identity"; never key material.
   */
  describe(): string;
}

/** The identities returned by this module all unwrap stanzas too. */
export type InternalIdentity = AgeIdentity & StanzaIdentity;

/** True for identities created by this module (the only ones ageDecryptArmored can use). */
export function isInternalIdentity(id: AgeIdentity): id is InternalIdentity {
  return typeof (id as Partial<StanzaIdentity>).unwrapStanza === "function";
}

function identityError(source: string, line: number, what: string): HushError {
  return new HushError("KEY_FORMAT", `failed to parse '${source}' age identities: line ${line}: ${what}`);
}

/** True when the bytes are an age file (binary or armored): a passphrase-protected identity file. */
export function isEncryptedIdentityFile(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 14)).toString("latin1");
  return head === "age-encryption" || head === "-----BEGIN AGE";
}

/**
 * Parses an age identity file (keys.txt). Empty lines and lines starting with `#` are skipped,
 * CRLF line ends are accepted (sops rejects the trailing `\r`; hush does not), and a line may hold
 * several whitespace-separated identities (as sops allows for SOPS_AGE_KEY).
 * Post-quantum (`AGE-SECRET-KEY-PQ-1…`) identities are checked here and use typage only when a
 * hybrid stanza is met (see hybrid.ts).
 * Plugin identities (`AGE-PLUGIN-<NAME>-1…`) unwrap by running `age-plugin-<name>` through `plugins`.
 * @throws HushError KEY_FORMAT naming `source` and the line number
 */
export function parseAgeIdentities(text: string, source: string, plugins?: PluginHost): AgeIdentity[] {
  if (isEncryptedIdentityFile(Buffer.from(text.slice(0, 14), "latin1"))) {
    throw new HushError("KEY_FORMAT", `'${source}' is a passphrase-protected identity file; it needs a passphrase prompt`);
  }
  const out: AgeIdentity[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "" || line.startsWith("#")) return;
    for (const word of line.split(/[ \t\r\v\f]+/)) {
      if (word === "") continue;
      if (word.startsWith("AGE-PLUGIN-")) {
        const name = pluginIdentityName(word);
        if (name === null) throw identityError(source, i + 1, "malformed plugin identity");
        out.push(new PluginIdentity(name, word, plugins));
        continue;
      }
      if (word.startsWith("AGE-SECRET-KEY-PQ-1")) {
        if (!isHybridIdentity(word)) throw identityError(source, i + 1, "malformed post-quantum secret key");
        out.push(new HybridIdentity(word));
        continue;
      }
      if (!word.startsWith("AGE-SECRET-KEY-1")) throw identityError(source, i + 1, "unknown identity type");
      const scalar = decodeX25519Identity(word);
      if (scalar === null) throw identityError(source, i + 1, "malformed secret key");
      out.push(new X25519Identity(scalar));
    }
  });
  return out;
}

/** An `AGE-PLUGIN-<NAME>-1…` identity: its plugin sees all the stanzas of a file at once (identity-v1). */
class PluginIdentity implements InternalIdentity {
  readonly kind: "plugin" = "plugin";
  readonly #name: string;
  readonly #identity: string;
  readonly #plugins: PluginHost | undefined;

  constructor(name: string, identity: string, plugins: PluginHost | undefined) {
    this.#name = name;
    this.#identity = identity;
    this.#plugins = plugins;
  }

  describe(): string {
    return `age-plugin-${this.#name} identity`;
  }

  unwrapStanza(s: Stanza): Promise<Uint8Array | null> {
    return this.unwrapStanzas([s]);
  }

  unwrapStanzas(stanzas: readonly Stanza[]): Promise<Uint8Array | null> {
    if (this.#plugins === undefined) return Promise.reject(new HushError("KEY_FORMAT", `${this.#name} plugin: age plugins cannot be run here`));
    return pluginUnwrap(this.#plugins, this.#name, this.#identity, stanzas);
  }
}

/** Asks for a passphrase; the message names what it is for. */
export type PassphrasePrompt = (message: string) => Promise<string>;

/**
 * A passphrase-protected identity file. The passphrase is asked, and the file decrypted (scrypt on
 * node:crypto), the first time a stanza is offered; the result is cached.
 */
class EncryptedIdentityFile implements InternalIdentity {
  readonly kind: "x25519" = "x25519";
  readonly #bytes: Uint8Array;
  readonly #source: string;
  readonly #prompt: PassphrasePrompt | undefined;
  readonly #plugins: PluginHost | undefined;
  #inner: Promise<InternalIdentity[]> | null = null;

  constructor(bytes: Uint8Array, source: string, prompt: PassphrasePrompt | undefined, plugins: PluginHost | undefined) {
    this.#bytes = bytes;
    this.#source = source;
    this.#prompt = prompt;
    this.#plugins = plugins;
  }

  describe(): string {
    return `passphrase-protected identity file ${this.#source}`;
  }

  async #decrypt(): Promise<InternalIdentity[]> {
    if (this.#prompt === undefined) {
      throw new HushError("KEY_FORMAT", `identity file '${this.#source}' is passphrase-protected and no passphrase prompt is available`);
    }
    const text = Buffer.from(this.#bytes).toString("latin1");
    const file = isArmored(text) ? armorDecode(text) : this.#bytes;
    const passphrase = await this.#prompt(`Enter passphrase for identity '${this.#source}':`);
    const plain = await decryptAgeFile(file, [new ScryptIdentity(passphrase)]);
    if (plain === null) throw new HushError("KEY_FORMAT", `incorrect passphrase for identity file '${this.#source}'`);
    const inner = Buffer.from(plain).toString("utf8");
    return parseAgeIdentities(inner, this.#source, this.#plugins).filter(isInternalIdentity);
  }

  async unwrapStanza(s: Stanza): Promise<Uint8Array | null> {
    this.#inner ??= this.#decrypt();
    let ids: InternalIdentity[];
    try {
      ids = await this.#inner;
    } catch (e) {
      this.#inner = null; // a wrong passphrase may be retried on the next call
      throw e;
    }
    for (const id of ids) {
      const k = await id.unwrapStanza(s);
      if (k !== null) return k;
    }
    return null;
  }
}

/**
 * Parses a key source's contents: a passphrase-protected identity file (needs `prompt`) or a
 * plain identity file.
 * @throws HushError KEY_FORMAT
 */
export function parseIdentitySource(bytes: Uint8Array, source: string, prompt?: PassphrasePrompt, plugins?: PluginHost): AgeIdentity[] {
  if (isEncryptedIdentityFile(bytes)) return [new EncryptedIdentityFile(bytes, source, prompt, plugins)];
  return parseAgeIdentities(Buffer.from(bytes).toString("utf8"), source, plugins);
}

/** A passphrase-protected SSH key: it recognises its stanzas by tag, but cannot decrypt yet. */
class EncryptedSshIdentity implements InternalIdentity {
  readonly kind: "ssh-ed25519" | "ssh-rsa";
  readonly #tag: string;
  readonly #source: string;
  readonly #text: string;
  readonly #prompt: ((message: string) => Promise<string>) | undefined;
  #opened: Promise<StanzaIdentity> | null = null;
  constructor(pk: SshPublicKey, source: string, text: string, prompt?: (message: string) => Promise<string>) {
    this.kind = pk.type;
    this.#tag = sshTag(pk);
    this.#source = source;
    this.#text = text;
    this.#prompt = prompt;
  }
  describe(): string {
    return `ssh key ${this.#source}`;
  }
  /** Asks for the passphrase only when a stanza for this key turns up (as sops does), once per run. */
  async unwrapStanza(s: Stanza): Promise<Uint8Array | null> {
    if (s.type !== this.kind || s.args[0] !== this.#tag) return null;
    if (this.#prompt === undefined)
      throw new HushError("KEY_FORMAT", `ssh key '${this.#source}' is passphrase-protected and no passphrase prompt is available`, {
        hints: ["run hush on a terminal, or decrypt a copy with `ssh-keygen -p` into a private directory"],
      });
    this.#opened ??= this.#prompt(`Enter passphrase for ssh key '${this.#source}':`).then((passphrase) => {
      let parsed: ReturnType<typeof parseSshPrivateKey>;
      try {
        parsed = parseSshPrivateKey(this.#text, passphrase);
      } catch (e) {
        throw new HushError("KEY_FORMAT", `could not open ssh key '${this.#source}': ${e instanceof HushError ? e.message : "wrong passphrase"}`);
      }
      if (parsed.encrypted) throw new HushError("KEY_FORMAT", `could not open ssh key '${this.#source}': unsupported encryption`);
      const k = parsed.key;
      if (k.type === "ssh-ed25519" && k.publicKey.type === "ssh-ed25519") return new SshEd25519Identity(k.publicKey, k.seed, this.#source);
      if (k.type === "ssh-rsa" && k.publicKey.type === "ssh-rsa") return new SshRsaIdentity(k.publicKey, k.key, this.#source);
      throw new HushError("KEY_FORMAT", `unsupported SSH identity type in '${this.#source}'`);
    });
    return (await this.#opened).unwrapStanza(s);
  }
}

/**
 * Builds the identity for an SSH private key file. For a passphrase-protected key the public key
 * comes from the file or from `publicKeyText` (the `.pub` file, read only when needed); such an identity only recognises
 * its stanzas and then reports that encrypted SSH keys are not supported yet. With
 * `encryptedUnsupported`, a passphrase-protected key is rejected at once with that message.
 * @throws HushError KEY_FORMAT for a malformed or unsupported key
 */
export function sshIdentityFromPrivateKey(
  text: string,
  source: string,
  publicKeyText?: string | null | (() => string | null),
  encryptedUnsupported?: string,
  prompt?: (message: string) => Promise<string>,
): AgeIdentity {
  let parsed;
  try {
    parsed = parseSshPrivateKey(text);
  } catch (e) {
    const why = e instanceof HushError ? e.message : "malformed key";
    throw new HushError("KEY_FORMAT", `malformed SSH identity in '${source}': ${why}`);
  }
  if (parsed.encrypted) {
    if (encryptedUnsupported !== undefined) throw new HushError("KEY_FORMAT", encryptedUnsupported);
    let pk = parsed.publicKey;
    if (pk === null) {
      const pubText = typeof publicKeyText === "function" ? publicKeyText() : publicKeyText;
      if (pubText === undefined || pubText === null) {
        throw new HushError("KEY_FORMAT", `failed to obtain the public key for passphrase-protected ssh key '${source}' (no '${source}.pub')`);
      }
      pk = parsePublicKeyOrThrow(pubText, source);
    }
    return new EncryptedSshIdentity(pk, source, text, prompt);
  }
  const k = parsed.key;
  if (k.type === "ssh-ed25519" && k.publicKey.type === "ssh-ed25519") return new SshEd25519Identity(k.publicKey, k.seed, source);
  if (k.type === "ssh-rsa" && k.publicKey.type === "ssh-rsa") return new SshRsaIdentity(k.publicKey, k.key, source);
  throw new HushError("KEY_FORMAT", `unsupported SSH identity type in '${source}'`);
}

function parsePublicKeyOrThrow(text: string, source: string): SshPublicKey {
  try {
    return parseAuthorizedKey(text);
  } catch {
    throw new HushError("KEY_FORMAT", `failed to parse '${source}.pub'`);
  }
}
