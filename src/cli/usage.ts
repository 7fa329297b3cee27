/** The usage text: one constant with examples (age's style). */
export const USAGE = `hush — a git-native secrets manager that reads and writes sops files byte for byte

Usage:
  hush encrypt [-i | --output OUT] [--age R,...] [--pgp FP,...] FILE    encrypt a plain file
  hush decrypt [-i | --output OUT] [--extract '["a"]["b"]'] FILE        print the plaintext
  hush edit FILE                  open the plaintext in $SOPS_EDITOR / $EDITOR and re-encrypt
  hush FILE                       same as edit (sops's bare form)
  hush set FILE '["a"]["b"]' '"value"'    set one value (JSON), in place
  hush unset FILE '["a"]["b"]'            remove one value, in place
  hush rotate [-i] FILE           new data key, every value re-encrypted
  hush rotate -i FILE... | --all  rotate many files in parallel, each written atomically
  hush updatekeys [-y] FILE...    re-wrap the data key for the recipients .sops.yaml names now
  hush updatekeys [-y] --all      the same for every encrypted file a creation rule matches
  hush groups add --file FILE [--age R]... [--pgp FP]... [-i]   add a key group (Shamir: --shamir-secret-sharing-threshold N)
  hush groups delete --file FILE [-i] INDEX   remove key group INDEX (from 0), re-wrap for the others
  hush validate [FILE...]         every encrypted file decrypts and has the recipients its rule names
  hush keys [--json]              the identities this machine can decrypt with, and their sources
  hush filestatus FILE            {"encrypted":true|false}
  hush keygen [-o FILE]           make an age identity (standard keys.txt format)
  hush recipients [--json]        who can open which file (names from .sops.yaml anchors)
  hush recipients add NAME KEY [--rule PATH_REGEX]... [--dry-run]   add to the rules, re-wrap files
  hush recipients remove NAME [--compromised] [--dry-run] [--force]  remove, rotate, list secrets to rotate
  hush export FILE... [--format dotenv|shell|docker|github-env|json|yaml] [--extract P]
        [--prefix P] [--upper] [--flatten-separator S] [--skip-invalid] [-o OUT]   plaintext for other programs
  hush deploy [TARGET...] [--dry-run] [--cleanup] [--config hush.yaml]   derived files from hush.yaml
  hush install-secrets MANIFEST [--root DIR]   sops-nix manifest → one file per secret, new generation
  hush fingerprint FILE [KEYPATH] [--stdin [-n]]   keyed 16-hex fingerprints of values, to compare copies
  hush guard                      pre-commit check of the staged files: no plaintext secrets (exit 1 + fixes)
  hush hooks install [--force] [--hook pre-commit]   git hook running hush guard (chains an existing hook)
  hush hooks uninstall            remove it and restore the chained hook
  hush scan [PATH...] [--format text|json|sarif] [--baseline F] [--write-baseline F] [--config hush.yaml]
                                  find plaintext secrets in files (exit 1 when found, 2 on errors)
  hush scan --git [RANGE]         the same over every line added in git history (all refs by default)
  hush audit-history [--format text|json]   secret-named files ever committed unencrypted (any ref)
  hush git setup [--global] [--pattern GLOB]...   git diff (textconv) and merge drivers for sops files
  hush git textconv FILE          (for git) the plaintext, or placeholders without a key
  hush git merge BASE OURS THEIRS PATH   (for git) merge key by key; conflicts: hush edit FILE
  hush ssh-to-age [-private-key] [-i FILE] [-o FILE]   ssh-ed25519 keys to age (as Mic92/ssh-to-age)
  hush completion bash|zsh|fish [--name sops]   shell completion script (source <(hush completion bash))
  hush run [-f FILE]... -- CMD ARGS...   run CMD with the secrets in its environment, output masked
  hush exec-env FILE... -- CMD ARGS...   run CMD with the secrets in its environment (sops: FILE 'CMD')
  hush exec-file FILE -- CMD ARGS... {}  run CMD with {} = a private FIFO holding the plaintext
  hush --version

Legacy sops flags work too: -e/--encrypt, -d/--decrypt, -r/--rotate, --set '["a"] "v"'.

Common flags:
  --input-type, --output-type yaml|json|dotenv|ini|binary   override the type from the extension
  --config PATH            use this .sops.yaml (default: search from the current directory up)
  --indent N               YAML/JSON indent of the output
  --ignore-mac             decrypt even if the MAC does not match
  --filename-override P    name used for the store type and creation rules (needed with stdin)
  --unencrypted-suffix S, --encrypted-suffix S, --unencrypted-regex R, --encrypted-regex R,
  --unencrypted-comment-regex R, --encrypted-comment-regex R, --mac-only-encrypted
  --shamir-secret-sharing-threshold N

Identities are found where sops looks: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD,
~/.config/sops/age/keys.txt, SOPS_AGE_SSH_PRIVATE_KEY_FILE, ~/.ssh/id_ed25519 and ~/.ssh/id_rsa; PGP via gpg.

Examples:
  hush keygen -o key.txt && export SOPS_AGE_KEY_FILE=$PWD/key.txt
  hush encrypt --age "$(hush keygen -y key.txt)" -i secrets.yaml
  hush decrypt --extract '["db"]["password"]' secrets.yaml
  hush export --format docker secrets.yaml | docker compose --env-file /dev/stdin up -d
  hush scan --git --format sarif > hush.sarif
  alias sops=hush
`;

