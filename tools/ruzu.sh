#!/usr/bin/env bash
# Installs dependencies, builds the ruzu tool (release mode) and runs it:
#   bash tools/ruzu.sh DB_PATH [options]     (see: bash tools/ruzu.sh --help)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
bazel build -c opt //tools:ruzu >&2
exec bazel-bin/tools/ruzu "$@"
