#!/usr/bin/env bash
# Regenerates test/vectors/yaml/<case>/{keys.txt,encrypted.yaml,expected.yaml} from input.yaml with
# REAL sops (the oracle, v3.13.2) and a throw-away age key. Usage: scripts/make-yaml-vectors.sh [case...]
set -euo pipefail
cd "$(dirname "$0")/.."
SOPS="${SOPS:-$HOME/go/bin/sops}"
AGE_KEYGEN="${AGE_KEYGEN:-$HOME/go/bin/age-keygen}"
export SOPS_DISABLE_VERSION_CHECK=1
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in test/vectors/yaml/*/; do cases+=("$(basename "$d")"); done
fi
for c in "${cases[@]}"; do
  dir="test/vectors/yaml/$c"
  [ -f "$dir/input.yaml" ] || { echo "skip $c (no input.yaml)"; continue; }
  [ -f "$dir/keys.txt" ] || "$AGE_KEYGEN" -o "$dir/keys.txt" 2>/dev/null
  recipient="$(grep -o 'age1[0-9a-z]*' "$dir/keys.txt" | head -1)"
  indent_args=()
  [ -f "$dir/indent" ] && indent_args=(--indent "$(cat "$dir/indent")")
  # A case with a `clear-comments` file keeps comments unencrypted (unencrypted_comment_regex), so
  # expected.yaml shows the pure store round trip: sops drops the inline flag of comments it decrypts.
  enc_args=(--age "$recipient")
  global_args=()
  if [ -f "$dir/clear-comments" ]; then
    cfg="$(mktemp)"
    printf 'creation_rules:\n  - age: %s\n    unencrypted_comment_regex: ".*"\n' "$recipient" > "$cfg"
    global_args=(--config "$cfg")
    enc_args=()
  fi
  if ! SOPS_AGE_KEY_FILE="$dir/keys.txt" "$SOPS" ${global_args[@]+"${global_args[@]}"} encrypt ${enc_args[@]+"${enc_args[@]}"} ${indent_args[@]+"${indent_args[@]}"} \
    --input-type yaml --output-type yaml "$dir/input.yaml" > "$dir/encrypted.yaml"; then
    echo "FAILED encrypt $c"; continue
  fi
  SOPS_AGE_KEY_FILE="$dir/keys.txt" "$SOPS" decrypt ${indent_args[@]+"${indent_args[@]}"} --input-type yaml --output-type yaml \
    "$dir/encrypted.yaml" > "$dir/expected.yaml" || { echo "FAILED decrypt $c"; continue; }
  echo "made $c"
done
