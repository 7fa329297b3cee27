/**
 * age plugins (the age plugin protocol, C2SP age-plugin.md): `age1<name>1…` recipients and
 * `AGE-PLUGIN-<NAME>-1…` identities are handled by the program `age-plugin-<name>`, over its stdin and
 * stdout, in the `recipient-v1` (wrap a file key) and `identity-v1` (unwrap stanzas) state machines —
 * what age and sops do for YubiKeys, TPMs and the like.
 *
 * This module speaks the protocol and has no side effects of its own: starting the program and talking
 * to the user come from an injected {@link PluginHost} (workflows/files/age-plugins.ts). Plugin messages
 * and prompts go to the host; nothing here ever holds key material other than the file key being wrapped.
 */
import { HushError } from "../../errors.js";
import { bech32Decode, decodeRawBase64, encodeStanza, FILE_KEY_SIZE, type Stanza } from "./format.js";

/** One running plugin: text in, lines out. */
export interface PluginIO {
  /** Writes protocol text (ASCII) to the plugin's stdin. */
  write(text: string): void;
  /** The next line of the plugin's stdout without its `\n`; null at the end of output. Rejects when the plugin cannot run. */
  readLine(): Promise<string | null>;
  /** Ends the conversation: closes stdin, interrupts the plugin and waits for it to exit. */
  close(): Promise<void>;
}

/** What a plugin may ask of the client. A null answer is reported to the plugin as a failure. */
export interface PluginHost {
  /** Starts `age-plugin-<name> --age-plugin=<protocol>`. */
  start(name: string, protocol: "recipient-v1" | "identity-v1"): PluginIO;
  /** A message for the user (e.g. "touch your YubiKey"). */
  message(name: string, text: string): void;
  /** A value from the user: a PIN (secret) or a public value. */
  requestValue(name: string, prompt: string, secret: boolean): Promise<string | null>;
  /** A yes/no choice; `no` may be absent. */
  confirm(name: string, prompt: string, yes: string, no: string | undefined): Promise<boolean | null>;
}

const NAME_RE = /^[A-Za-z0-9+\-._]+$/;

/** The plugin name of an `age1<name>1…` recipient, or null when `s` is not one. */
export function pluginRecipientName(s: string): string | null {
  const d = s === s.toLowerCase() ? bech32Decode(s) : null;
  if (d === null || !d.prefix.startsWith("age1")) return null;
  const name = d.prefix.slice("age1".length);
  return NAME_RE.test(name) ? name : null;
}

/** The plugin name (lower case) of an `AGE-PLUGIN-<NAME>-1…` identity, or null when `s` is not one. */
export function pluginIdentityName(s: string): string | null {
  const d = s === s.toUpperCase() ? bech32Decode(s) : null;
  if (d === null) return null;
  const hrp = d.prefix.toLowerCase();
  if (!hrp.startsWith("age-plugin-") || !hrp.endsWith("-")) return null;
  const name = hrp.slice("age-plugin-".length, -1);
  return NAME_RE.test(name) ? name : null;
}

function pluginError(name: string, what: string): HushError {
  // the plugin's own words, on one line and bounded: they end up in an error report
  const text = what.replace(/\s+/g, " ").trim().slice(0, 300);
  return new HushError("KEY_FORMAT", `${name} plugin: ${text}`);
}

async function readStanza(name: string, io: PluginIO): Promise<Stanza> {
  const first = await io.readLine();
  if (first === null) throw pluginError(name, "the plugin stopped before the protocol ended");
  if (!first.startsWith("-> ")) throw pluginError(name, "malformed stanza from the plugin");
  const [type = "", ...args] = first.slice(3).split(" ");
  if (type === "" || args.some((a) => a === "")) throw pluginError(name, "malformed stanza from the plugin");
  const chunks: Uint8Array[] = [];
  for (;;) {
    const line = await io.readLine();
    if (line === null) throw pluginError(name, "the plugin stopped in the middle of a stanza");
    const bytes = line.length > 64 ? null : decodeRawBase64(line);
    if (bytes === null) throw pluginError(name, "malformed stanza body from the plugin");
    chunks.push(bytes);
    if (bytes.length < 48) break;
  }
  return { type, args, body: new Uint8Array(Buffer.concat(chunks)) };
}

