#!/usr/bin/env bash
# End-to-end test of `tapewatch calibrate`: a sweep over a generated labelled market, the same
# sweep over its files with and without labels, JSON output, and errors naming the option.
set -euo pipefail
source "$(dirname "$0")/support/prelude.bash"
json() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }

# 1. --run generates a market and sweeps spoofing's size_multiple over it: a row per value, the
#    default and the best F1 marked.
"$TAPEWATCH" calibrate --run --mode orders --symbols 2 --hours 1 --seed 3 --inject spoofing \
  --episodes-per-hour 6 --out m --rule spoofing --param size_multiple --range 5:20:5 \
  --json sweep.json > run.txt
expect_in "spoofing.size_multiple" run.txt
expect_in "precision" run.txt
expect_in "default" run.txt
expect_in "best F1" run.txt
[ "$(json sweep.json '$.values[#-1].value')" = "20" ] || fail "last value is not 20"
values=$(sqlite3 :memory: "select json_array_length(readfile('sweep.json'), '\$.values')")
[ "$values" = "4" ] || fail "expected 4 values in the JSON, got $values"

# 2. The same sweep over the files and labels gives the same figures.
"$TAPEWATCH" calibrate --rule spoofing --param size_multiple --range 5:20:5 \
  --labels m/labels.jsonl --owners m/owners.toml m/orders.csv --json - > again.json
cmp -s sweep.json again.json || fail "the sweep over the files differs from the one with --run"

# 3. Without labels: alert counts, and the same alerts as the labelled sweep.
"$TAPEWATCH" calibrate --rule spoofing --param size_multiple --range 5:20:5 \
  --owners m/owners.toml m/orders.csv --json counts.json > counts.txt
expect_in "no labels" counts.txt
expect_in "accounts" counts.txt
[ "$(json counts.json '$.values[0].alerts')" = "$(json sweep.json '$.values[0].alerts')" ] ||
  fail "unlabelled alerts differ from the labelled sweep's"

# 4. Errors name the option and exit 1.
check_error() {
  local expected=$1; shift
  if "$TAPEWATCH" calibrate "$@" m/orders.csv 2> err.txt > /dev/null; then
    fail "accepted: $*"
  fi
  expect_in "$expected" err.txt
}
check_error "--rule 'nope'" --rule nope --param size_multiple --range 1:2:1
check_error "--param 'nope'" --rule spoofing --param nope --range 1:2:1
check_error "--range '20:5:5'" --rule spoofing --param size_multiple --range 20:5:5
check_error "--range '0:5:1'" --rule spoofing --param size_multiple --range 0:5:1
check_error "--range '1:5:0.5'" --rule spoofing --param depth_levels --range 1:5:0.5
check_error "--slack 'soon'" --rule spoofing --param size_multiple --range 5:6:1 --slack soon
echo "calibrate e2e ok"
