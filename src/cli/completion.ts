/**
 * Shell completion: `hush completion bash|zsh|fish` prints a script; the script asks `hush __complete
 * WORD… CURRENT` for candidates (commands, then the command's subcommands and flags, and the values of
 * a few flags); when there are none the shell completes file names. sops's own script (urfave/cli) asks
 * `sops … --generate-bash-completion`, which hush answers the same way, so `alias sops=hush` keeps a
 * loaded sops completion working.
 */
import { writeStdout } from "./output.js";
import { HushError } from "../errors.js";

const STORES = ["yaml", "json", "dotenv", "ini", "binary"];
const SELECTORS = ["--unencrypted-suffix=", "--encrypted-suffix=", "--unencrypted-regex=", "--encrypted-regex=", "--unencrypted-comment-regex=", "--encrypted-comment-regex=", "--mac-only-encrypted"];
const TYPES = ["--input-type=", "--output-type="];

/**
 * Each command's flags (`=` marks a flag that takes a value) and subcommands. test/unit/cli/completion.test.ts
 * runs every flag through the real command so this table cannot name a flag hush does not accept.
 */
export const COMPLETION: Readonly<Record<string, { flags: readonly string[]; sub?: readonly string[] }>> = {
  encrypt: { flags: ["--in-place", "--output=", "--age=", "--pgp=", ...TYPES, ...SELECTORS, "--shamir-secret-sharing-threshold=", "--filename-override=", "--config=", "--indent="] },
  decrypt: { flags: ["--in-place", "--output=", "--extract=", ...TYPES, "--ignore-mac", "--filename-override=", "--decryption-order=", "--config=", "--indent="] },
  edit: { flags: ["--age=", "--pgp=", ...TYPES, ...SELECTORS, "--shamir-secret-sharing-threshold=", "--show-master-keys", "--ignore-mac", "--decryption-order=", "--config=", "--indent="] },
  set: { flags: ["--value-file", "--value-stdin", "--idempotent", ...TYPES, "--ignore-mac", "--decryption-order=", "--config=", "--indent="] },
  unset: { flags: ["--idempotent", ...TYPES, "--ignore-mac", "--decryption-order=", "--config=", "--indent="] },
  rotate: { flags: ["--in-place", "--output=", "--add-age=", "--rm-age=", "--add-pgp=", "--rm-pgp=", "--ignore-mac", ...TYPES, "--filename-override=", "--decryption-order=", "--all", "--config=", "--indent="] },
  updatekeys: { flags: ["--yes", "--input-type=", "--shamir-secret-sharing-threshold=", "--all", "--config="] },
  filestatus: { flags: ["--input-type="] },
  validate: { flags: ["--config="] },
  keys: { flags: ["--json"] },
  keygen: { flags: ["--out=", "--yes"] },
  recipients: { flags: ["--json", "--rule=", "--dry-run", "--force", "--compromised", "--config="], sub: ["add", "remove"] },
  groups: { flags: ["--file=", "--in-place", "--age=", "--pgp=", "--shamir-secret-sharing-threshold=", "--indent=", "--decryption-order="], sub: ["add", "delete"] },
  export: { flags: ["--format=", "--extract=", "--prefix=", "--upper", "--flatten-separator=", "--skip-invalid", "--output="] },
  deploy: { flags: ["--dry-run", "--cleanup", "--config="] },
  "install-secrets": { flags: ["--root=", "--ignore-passwd", "--check-mode="] },
  fingerprint: { flags: ["--stdin", "--strip-newline"] },
  run: { flags: ["--file=", "--no-mask", "--mask-min-length=", "--verbose", "--decryption-order=", "--input-type="] },
  "exec-env": { flags: ["--pristine", "--same-process", "--background", "--user=", "--decryption-order=", "--input-type="] },
  "exec-file": { flags: ["--no-fifo", "--filename=", "--target=", "--background", "--user=", "--decryption-order=", "--input-type=", "--output-type="] },
  guard: { flags: ["--quiet"] },
  hooks: { flags: ["--force", "--hook="], sub: ["install", "uninstall"] },
  scan: { flags: ["--git", "--format=", "--baseline=", "--write-baseline=", "--config=", "--no-progress"] },
  "audit-history": { flags: ["--format="] },
  git: { flags: ["--global", "--pattern="], sub: ["setup", "textconv", "merge"] },
  "ssh-to-age": { flags: ["-private-key", "-i", "-o"] },
  completion: { flags: [], sub: ["bash", "zsh", "fish"] },
  help: { flags: [] },
  version: { flags: [] },
};

/** Values offered after a flag that takes one (keyed by the flag, for any command). */
const VALUES: Readonly<Record<string, readonly string[]>> = {
  "--input-type": STORES,
  "--output-type": STORES,
  "--decryption-order": ["age", "pgp", "age,pgp", "pgp,age"],
  "--format": ["dotenv", "shell", "docker", "github-env", "json", "yaml", "text", "sarif"],
  "--hook": ["pre-commit"],
  "--check-mode": ["manifest", "sopsfile", "off"],
};
const FORMATS_BY_COMMAND: Readonly<Record<string, readonly string[]>> = {
  export: ["dotenv", "shell", "docker", "github-env", "json", "yaml"],
  scan: ["text", "json", "sarif"],
  "audit-history": ["text", "json"],
};

