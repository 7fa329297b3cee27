#!/usr/bin/env bash
# Installs the real peer programs that hush's interop tests and benchmarks run against.
# One pinned list, shared by CI (.ci/run) and developers. Binaries are cached in $(go env GOPATH)/bin
# and skipped when the pinned version is already there.
set -euo pipefail

SOPS_VERSION=v3.13.2
AGE_VERSION=v1.3.1

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
  GOFLAGS=-mod=mod go install "$mod"
  echo "$mod" >"$stamp_dir/$name"
}

install_go sops "github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION"
install_go age "filippo.io/age/cmd/age@$AGE_VERSION"
install_go age-keygen "filippo.io/age/cmd/age-keygen@$AGE_VERSION"
# ssh-to-age (issue 4) is refused by the module proxy here (403 "not available"); add it when it can be had.

# gnupg and ssh-keygen come from Debian.
need_apt=()
command -v gpg >/dev/null || need_apt+=(gnupg)
command -v ssh-keygen >/dev/null || need_apt+=(openssh-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
echo "peers: ready in $gobin"
