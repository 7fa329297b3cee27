#!/usr/bin/env bash
# Installs the real peer programs that hush's interop tests and benchmarks run against.
# One pinned list, shared by CI (.ci/run) and developers. Binaries are cached in $(go env GOPATH)/bin
# and skipped when the pinned version is already there.
set -euo pipefail

SOPS_VERSION=v3.13.2
AGE_VERSION=v1.3.1
GITLEAKS_VERSION=v8.30.1
BETTERLEAKS_VERSION=v1.7.0

gobin="$(go env GOPATH)/bin"
mkdir -p "$gobin"
stamp_dir="$gobin/.hush-peers"
mkdir -p "$stamp_dir"

install_go() { # name module@version
  local name=$1 mod=$2
  if [ -x "$gobin/$name" ] && [ "$(cat "$stamp_dir/$name" 2>/dev/null)" = "$mod" ]; then
    echo "peers: $name already installed ($mod)"
    return
  fi
  echo "peers: installing $mod"
  GOFLAGS=-mod=mod go install "$mod" || return 1
  echo "$mod" >"$stamp_dir/$name"
}

install_go sops "github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION"
install_go age "filippo.io/age/cmd/age@$AGE_VERSION"
install_go age-keygen "filippo.io/age/cmd/age-keygen@$AGE_VERSION"
# age's own plugin (passphrases from AGE_PASSPHRASE): the real plugin the age-plugin interop test talks to
install_go age-plugin-batchpass "filippo.io/age/cmd/age-plugin-batchpass@$AGE_VERSION"
# hush's test plugin, built on age's plugin package (test/helpers/age-plugin-hushtest); go's build cache makes a rebuild cheap
echo "peers: building age-plugin-hushtest (test fixture)"
(cd "$(dirname "$0")/../test/helpers/age-plugin-hushtest" && GOFLAGS=-mod=mod go build -o "$gobin/age-plugin-hushtest" .)
install_go gitleaks "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
# betterleaks (gitleaks's successor) is best effort: the Go module proxy answers 403 for it and for its
# go-re2 fork here, so `bench:scan-quality`/`bench:scan-history` report it as missing when this fails.
install_go betterleaks "github.com/betterleaks/betterleaks@$BETTERLEAKS_VERSION" ||
  echo "peers: warning: betterleaks $BETTERLEAKS_VERSION could not be installed (module proxy refused it); the scan benchmarks leave it out"
# ssh-to-age (issue 4) is refused by the module proxy here (403 "not available"); add it when it can be had.

# gnupg and ssh-keygen come from Debian.
need_apt=()
command -v gpg >/dev/null || need_apt+=(gnupg)
command -v ssh-keygen >/dev/null || need_apt+=(openssh-client)
command -v git-secrets >/dev/null || need_apt+=(git-secrets)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
# python-dotenv: the real reader `hush export --format dotenv` is round-trip tested against.
PYTHON_DOTENV_VERSION=1.2.2
if ! python3 -c "import dotenv, sys; sys.exit(0 if __import__('importlib.metadata').metadata.version('python-dotenv') == '$PYTHON_DOTENV_VERSION' else 1)" 2>/dev/null; then
  echo "peers: installing python-dotenv==$PYTHON_DOTENV_VERSION"
  python3 -m pip install --quiet "python-dotenv==$PYTHON_DOTENV_VERSION" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "python-dotenv==$PYTHON_DOTENV_VERSION"
else
  echo "peers: python-dotenv already installed ($PYTHON_DOTENV_VERSION)"
fi
echo "peers: ready in $gobin"
