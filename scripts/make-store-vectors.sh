#!/usr/bin/env bash
# Regenerates the golden store vectors under test/vectors/{json,binary,dotenv,ini}/<case>/ with the
# REAL Go sops (v3.13.2, see scripts/install-peers.sh) and age-keygen:
#   input.<ext>      hand-written plaintext (the only file a person edits)
#   keys.txt         a throw-away age identity (created once per case, then reused)
#   encrypted.<ext>  `sops encrypt --age <recipient> input.<ext>`
#   expected.<ext>   `sops decrypt encrypted.<ext>`
# sops runs in a private temp dir so that no .sops.yaml from the work tree applies.
# Usage: scripts/make-store-vectors.sh [store/case ...]   (default: every case)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SOPS="${SOPS:-$HOME/go/bin/sops}"
AGE_KEYGEN="${AGE_KEYGEN:-$HOME/go/bin/age-keygen}"
export SOPS_DISABLE_VERSION_CHECK=1
"$SOPS" --version --disable-version-check | grep -q '3\.13\.2' || { echo "need sops 3.13.2 at $SOPS" >&2; exit 1; }

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$root"/test/vectors/{json,binary,dotenv,ini}/*/; do cases+=("$(basename "$(dirname "$d")")/$(basename "$d")"); done
fi

for c in "${cases[@]}"; do
  dir="$root/test/vectors/$c"
  input="$(ls "$dir"/input.* | head -1)"
  ext="${input##*.}"
  [ -f "$dir/keys.txt" ] || "$AGE_KEYGEN" -o "$dir/keys.txt" 2>/dev/null
  recipient="$(grep -o 'age1[0-9a-z]*' "$dir/keys.txt" | head -1)"
  tmp="$(mktemp -d)"
  cp "$input" "$tmp/input.$ext"
  (cd "$tmp" && SOPS_AGE_KEY_FILE="$dir/keys.txt" "$SOPS" encrypt --age "$recipient" "input.$ext" > "encrypted.$ext")
  (cd "$tmp" && SOPS_AGE_KEY_FILE="$dir/keys.txt" "$SOPS" decrypt "encrypted.$ext" > "expected.$ext")
  cp "$tmp/encrypted.$ext" "$tmp/expected.$ext" "$dir/"
  rm -rf "$tmp"
  echo "made $c"
done
