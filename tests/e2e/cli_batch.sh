#!/usr/bin/env bash
# End-to-end test of the tapewatch binary: generate, run, re-run, export, errors, real data.
set -euo pipefail
SHARED=${2:-}
source "$(dirname "$0")/support/prelude.bash"
count() { sqlite3 tapewatch.db "$1"; }

# 1. generate is deterministic.
"$TAPEWATCH" generate --symbols 3 --accounts 200 --hours 1 --seed 7 --out m1 > gen.txt
"$TAPEWATCH" generate --symbols 3 --accounts 200 --hours 1 --seed 7 --out m2 > /dev/null
cmp -s m1/trades.csv m2/trades.csv || fail "same seed gave different trades"
cmp -s m1/labels.jsonl m2/labels.jsonl || fail "same seed gave different labels"
[ -s m1/owners.toml ] || fail "no owners file"

# 2. run prints the summary and stores alerts, bars and the run.
"$TAPEWATCH" run m1/trades.csv --owners m1/owners.toml --db tapewatch.db --dead-letter rejects.jsonl > run1.txt
expect_in "events" run1.txt
expect_in "wash.round_trip" run1.txt
expect_in "pump_and_dump" run1.txt
expect_in "peak memory" run1.txt
alerts1=$(count "select count(*) from alerts")
[ "$alerts1" -gt 0 ] || fail "no alerts stored"
[ "$(count "select count(*) from alerts where rule='wash.round_trip'")" -gt 0 ] || fail "no wash alerts"
[ "$(count "select count(*) from alerts where rule='pump_and_dump'")" -gt 0 ] || fail "no pump alerts"
[ "$(count "select count(*) from bars")" -gt 100 ] || fail "bars missing"
[ "$(count "select status from runs")" = "ok" ] || fail "run not recorded as ok"

# 3. re-running the same input upserts: same alert count, same ids.
count "select id from alerts order by id" > ids1.txt
"$TAPEWATCH" run m1/trades.csv --owners m1/owners.toml --db tapewatch.db -q
count "select id from alerts order by id" > ids2.txt
cmp -s ids1.txt ids2.txt || fail "re-run changed the alert ids"
[ "$(count "select count(*) from runs")" = "2" ] || fail "second run not recorded"

# 3b. the same tape split into two files (by symbol) merges back in time order: same alerts.
awk -F, 'NR==1 || $3=="BTCUSDT"' m1/trades.csv > btc.csv
awk -F, 'NR==1 || $3!="BTCUSDT"' m1/trades.csv > rest.csv
"$TAPEWATCH" run rest.csv btc.csv --owners m1/owners.toml --db split.db -q
sqlite3 split.db "select id from alerts order by id" > ids_split.txt
cmp -s ids1.txt ids_split.txt || fail "two inputs gave other alerts than one"

# 4. export as CSV, JSONL and the replaced system's layout.
"$TAPEWATCH" export --db tapewatch.db --format csv --out alerts.csv
"$TAPEWATCH" export --db tapewatch.db --format jsonl --out alerts.jsonl
[ "$(($(wc -l < alerts.jsonl)))" = "$alerts1" ] || fail "jsonl export count"
head -1 alerts.csv | grep -q '^id,rule,symbol,severity' || fail "csv header"
"$TAPEWATCH" export --db tapewatch.db --seed-layout seed
for f in alerts_wash.csv alerts_pump_dump.csv all_alerts.csv; do [ -s "seed/$f" ] || fail "seed/$f"; done

# 5. bad rows go to the dead letter and the run goes on.
{
  echo "trade_id,timestamp,symbol,price,quantity,side,trader_id,order_id,event_type"
  echo "1,2025-01-06T12:00:00,BTCUSDT,42000,1,BUY,T1,o1,TRADE"
  echo "2,2025-01-06T12:00:01,BTCUSDT,-5,1,BUY,T1,o2,TRADE"
  echo "3,not-a-time,BTCUSDT,42000,1,BUY,T1,o3,TRADE"
  echo "4,2025-01-06T12:00:02,BTCUSDT,42000,1,HOLD,T1,o4,TRADE"
  echo "5,2025-01-06T12:00:03,BTCUSDT,42000,1,SELL,T2,o5,TRADE"
} > bad.csv
"$TAPEWATCH" run bad.csv --no-db --dead-letter bad.rejects.jsonl > bad.txt
expect_in "bad_price" bad.txt
expect_in "bad_timestamp" bad.txt
expect_in "unknown_side" bad.txt
[ "$(wc -l < bad.rejects.jsonl)" = "3" ] || fail "dead letter should hold 3 rows"
expect_in '"line":3' bad.rejects.jsonl