/** `hush groups --help`. */
export const GROUPS_USAGE = `Usage:
  hush groups add --file FILE [--age R]... [--pgp FP]... [-i] [--shamir-secret-sharing-threshold N]
  hush groups delete --file FILE [-i] [--shamir-secret-sharing-threshold N] INDEX

Add a key group to an encrypted file, or delete group INDEX (numbered from 0, in file order), as
sops groups does. The data key stays the same and is wrapped again for every key in every group;
with more than one group each group gets a Shamir share, and N of them open the file (0 or unset
with several groups: all of them). Values, the MAC and lastmodified are not touched. A key from
each remaining group that the threshold needs must be at hand. The file is printed, or written
back in place with -i. --age takes one recipient or a comma-separated list and may repeat.

Examples:
  hush groups add -f secrets.yaml --age age1… --age age1… -i --shamir-secret-sharing-threshold 2
  hush groups delete -f secrets.yaml -i 1
`;

/** `hush run --help`. */
export const RUN_USAGE = `Usage: hush run [-f FILE]... [--no-mask] [--mask-min-length N] [--verbose] -- CMD ARGS...

Runs CMD (directly, no shell) with the top-level values of the secret files in its environment. Files
merge in order, a later file's key winning; with no -f, the files listed in hush.yaml (run.files, found
from the current directory upwards) are used. CMD's stdout and stderr pass through hush, which replaces
every secret value at least N characters long (default 4; hush.yaml run.mask-min-length), and its
base64, URL, JSON-escaped and hex forms, with ***. Numbers and booleans are not masked. When stdout is a
terminal, CMD runs on a pty of its own (util-linux script), so colours and prompts keep working.
Signals to hush are forwarded to CMD; hush exits with CMD's exit code, or dies of the same signal.

  -f, --file FILE          a secret file (repeatable)
  --no-mask                do not filter the output (CMD inherits hush's terminal)
  --mask-min-length N      mask only values of at least N characters
  -v, --verbose            name the variables a later file (or a file over the environment) replaced
  --decryption-order T,... key types to try first (SOPS_DECRYPTION_ORDER)
  --input-type TYPE        yaml|json|dotenv|ini|binary for every file

Examples:
  hush run -f secrets/common.yaml -f secrets/dev.env -- npm run dev
  hush run -- ./deploy.sh production          # files from hush.yaml: run: { files: [...] }
`;

/** `hush exec-env --help` and `hush exec-file --help`. */
export const EXEC_USAGE = `Usage: hush exec-env [flags] FILE 'COMMAND'         (sops form: COMMAND runs with /bin/sh -c)
       hush exec-env [flags] FILE... -- CMD ARGS...  (CMD runs directly; files merge, later wins)
       hush exec-file [flags] FILE 'COMMAND {}'
       hush exec-file [flags] FILE -- CMD ARGS... {}

exec-env puts the top-level values of the files into CMD's environment (a nested value is an error, as
in sops). exec-file decrypts FILE into a private 0700 directory (/dev/shm when writable) and replaces
{} with the path of a FIFO (mode 0600) that hands out the plaintext once; the directory is removed when
CMD ends, when hush exits and on SIGINT/SIGTERM/SIGHUP. Output is not masked (use hush run).

  --pristine               exec-env: CMD gets only the secrets, not hush's environment
  --same-process           exec-env: accepted for sops; CMD runs as a child and its status passes through
  --background             exec-env: start CMD and exit at once (deprecated in sops)
  --user NAME              run CMD as this user (hush must be root); sets HOME, USER, LOGNAME
  --no-fifo                exec-file: a regular 0600 file instead of a FIFO (for readers that reopen it)
  --filename NAME          exec-file: the file's name in the private directory (default tmp-file)
  --target PATH            exec-file: also make PATH (which must not exist) a symlink to it, removed after
  --input-type, --output-type TYPE   exec-file: store types; --input-type also works for exec-env
  --decryption-order T,... key types to try first (SOPS_DECRYPTION_ORDER)
`;
