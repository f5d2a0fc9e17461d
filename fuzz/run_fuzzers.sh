#!/usr/bin/env bash
# Runs libFuzzer binaries built with -DTAPEWATCH_FUZZ=ON, each for a while, two at a time.
# usage: fuzz/run_fuzzers.sh <build dir> <seconds per target> [target ...]
# Corpora live in <build dir>/fuzz-corpus/<target> (seeded on first use from the hand-written
# seeds and, when present, ../shared/data); crashes go to <build dir>/fuzz-artifacts/.
set -euo pipefail
build=${1:?build dir}
seconds=${2:?seconds per target}
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(csv_header csv_mapped binance_csv binance_json lobster itch open_feed decimal iso_time
    external_id)
fi
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$build/fuzz-corpus
artifacts=$build/fuzz-artifacts
mkdir -p "$corpus" "$artifacts"
"$build/tapewatch_fuzz_corpus" "$corpus/seeds" "$root/../shared/data" >/dev/null

run_one() {
  local name=$1
  mkdir -p "$corpus/$name"
  "$build/tapewatch_fuzz_$name" "$corpus/$name" "$corpus/seeds/$name" \
    -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/$name-" -print_final_stats=1 >"$build/fuzz-$name.log" 2>&1 ||
    echo "$name: FAILED, see $build/fuzz-$name.log"
  grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb)" \
    "$build/fuzz-$name.log" | sed "s/^/$name: /" || true
}

for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run_one "${targets[i]}" &
  if ((i + 1 < ${#targets[@]})); then run_one "${targets[i + 1]}" & fi
  wait
done
