#!/usr/bin/env bash
# End-to-end test of `tapewatch eval`: generate, run and score in one go; score a store against
# labels; JSON output; errors naming the file, line and field.
set -euo pipefail
source "$(dirname "$0")/support/prelude.bash"

# 1. --run generates, runs every rule and scores; the tables and the JSON agree.
"$TAPEWATCH" eval --run --symbols 2 --hours 1 --seed 3 --out m --json scores.json > run.txt
expect_in "wash.round_trip" run.txt
expect_in "episodes by kind" run.txt
expect_in "self_trade" run.txt
[ -s m/labels.jsonl ] && [ -s m/tapewatch.db ] || fail "market or store missing"
labels=$(wc -l < m/labels.jsonl)
json_episodes=$(sqlite3 :memory: "select json_extract(readfile('scores.json'), '\$.episodes')")
[ "$json_episodes" = "$labels" ] || fail "JSON episodes $json_episodes, labels $labels"

# 2. Scoring the same store and labels again gives the same figures, as JSON on stdout.
"$TAPEWATCH" eval --labels m/labels.jsonl --db m/tapewatch.db --owners m/owners.toml --json - \
  > again.json
cmp -s scores.json again.json || fail "scoring the stored run again gave other figures"

# 3. --rule narrows the scores; an unknown rule is an error.
"$TAPEWATCH" eval --labels m/labels.jsonl --db m/tapewatch.db --rule pump_and_dump > pump.txt
grep -q "wash.round_trip" pump.txt && fail "--rule pump_and_dump still scored wash.round_trip"
if "$TAPEWATCH" eval --labels m/labels.jsonl --db m/tapewatch.db --rule nope 2> err.txt; then
  fail "unknown rule accepted"
fi
expect_in "'nope'" err.txt

# 4. Bad input: a missing labels file, a bad line, a missing store, a bad slack.
if "$TAPEWATCH" eval --labels missing.jsonl --db m/tapewatch.db 2> err.txt; then
  fail "missing labels accepted"
fi
expect_in "missing.jsonl" err.txt
{ head -2 m/labels.jsonl; head -1 m/labels.jsonl | sed 's/"start":"[^"]*"/"start":"soon"/'; } \
  > bad.jsonl
if "$TAPEWATCH" eval --labels bad.jsonl --db m/tapewatch.db 2> err.txt; then
  fail "bad label accepted"
fi
expect_in "bad.jsonl:3: field 'start': 'soon'" err.txt
if "$TAPEWATCH" eval --labels m/labels.jsonl --db nothing.db 2> err.txt; then
  fail "missing store accepted"
fi
expect_in "nothing.db" err.txt
if "$TAPEWATCH" eval --labels m/labels.jsonl --db m/tapewatch.db --slack soon 2> err.txt; then
  fail "bad slack accepted"
fi
expect_in "--slack 'soon'" err.txt

# 5. The gates: a floor no rule can meet fails the command and names the rules below it; one
# every rule meets passes. A matrix of order-market runs is scored together.
if "$TAPEWATCH" eval --labels m/labels.jsonl --db m/tapewatch.db --min-f1 1.01 > /dev/null 2> err.txt; then
  fail "--min-f1 1.01 passed"
fi
expect_in "pump_and_dump F1" err.txt
"$TAPEWATCH" eval --labels m/labels.jsonl --db m/tapewatch.db --min-f1 0 > /dev/null \
  || fail "--min-f1 0 failed"
"$TAPEWATCH" eval --run --mode orders --symbols 2 --hours 0.6 --seeds 1-2 --regimes calm,thin \
  --out matrix > matrix.txt || fail "a matrix of order-market runs failed"
expect_in "all 4 runs together" matrix.txt
[ "$(grep -c '^thin ' matrix.txt)" = 2 ] || fail "a matrix of 2 seeds x 2 regimes did not run 4 times"
if "$TAPEWATCH" eval --run --seeds 3-1 --out matrix 2> err.txt; then fail "--seeds 3-1 accepted"; fi
expect_in "--seeds '3-1'" err.txt
echo "eval e2e ok"
