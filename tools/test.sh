#!/usr/bin/env bash
# Installs dependencies, then builds and runs every test, and builds and runs
# the example workspace that links @ruzu//db as another project would.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bazel test //... "$@"
echo "== example consumer workspace (examples/consumer) =="
(cd examples/consumer && bazel run //:hello)
