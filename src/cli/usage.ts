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
  hush validate [FILE...]         every encrypted file decrypts and has the recipients its rule names
  hush keys [--json]              the identities this machine can decrypt with, and their sources
  hush filestatus FILE            {"encrypted":true|false}
  hush keygen [-o FILE]           make an age identity (standard keys.txt format)
  hush recipients [--json]        who can open which file (names from .sops.yaml anchors)
  hush recipients add NAME KEY [--rule PATH_REGEX]... [--dry-run]   add to the rules, re-wrap files
  hush recipients remove NAME [--compromised] [--dry-run] [--force]  remove, rotate, list secrets to rotate
  hush export FILE... [--format dotenv|shell|docker|github-env|json|yaml] [--extract P]
        [--prefix P] [--upper] [--flatten-separator S] [--skip-invalid]   plaintext for other programs
  hush deploy [TARGET...] [--dry-run] [--cleanup] [--config hush.yaml]   derived files from hush.yaml
  hush fingerprint FILE [KEYPATH] [--stdin [-n]]   keyed 16-hex fingerprints of values, to compare copies
  hush guard                      pre-commit check of the staged files: no plaintext secrets (exit 1 + fixes)
  hush hooks install [--force] [--hook pre-commit]   git hook running hush guard (chains an existing hook)
  hush hooks uninstall            remove it and restore the chained hook
  hush ssh-to-age [-private-key] [-i FILE] [-o FILE]   ssh-ed25519 keys to age (as Mic92/ssh-to-age)
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
  alias sops=hush
`;