# 6. unreadable input and bad config are clear errors with a non-zero exit, never a crash.
printf '\x00\x01garbage' > unknown.bin
if "$TAPEWATCH" run unknown.bin --no-db 2> err.txt; then fail "unknown format accepted"; fi
expect_in "unknown.bin" err.txt
printf '[rules."wash.round_trip"]\nwindw = "5s"\n' > bad.toml
if "$TAPEWATCH" run m1/trades.csv --no-db -c bad.toml 2> err.txt; then fail "bad config accepted"; fi
expect_in "windw" err.txt
if "$TAPEWATCH" export --db missing.db 2> err.txt; then fail "export of a missing store accepted"; fi
expect_in "missing.db" err.txt
[ ! -e missing.db ] || fail "export created a store"
"$TAPEWATCH" rules > rules.txt
for r in wash.round_trip wash.volume_anomaly pump_and_dump; do expect_in "$r" rules.txt; done

# 7. real Binance data, when the shared folder is present.
binance="$SHARED/binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv"
if [ -f "$binance" ]; then
  "$TAPEWATCH" run "$binance" --db real.db > real.txt
  expect_in "events     5000" real.txt
  [ "$(sqlite3 real.db "select count(*) from bars where symbol='BTCUSDT'")" -gt 0 ] || fail "no BTCUSDT bars"
else
  echo "note: $binance absent, real-data step skipped"
fi
# 8. real LOBSTER data: read as order flow, and its book rebuilt against the provider's.
lobster="$SHARED/lobster/AMZN_2012-06-21_34200000_57600000_"
if [ -f "${lobster}message_1.csv" ]; then
  "$TAPEWATCH" run "${lobster}message_1.csv" --db lobster.db > lobster.txt
  expect_in "events     57515 (11419 trades, 55070 order events)" lobster.txt
  expect_in "8974 executions printed" lobster.txt
  books() { sqlite3 lobster.db "select json_extract(books, '\$.$1') from runs"; }
  [ "$(books symbols)" = "1" ] || fail "runs.books: symbols"
  [ "$(books executions_printed)" = "8974" ] || fail "runs.books: executions_printed"
  [ "$(books unknown_order)" -gt 0 ] || fail "runs.books: unknown_order"
  [ -n "$(books orders_dropped)" ] || fail "runs.books: orders_dropped missing"
  [ "$(sqlite3 lobster.db "select feed_counts from runs")" = "{}" ] || fail "LOBSTER feed_counts"
  "$TAPEWATCH" run "${lobster}message_1.csv" --no-db --book-seed "${lobster}orderbook_1.csv" > seeded.txt
  expect_in "events     57517 (11419 trades, 55072 order events)" seeded.txt
  if "$TAPEWATCH" run "${lobster}message_1.csv" --no-db --book-seed "${lobster}orderbook_5.csv" 2> err.txt; then
    fail "another file's book seed accepted"
  fi
  expect_in "is not this file's orderbook file" err.txt
  "$TAPEWATCH" verify-book "${lobster}message_1.csv" "${lobster}orderbook_1.csv" > verify.txt ||
    { cat verify.txt >&2; fail "verify-book found mismatches it cannot explain"; }
  expect_in "rows compared     57514" verify.txt
  expect_in "revealed levels" verify.txt
else
  echo "note: ${lobster}message_1.csv absent, LOBSTER step skipped"
fi
# 9. real ITCH data: message counts by type in the summary and the run store.
itch="$SHARED/itch50/admin_first1000.itch"
if [ -f "$itch" ]; then
  "$TAPEWATCH" run "$itch" --date 2019-01-30 --db itch.db > itch.txt
  expect_in "feed       messages 1000, H 3, R 993, S 1, Y 3, unknown_types 0" itch.txt
  [ "$(sqlite3 itch.db "select json_extract(feed_counts, '\$.R') from runs")" = "993" ] ||
    fail "runs.feed_counts: R"
  [ "$(sqlite3 itch.db "select json_extract(feed_counts, '\$.unknown_types') from runs")" = "0" ] ||
    fail "runs.feed_counts: unknown_types"
else
  echo "note: $itch absent, ITCH step skipped"
fi
echo "e2e cli_batch: all checks passed"
