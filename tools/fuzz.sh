#!/usr/bin/env bash
# Builds the libFuzzer targets (bazel build --config=fuzz //fuzz:all) and runs
# each for SECONDS (default 60), one after the other, then prints one summary
# line per target. See docs/RELIABILITY.md, "Fuzzing".
#
#   tools/fuzz.sh [SECONDS] [TARGET...]      TARGET: cypher_parse csv database_file query
#
# Environment:
#   RUZU_FUZZ_DIR   working directory (default /tmp/ruzu_fuzz): per target a
#                   corpus/ (seeded from fuzz/corpus/<target>, kept between
#                   runs), artifacts/ (crash-*, timeout-*, oom-* of the last
#                   run; earlier ones move to artifacts.old/) and log.txt
#   RUZU_FUZZ_JOBS  targets run at once (default 1)
#   RUZU_FUZZ_ARGS  extra libFuzzer flags for every target
#
# Exits 1 when any target left a crash, timeout or OOM artifact. To reproduce
# one: <binary> ARTIFACT (the binary path is printed); to minimise it:
# <binary> -minimize_crash=1 -runs=10000 ARTIFACT. The same input replays in
# the g++ build with bazel-bin/fuzz/<target>_fuzzer ARTIFACT.
set -euo pipefail
cd "$(dirname "$0")/.."

# The fuzz build needs clang and lld on top of what every build needs.
bash tools/install_deps.sh
missing=()
for p in clang lld; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=""
  if [[ "$(id -u)" -ne 0 ]]; then sudo="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

seconds="${1:-60}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=(cypher_parse csv database_file query); fi
work="${RUZU_FUZZ_DIR:-/tmp/ruzu_fuzz}"
jobs="${RUZU_FUZZ_JOBS:-1}"

# Per-target libFuzzer flags.
flags_for() {
  case "$1" in
    cypher_parse) echo "-dict=fuzz/cypher.dict -max_len=4096 -timeout=10" ;;
    csv) echo "-max_len=4096 -timeout=10" ;;
    # 1 flags byte + 64 patches of 5 bytes; all lengths from the start (slow target)
    database_file) echo "-max_len=321 -len_control=0 -timeout=30" ;;
    query) echo "-dict=fuzz/cypher.dict -max_len=1024 -timeout=10" ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
  esac
}

bazel build --config=fuzz //fuzz:all
bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz"

run_one() {
  local t="$1"
  local dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/artifacts.old"
  # Artifacts of earlier runs move aside, so the summary counts this run's.
  find "$dir/artifacts" -type f -exec mv -f {} "$dir/artifacts.old/" \;
  cp -n fuzz/corpus/"$t"/* "$dir/corpus/" 2>/dev/null || true
  # shellcheck disable=SC2046
  "$bin/${t}_fuzzer" $(flags_for "$t") -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" ${RUZU_FUZZ_ARGS:-} "$dir/corpus" >"$dir/log.txt" 2>&1 || true
}

running=0
for t in "${targets[@]}"; do
  flags_for "$t" >/dev/null
  echo "fuzzing $t for ${seconds}s (log: $work/$t/log.txt)"
  run_one "$t" &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
echo
printf '%-14s %10s %8s %7s %7s %8s %s\n' target execs exec/s cov ft corpus artifacts
for t in "${targets[@]}"; do
  dir="$work/$t"
  log="$dir/log.txt"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  artifacts=$(find "$dir/artifacts" -type f | wc -l)
  printf '%-14s %10s %8s %7s %7s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}" \
    "$artifacts"
  if [[ $artifacts -gt 0 ]]; then
    status=1
    find "$dir/artifacts" -type f | sed 's/^/    /'
    grep -m1 -E '==ruzu fuzz==|ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error' "$log" |
      sed 's/^/    /' || true
  fi
done
echo "binaries: $bin"
exit $status
