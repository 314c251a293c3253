#!/usr/bin/env bash
# Installs what building and testing ruzu needs on Debian 12, and nothing
# else. Idempotent: packages already installed are skipped, so a second run
# does no work.
set -euo pipefail

packages=(
  bazel-bootstrap          # Bazel 4.2.3 (WORKSPACE mode)
  g++
  libgoogle-glog-dev libgflags-dev
  libgtest-dev
  libbenchmark-dev
  libflatbuffers-dev flatbuffers-compiler
  libxxhash-dev
  libabsl-dev              # flat_hash_map (bulk import key lookups)
  libedit-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install_deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
