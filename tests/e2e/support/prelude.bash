# What every end-to-end script starts with, sourced after `set -euo pipefail`: the binary under
# test ($TAPEWATCH, the script's first argument), a scratch folder to work in (removed on exit),
# and the checks that end the script with a message.
TAPEWATCH=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_in() { grep -q -- "$1" "$2" || { cat "$2" >&2; fail "expected '$1' in $2"; }; }
