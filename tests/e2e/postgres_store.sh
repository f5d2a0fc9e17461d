#!/usr/bin/env bash
# End-to-end test of the PostgreSQL store: `tapewatch run` of a generated market into
# PostgreSQL, then `tapewatch export` from it, gives the same alerts as into SQLite; a re-run
# adds nothing; bars arrive too; a bad URL is refused with the URL (password masked).
# Needs TAPEWATCH_TEST_PG_URL (scripts/with-postgres.sh sets it; ctest's pg.e2e runs this
# through it), else skips.
set -euo pipefail
[[ -n ${TAPEWATCH_TEST_PG_URL:-} ]] || { echo "TAPEWATCH_TEST_PG_URL is not set" >&2; exit 77; }
source "$(dirname "$0")/support/prelude.bash"

# A database of its own on the test server.
db="tapewatch_e2e_$$"
psql "$TAPEWATCH_TEST_PG_URL" -qc "CREATE DATABASE $db"
trap 'psql "$TAPEWATCH_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
url="${TAPEWATCH_TEST_PG_URL%/*}/$db"

"$TAPEWATCH" generate --symbols 3 --accounts 200 --hours 2 --seed 7 --out m > /dev/null

# 1. The same run into SQLite and into PostgreSQL: identical exports, CSV and JSONL.
"$TAPEWATCH" run m/trades.csv --db lite.db > lite.txt
"$TAPEWATCH" run m/trades.csv --db "$url" > pg.txt
for format in csv jsonl; do
  "$TAPEWATCH" export --db lite.db --format $format --out lite.$format
  "$TAPEWATCH" export --db "$url" --format $format --out pg.$format
  cmp -s lite.$format pg.$format || { diff lite.$format pg.$format | head >&2; fail "$format exports differ"; }
done
alerts=$(($(wc -l < lite.csv) - 1))
[[ $alerts -gt 10 ]] || fail "expected a market with alerts, got $alerts"
expect_in "postgresql://" pg.txt

# 2. A re-run upserts: the same alerts, first seen by the first run; both runs recorded.
"$TAPEWATCH" run m/trades.csv --db "$url" > /dev/null
q() { psql "$url" -Atc "$1"; }
[[ $(q "SELECT count(*) FROM alerts") == "$alerts" ]] || fail "a re-run changed the alert count"
[[ $(q "SELECT count(DISTINCT first_seen_run) FROM alerts") == 1 ]] || fail "first_seen_run moved"
[[ $(q "SELECT count(*) FROM runs WHERE status = 'ok'") == 2 ]] || fail "expected 2 finished runs"

# 3. Bars: as many as SQLite stored, with the same closes.
lite_bars=$(sqlite3 lite.db "SELECT count(*) || ' ' || group_concat(close, ',') FROM (SELECT close FROM bars ORDER BY symbol, interval_ns, start_ns)")
pg_bars=$(q "SELECT count(*) || ' ' || string_agg(close, ',' ORDER BY symbol, interval_ns, start_ns) FROM bars")
[[ $lite_bars == "$pg_bars" ]] || fail "bars differ between SQLite and PostgreSQL"

# 4. A database that does not exist is an error naming the URL, its password masked.
bad="postgresql://someone:hunter2@${url#*@}_missing"
if "$TAPEWATCH" export --db "$bad" > /dev/null 2> err.txt; then fail "exported from no database"; fi
expect_in "someone:\*\*\*@" err.txt
expect_in "_missing" err.txt
grep -q hunter2 err.txt && fail "the password was printed"
echo "ok: $alerts alerts identical in SQLite and PostgreSQL"