/**
 * The candidates for the word being completed (`current`), given the words before it (without `hush`).
 * An empty list means "complete file names".
 */
export function candidates(before: readonly string[], current: string): string[] {
  const cmdIndex = before.findIndex((w) => Object.hasOwn(COMPLETION, w));
  const prev = before[before.length - 1];
  if (cmdIndex === -1) {
    // sops's legacy form `hush -d FILE` takes files after a mode flag
    if (current.startsWith("-")) return ["--decrypt", "--encrypt", "--rotate", "--set=", "--version", "--help", "--config=", "--indent=", "--verbose"];
    if (before.some((w) => ["-d", "-e", "-r", "--decrypt", "--encrypt", "--rotate"].includes(w))) return [];
    return Object.keys(COMPLETION);
  }
  const cmd = before[cmdIndex] as string;
  const spec = COMPLETION[cmd] as { flags: readonly string[]; sub?: readonly string[] };
  const flagName = prev?.startsWith("-") === true ? prev.split("=")[0] : undefined;
  if (flagName !== undefined && spec.flags.includes(`${flagName}=`) && !prev!.includes("=")) {
    if (flagName === "--format") return [...(FORMATS_BY_COMMAND[cmd] ?? [])];
    return [...(VALUES[flagName] ?? [])];
  }
  if (current.startsWith("-")) return [...spec.flags];
  const rest = before.slice(cmdIndex + 1).filter((w) => !w.startsWith("-"));
  if (spec.sub !== undefined && rest.length === 0) return [...spec.sub];
  return [];
}

/** `hush __complete WORD… CURRENT`: one candidate per line. */
export function runComplete(argv: readonly string[]): number {
  const current = argv[argv.length - 1] ?? "";
  const out = candidates(argv.slice(0, -1), current).filter((c) => c.startsWith(current));
  if (out.length > 0) writeStdout(out.join("\n") + "\n");
  return 0;
}

/** urfave/cli's `--generate-bash-completion`: the words given, minus that flag (a last word starting with - is the one being typed). */
export function runGenerateBashCompletion(argv: readonly string[]): number {
  const words = argv.filter((w) => w !== "--generate-bash-completion");
  // sops's script passes a half-typed flag as the last word
  const last = words[words.length - 1];
  const current = last?.startsWith("-") === true ? last : "";
  const out = candidates(current === "" ? words : words.slice(0, -1), current).filter((c) => c.startsWith(current));
  if (out.length > 0) writeStdout(out.join("\n") + "\n");
  return 0;
}

const BASH = (name: string): string => `# hush shell completion for bash: source <(hush completion bash)
_hush_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  local words
  words=$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null)
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  # a flag that takes a value: no space after it, so --output=… can go on
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *= ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -o bashdefault -o default -F _hush_complete ${name}
`;

const ZSH = (name: string): string => `#compdef ${name}
# hush shell completion for zsh: source <(hush completion zsh)
_hush() {
  local -a opts
  opts=("\${(@f)$("\${words[1]}" __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)}")
  if (( \${#opts} )) && [[ -n "\${opts[1]}" ]]; then
    # flags that take a value (--output=) get no space after them
    local -a eq plain
    eq=(\${(M)opts:#*=})
    plain=(\${opts:#*=})
    if (( \${#plain} )); then compadd -a plain; fi
    if (( \${#eq} )); then compadd -S '' -a eq; fi
  else
    _files
  fi
}
compdef _hush ${name}
`;

const FISH = (name: string): string => `# hush shell completion for fish: hush completion fish | source
function __hush_complete
    set -l words (commandline -opc)
    ${name} __complete $words[2..-1] (commandline -ct) 2>/dev/null
end
# file names only where hush has nothing to offer
function __hush_wants_files
    set -l c (__hush_complete)
    test (count $c) -eq 0
end
complete -c ${name} -f -a '(__hush_complete)'
complete -c ${name} -n __hush_wants_files -F
`;

/** `hush completion bash|zsh|fish [--name NAME]`: prints the script (NAME: the command it completes, e.g. sops). */
export function runCompletion(argv: readonly string[]): number {
  const shell = argv[0];
  let name = "hush";
  const i = argv.indexOf("--name");
  if (i !== -1) {
    const n = argv[i + 1];
    if (n === undefined || !/^[A-Za-z0-9_.-]+$/.test(n)) throw new HushError("USAGE", "--name takes a command name (letters, digits, . _ -)");
    name = n;
  }
  if (shell === "bash") writeStdout(BASH(name));
  else if (shell === "zsh") writeStdout(ZSH(name));
  else if (shell === "fish") writeStdout(FISH(name));
  else throw new HushError("USAGE", shell === undefined ? "completion needs a shell: bash, zsh or fish" : `no completion for ${JSON.stringify(shell)}: bash, zsh or fish`);
  return 0;
}
