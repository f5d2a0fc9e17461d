#!/usr/bin/env bash
# The web dashboard in headless chromium against `tapewatch serve` over a store the real pipeline
# wrote (an order-level market and a trade tape); tests/browser/dashboard.test.mjs drives it and
# saves screenshots under BUILD_DIR/screenshots.
set -euo pipefail
SHARED=${2:-}
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
source "$(dirname "$0")/support/prelude.bash"
BUILD_DIR=$(dirname "$TAPEWATCH")

command -v node >/dev/null || { echo "SKIP: node is missing" >&2; exit 77; }
[ -x /usr/bin/chromium ] || { echo "SKIP: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 77; }
[ -d "$SOURCE_DIR/web/node_modules/playwright-core" ] \
  || { echo "SKIP: web/node_modules is missing (npm ci --prefix web)" >&2; exit 77; }
[ -f "$BUILD_DIR/web/index.html" ] || fail "the dashboard is not built into $BUILD_DIR/web"

# A store with order-level alerts (spoofing, layering) and trade-tape ones (wash, pump and dump),
# and a second tape to run into it while the page is open.
"$TAPEWATCH" generate --mode orders --symbols 3 --hours 1 --seed 5 --inject spoofing,layering \
  --episodes-per-hour 8 --out orders > /dev/null
"$TAPEWATCH" generate --symbols 3 --hours 1 --seed 6 --out tape > /dev/null
"$TAPEWATCH" generate --symbols 3 --hours 1 --seed 7 --start 2025-01-06T13:00:00Z --out later > /dev/null
"$TAPEWATCH" run orders/orders.csv --owners orders/owners.toml --db t.db -q
"$TAPEWATCH" run tape/trades.csv --owners tape/owners.toml --db t.db -q

"$TAPEWATCH" serve --db t.db --listen 127.0.0.1:0 > serve.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
url=""
for _ in $(seq 1 100); do
  port=$(grep -oE '127\.0\.0\.1:[1-9][0-9]*' serve.log | head -1 || true)
  [ -n "$port" ] && url="http://$port" && break
  kill -0 "$server" 2>/dev/null || { cat serve.log >&2; fail "tapewatch serve exited"; }
  sleep 0.1
done
[ -n "$url" ] || { cat serve.log >&2; fail "tapewatch serve printed no address"; }

node "$SOURCE_DIR/tests/browser/dashboard.test.mjs" --url "$url" --screenshots "$BUILD_DIR/screenshots" \
  --tapewatch "$TAPEWATCH" --db "$work/t.db" --live-input later/trades.csv --live-owners later/owners.toml \
  || { echo "--- serve.log" >&2; tail -20 serve.log >&2; fail "browser tests failed"; }
