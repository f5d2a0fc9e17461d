#!/usr/bin/env bash
# End-to-end test of `tapewatch generate --mode orders --format`: the ITCH and LOBSTER files run
# with no reject, LOBSTER's books pass verify-book, the labels are the format's own no more, and
# a format its mode does not write is refused.
set -euo pipefail
source "$(dirname "$0")/support/prelude.bash"

market=(--mode orders --symbols 2 --hours 0.1 --seed 2)
for format in csv itch lobster; do
  "$TAPEWATCH" generate "${market[@]}" --format "$format" --lobster-levels 4 --out "$format" \
    > "$format.txt"
done
cmp -s csv/labels.jsonl itch/labels.jsonl || fail "ITCH's labels differ from the CSV's"
cmp -s csv/labels.jsonl lobster/labels.jsonl || fail "LOBSTER's labels differ from the CSV's"

# 1. ITCH: the file name carries the day; every order event is read, the MPIDs' owners known.
[ -s itch/orders_01062025.itch ] && [ -s itch/mpids.csv ] || fail "ITCH file or mpids.csv missing"
"$TAPEWATCH" run itch/orders_01062025.itch --owners itch/owners.toml --db itch.db > itch-run.txt
expect_in "rejects    0" itch-run.txt
expect_in "unknown_order 0" itch-run.txt
csv_events=$(grep -c -E ',(ADD|CANCEL|DELETE|EXECUTE),' csv/orders.csv)
expect_in "$csv_events order events" itch-run.txt

# 2. LOBSTER: a pair of files per symbol, every book row matched.
for messages in lobster/*_message_4.csv; do
  "$TAPEWATCH" verify-book "$messages" "${messages/_message_/_orderbook_}" > check.txt
  expect_in "(100.0000%)" check.txt
done
[ "$(ls lobster/*_message_4.csv | wc -l)" = 2 ] || fail "expected 2 LOBSTER message files"

# 3. Formats a mode does not write are refused, naming the option.
if "$TAPEWATCH" generate --format lobster --out bad 2> refused.txt; then
  fail "--format lobster without --mode orders was accepted"
fi
expect_in "--format" refused.txt
echo "generate formats: ok"