const send = (io: PluginIO, type: string, args: readonly string[] = [], body: Uint8Array = new Uint8Array(0)): void => io.write(encodeStanza({ type, args, body }));

/**
 * Answers what both phase-2 loops share (msg, values, confirm) and ends the conversation on `error`
 * (acknowledged, then thrown with the plugin's words, as age does); false for anything else.
 */
async function handleCommon(name: string, io: PluginIO, host: PluginHost, s: Stanza): Promise<boolean> {
  const text = Buffer.from(s.body).toString("utf8");
  switch (s.type) {
    case "error":
      send(io, "ok");
      throw pluginError(name, text);
    case "msg":
      host.message(name, text);
      send(io, "ok");
      return true;
    case "request-secret":
    case "request-public": {
      const v = await host.requestValue(name, text, s.type === "request-secret");
      if (v === null) send(io, "fail");
      else send(io, "ok", [], new Uint8Array(Buffer.from(v, "utf8")));
      return true;
    }
    case "confirm": {
      const yes = s.args[0] === undefined ? null : decodeRawBase64(s.args[0]);
      const no = s.args[1] === undefined ? undefined : decodeRawBase64(s.args[1]);
      if (yes === null || no === null || s.args.length > 2) throw pluginError(name, "malformed confirm stanza");
      const choice = await host.confirm(name, text, Buffer.from(yes).toString("utf8"), no === undefined ? undefined : Buffer.from(no).toString("utf8"));
      if (choice === null) send(io, "fail");
      else send(io, "ok", [choice ? "yes" : "no"]);
      return true;
    }
    default:
      return false;
  }
}

/**
 * recipient-v1: wraps `fileKey` for `recipient` (`age1<name>1…`) and returns the plugin's stanzas.
 * @throws HushError KEY_FORMAT when the plugin cannot run, reports an error, or returns no stanza
 */
export async function pluginWrap(host: PluginHost, name: string, recipient: string, fileKey: Uint8Array): Promise<Stanza[]> {
  const io = host.start(name, "recipient-v1");
  try {
    send(io, "add-recipient", [recipient]);
    send(io, "wrap-file-key", [], fileKey);
    send(io, "extension-labels");
    send(io, "done");
    const stanzas: Stanza[] = [];
    for (;;) {
      const s = await readStanza(name, io);
      if (s.type === "done") break;
      if (s.type === "recipient-stanza") {
        if (s.args.length < 2 || s.args[0] !== "0") throw pluginError(name, "malformed recipient stanza");
        stanzas.push({ type: s.args[1] as string, args: s.args.slice(2), body: s.body });
        send(io, "ok");
      } else if (s.type === "labels") {
        send(io, "ok");
      } else if (!(await handleCommon(name, io, host, s))) {
        send(io, "unsupported");
      }
    }
    if (stanzas.length === 0) throw pluginError(name, "received zero recipient stanzas");
    return stanzas;
  } finally {
    await io.close();
  }
}

/**
 * identity-v1: offers the stanzas of one age file to the plugin for `identity` (`AGE-PLUGIN-<NAME>-1…`).
 * @returns the file key, or null when the plugin found none of them addressed to it
 * @throws HushError KEY_FORMAT when the plugin cannot run or reports an error (as age, this ends the attempt)
 */
export async function pluginUnwrap(host: PluginHost, name: string, identity: string, stanzas: readonly Stanza[]): Promise<Uint8Array | null> {
  const io = host.start(name, "identity-v1");
  try {
    send(io, "add-identity", [identity]);
    for (const s of stanzas) send(io, "recipient-stanza", ["0", s.type, ...s.args], s.body);
    send(io, "done");
    let fileKey: Uint8Array | null = null;
    for (;;) {
      const s = await readStanza(name, io);
      if (s.type === "done") break;
      if (s.type === "file-key") {
        if (s.args.length !== 1 || s.args[0] !== "0") throw pluginError(name, "malformed file-key stanza");
        if (fileKey !== null) throw pluginError(name, "received duplicated file-key stanza");
        if (s.body.length !== FILE_KEY_SIZE) throw pluginError(name, "the file key has the wrong size");
        fileKey = s.body;
        send(io, "ok");
      } else if (!(await handleCommon(name, io, host, s))) {
        send(io, "unsupported");
      }
    }
    return fileKey;
  } finally {
    await io.close();
  }
}
