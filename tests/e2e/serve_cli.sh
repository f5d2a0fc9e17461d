#!/usr/bin/env bash
# End-to-end test of `tapewatch serve`: a generated market run into a store, served on a free
# loopback port, a few routes read with curl, then stopped with SIGTERM.
set -euo pipefail
SHARED=${2:-}
source "$(dirname "$0")/support/prelude.bash"
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 77; }

"$TAPEWATCH" generate --symbols 3 --accounts 200 --hours 1 --seed 7 --out m > /dev/null
"$TAPEWATCH" run m/trades.csv --owners m/owners.toml --db tapewatch.db -q
stored=$(sqlite3 tapewatch.db "select count(*) from alerts")
[ "$stored" -gt 0 ] || fail "the run stored no alerts"

# A store that does not exist is an error naming it, not a new empty store.
if "$TAPEWATCH" serve --db missing.db --listen 127.0.0.1:0 > /dev/null 2> missing.err; then
  fail "serve started on a store that does not exist"
fi
expect_in "missing.db" missing.err
[ ! -e missing.db ] || fail "serve created missing.db"
code=0
"$TAPEWATCH" serve --db tapewatch.db --listen 127.0.0.1:99999 > /dev/null 2> listen.err || code=$?
[ "$code" != 0 ] || fail "serve accepted port 99999"
expect_in "\-\-listen" listen.err

"$TAPEWATCH" serve --db tapewatch.db --listen 127.0.0.1:0 --web-root "$work/no-web" \
  > serve.out 2> serve.err &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  grep -q "^tapewatch serve: http://" serve.out && break
  kill -0 $server 2>/dev/null || { cat serve.err >&2; fail "serve exited early"; }
  sleep 0.1
done
url=$(sed -n 's|^tapewatch serve: \(http://127\.0\.0\.1:[0-9]*/\) (store: sqlite:tapewatch\.db)$|\1|p' serve.out)
[ -n "$url" ] || { cat serve.out serve.err >&2; fail "no listening line"; }

curl -sf "${url}healthz" > health.json
expect_in '"status":"ok"' health.json
curl -sf "${url}api/stats/summary" > summary.json
expect_in "\"alerts\":$stored," summary.json
curl -sf "${url}api/alerts?rule=wash.*&limit=5" > wash.json
expect_in '"limit":5' wash.json
expect_in '"rule":"wash.' wash.json
curl -sf "${url}api/alerts?format=csv" > alerts.csv
[ "$(($(wc -l < alerts.csv) - 1))" = "$stored" ] || fail "the CSV export has not every alert"
code=$(curl -s -o bad.json -w '%{http_code}' "${url}api/alerts?limit=zero")
[ "$code" = 400 ] || fail "a bad limit answered $code"
expect_in '"parameter":"limit"' bad.json
curl -sf "${url}" > index.txt
expect_in "not built" index.txt
curl -sf "${url}metrics" > metrics.txt
expect_in 'tapewatch_http_requests_total{route="/api/stats/summary",code="200"} 1' metrics.txt
curl -sf "${url}api/openapi.json" > openapi.json
expect_in '"/api/stats/timeline"' openapi.json

kill -TERM $server
for _ in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
if kill -0 $server 2>/dev/null; then fail "serve did not stop on SIGTERM"; fi
wait $server || fail "serve exited with an error after SIGTERM"
expect_in "stopped" serve.err
echo "serve_cli: ok"
