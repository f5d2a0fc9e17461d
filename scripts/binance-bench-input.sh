#!/bin/sh
# Writes a large Binance aggTrades CSV for `tapewatch bench --phase parse`: the real sample in
# ../shared/data/binance repeated N times (default 200), with fresh aggregate ids and times
# that keep increasing, so every row is valid and in order.
# Usage: scripts/binance-bench-input.sh OUT.csv [N]
set -eu
out=${1:?usage: $0 OUT.csv [N]}
times=${2:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
sample="$here/../shared/data/binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv"
[ -r "$sample" ] || { echo "$0: $sample not found (../shared/data is needed)" >&2; exit 1; }
awk -F, -v OFS=, -v times="$times" '
  { rows[NR] = $0 }
  END {
    split(rows[1], first, ",")
    id = first[1]; t = first[6]
    for (k = 0; k < times; k++)
      for (i = 1; i <= NR; i++) {
        n = split(rows[i], f, ",")
        id++; t += 137
        f[1] = sprintf("%.0f", id); f[6] = sprintf("%.0f", t)
        line = f[1]
        for (j = 2; j <= n; j++) line = line OFS f[j]
        print line
      }
  }' "$sample" > "$out"
echo "wrote $out ($(wc -l < "$out") rows)"
